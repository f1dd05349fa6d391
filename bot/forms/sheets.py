"""The Google Sheets gateway: gspread 6 with a service account, O(1) requests per spreadsheet.

Reads take one values request per responses tab (UNFORMATTED_VALUE, SERIAL_NUMBER: numbers
stay numbers, timestamps come as serial days in the spreadsheet's zone, whatever its locale).
Writes take one values batchUpdate per spreadsheet, plus one spreadsheets batchUpdate when a
tab must be added or grown. Reads and overwrites are retried a bounded number of times on 429
and 5xx; adding tabs is not (a repeat would fail or duplicate). gspread's BackOffHTTPClient is
not used: it never gives up and retries everything.
"""
from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from urllib.parse import urlsplit

import gspread
import requests
import requests.adapters
from google.auth.transport import requests as google_requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account
from gspread.exceptions import APIError, SpreadsheetNotFound
from gspread.http_client import HTTPClient
from gspread.utils import DateTimeOption, ValueRenderOption
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from bot.config import SheetsConfig

log = logging.getLogger(__name__)

# Tabs the bot adds get room to grow so that most refreshes need no resize.
GROW_ROWS = 500


class SheetAccessError(Exception):
    """A spreadsheet or tab that cannot be used, said in plain words."""


def _transient(error: BaseException) -> bool:
    if isinstance(error, APIError):
        return error.code == 429 or error.code >= 500
    return isinstance(error, (requests.ConnectionError, requests.Timeout))


def _idempotent(method: str, url: str) -> bool:
    """Reads, and overwrites of fixed ranges, may be sent again; adding a tab may not."""
    return method.upper() == "GET" or url.endswith("/values:batchUpdate")


class GoogleHostsTo(requests.adapters.HTTPAdapter):
    """Sends every *.googleapis.com request (Sheets, the OAuth token, IAM) to one other server."""

    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def send(self, request, *args, **kwargs):
        parts = urlsplit(request.url)
        if parts.hostname and parts.hostname.endswith(".googleapis.com"):
            request.url = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().send(request, *args, **kwargs)


class SheetsHTTPClient(HTTPClient):
    """gspread's HTTP client with a timeout on every call and bounded retries of idempotent ones."""

    def __init__(self, auth, session=None, *, settings: SheetsConfig):
        super().__init__(auth, session)
        self.settings = settings
        self.set_timeout(settings.timeout_seconds)

    def request(self, method: str, endpoint: str, *args, **kwargs):
        send = functools.partial(super().request, method, endpoint, *args, **kwargs)
        if not _idempotent(method, endpoint):
            return send()
        retrying = Retrying(
            stop=stop_after_attempt(self.settings.max_attempts),
            wait=wait_exponential(multiplier=self.settings.backoff_base_seconds, max=self.settings.backoff_max_seconds),
            retry=retry_if_exception(_transient),
            before_sleep=lambda state: log.warning(
                "Sheets %s %s failed (%s); attempt %d of %d", method.upper(), endpoint.split("?")[0],
                state.outcome.exception(), state.attempt_number, self.settings.max_attempts),
            reraise=True,
        )
        return retrying(send)


def open_client(settings: SheetsConfig) -> gspread.Client:
    """A gspread client authenticated by the service-account file (google-auth does the token exchange).

    With sheets.api_base_url set, all Google traffic goes to that server instead (the local stand-in)."""
    try:
        credentials = service_account.Credentials.from_service_account_file(settings.service_account_file,
                                                                            scopes=gspread.auth.DEFAULT_SCOPES)
    except FileNotFoundError:
        raise SheetAccessError(f"service-account file not found: {settings.service_account_file} "
                               "(sheets.service_account_file)") from None
    except (ValueError, KeyError) as error:
        raise SheetAccessError(f"service-account file {settings.service_account_file} is not a service-account "
                               f"key from Google Cloud: {error}") from None
    transport = requests.Session()
    if settings.api_base_url:
        transport.mount("https://", GoogleHostsTo(settings.api_base_url))
    session = AuthorizedSession(credentials, auth_request=google_requests.Request(transport))
    if settings.api_base_url:
        session.mount("https://", GoogleHostsTo(settings.api_base_url))
    return gspread.Client(auth=credentials, session=session,
                          http_client=functools.partial(SheetsHTTPClient, settings=settings))


def describe(error: BaseException, spreadsheet: str) -> str:
    """One line an operator can act on."""
    if isinstance(error, SheetAccessError):
        return str(error)
    if isinstance(error, SpreadsheetNotFound) or (isinstance(error, APIError) and error.code == 404):
        return f"spreadsheet {spreadsheet} does not exist (check the key in its URL)"
    if isinstance(error, PermissionError) or (isinstance(error, APIError) and error.code == 403):
        return f"spreadsheet {spreadsheet} is not shared with the service account (share it as Editor)"
    if isinstance(error, APIError) and error.code == 429:
        return f"spreadsheet {spreadsheet}: Google's quota is used up for now (429); the next poll tries again"
    if isinstance(error, APIError):
        return f"spreadsheet {spreadsheet}: Google answered {error.code}: {error.error.get('message', '')}"
    if isinstance(error, (requests.ConnectionError, requests.Timeout)):
        return f"spreadsheet {spreadsheet}: Google could not be reached ({type(error).__name__})"
    if "invalid_grant" in str(error):
        return "Google refused the service-account key (invalid_grant): download a new key file"
    return f"spreadsheet {spreadsheet}: {type(error).__name__}: {error}"


@dataclass(frozen=True)
class TabValues:
    rows: list[list[Any]]  # as the API gives them: str, int, float, bool; dates as serial days
    timezone: str  # the spreadsheet's time zone (the serial days are wall time there)


def open_spreadsheet(client: gspread.Client, key: str) -> tuple[gspread.Spreadsheet, dict[str, gspread.Worksheet]]:
    """Two metadata reads: the spreadsheet and its tabs by title."""
    spreadsheet = client.open_by_key(key)
    return spreadsheet, {sheet.title: sheet for sheet in spreadsheet.worksheets()}


def values_of(sheet: gspread.Worksheet) -> list[list[Any]]:
    """One values read, every row kept in place (blank rows as []): dates as serial days."""
    return sheet.get_values(value_render_option=ValueRenderOption.unformatted,
                            date_time_render_option=DateTimeOption.serial_number)


def read_tabs(client: gspread.Client, key: str, titles: list[str]) -> dict[str, TabValues | SheetAccessError]:
    """Every named tab of one spreadsheet: two metadata reads, then one values read per tab."""
    spreadsheet, tabs = open_spreadsheet(client, key)
    result: dict[str, TabValues | SheetAccessError] = {}
    for title in dict.fromkeys(titles):
        sheet = tabs.get(title)
        if sheet is None:
            result[title] = SheetAccessError(f"spreadsheet {key} has no tab {title!r} "
                                             f"(tabs: {', '.join(tabs) or 'none'})")
            continue
        result[title] = TabValues(rows=[row for row in values_of(sheet) if row], timezone=spreadsheet.timezone)
    return result


def write_tabs(client: gspread.Client, key: str, tables: dict[str, list[list[Any]]], *,
               cells: list[dict] = (), opened: tuple | None = None,
               only: dict[str, list[tuple[int, int]]] | None = None) -> None:
    """Replace each tab's contents (adding or growing tabs first), in one values batchUpdate.

    Rows below the new contents are blanked in the same write, so a shorter table leaves nothing stale.
    `only`: for some tabs, just these row slices [start, stop) of the table (the rest is on the
    sheet already, and the table is not shorter than what is there); `cells`: more {"range",
    "values"} written in the same call (a column of someone else's tab); `opened`: what
    open_spreadsheet gave, to save its two reads."""
    spreadsheet, tabs = opened or open_spreadsheet(client, key)
    only = only or {}
    widths = {title: table_width(rows) for title, rows in tables.items()}
    layout_requests, grid_rows = [], {}
    for title, rows in tables.items():
        width = widths[title]
        sheet = tabs.get(title)
        needed = len(rows) + GROW_ROWS
        if sheet is None:
            layout_requests.append({"addSheet": {"properties": {
                "title": title, "gridProperties": {"rowCount": needed, "columnCount": max(width, 26)}}}})
            grid_rows[title] = len(rows)
        elif sheet.row_count < len(rows) or sheet.col_count < width:
            layout_requests.append({"updateSheetProperties": {
                "properties": {"sheetId": sheet.id, "gridProperties": {"rowCount": max(needed, sheet.row_count),
                                                                        "columnCount": max(width, sheet.col_count)}},
                "fields": "gridProperties(rowCount,columnCount)"}})
            grid_rows[title] = sheet.row_count
        else:
            grid_rows[title] = sheet.row_count
    if layout_requests:
        spreadsheet.batch_update({"requests": layout_requests})
    data = []
    for title, rows in tables.items():
        width = widths[title]
        quoted = "'" + title.replace("'", "''") + "'"
        if title in only and title in tabs:
            for start, stop in only[title]:
                data.append({"range": f"{quoted}!A{start + 1}", "values": _padded(rows[start:stop], width)})
            continue
        padded = _padded(rows, width) + [[""] * width for _ in range(grid_rows[title] - len(rows))]
        data.append({"range": f"{quoted}!A1", "values": padded})
    data += list(cells)
    spreadsheet.values_batch_update({"valueInputOption": "RAW", "data": data})


def table_width(rows: list[list[Any]]) -> int:
    """Columns a table needs: its widest row, at least one."""
    return max([1, *(len(row) for row in rows)])


def _padded(rows: list[list[Any]], width: int) -> list[list[Any]]:
    return [list(row) + [""] * (width - len(row)) for row in rows]


# Fingerprints are kept per block of rows, so that a changed tab is written only where it changed
# (new tickets come at the end; a changed status touches one block).
BLOCK_ROWS = 500


def block_fingerprints(rows: list[list[Any]]) -> list[str]:
    """A short hash of each BLOCK_ROWS rows' cells: equal for equal blocks."""
    return [hashlib.blake2b(repr(rows[start:start + BLOCK_ROWS]).encode(), digest_size=12).hexdigest()
            for start in range(0, len(rows), BLOCK_ROWS)]


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
