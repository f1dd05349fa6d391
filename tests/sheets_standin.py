"""A local stand-in for the Google Sheets API v4 and Google's OAuth token endpoint.

Used by tests, benchmarks and demos so that the real gspread client and
google-auth's real service-account code talk HTTP to it::

    sheets = SheetsStandIn().start()
    info = sheets.service_account_info()      # throwaway RSA key, token_uri -> this server
    book = sheets.add_spreadsheet("KEY1", timezone="Asia/Bangkok", locale="th_TH")
    book.add_tab("การตอบแบบฟอร์ม 1", [["ประทับเวลา", "รหัสบัญชี"], [datetime(2026, 11, 23, 9, 40), "A100"]])
    ...
    sheets.stop()

Point every *.googleapis.com request at ``sheets.url`` (bot/forms/sheets.py does it with a requests
transport adapter when ``[sheets] api_base_url`` is set): the key file keeps Google's real token_uri.

Emulated (a subset of the real API, see the Sheets v4 reference):

* ``GET .../allowedLocations``: google-auth's regional access boundary lookup (IAM), answered.
* ``POST /token``: the JWT-bearer grant; the assertion must be signed by a key from
  ``service_account_info()`` (verified with google-auth), else 400 ``invalid_grant``.
  Sheets calls need ``Authorization: Bearer`` with an issued token, else 401.
* ``GET  /v4/spreadsheets/{id}``: metadata (title, locale, timeZone, sheets with grid sizes).
* ``GET  /v4/spreadsheets/{id}/values/{range}`` and ``GET .../values:batchGet?ranges=``:
  ``valueRenderOption`` FORMATTED_VALUE (default) | UNFORMATTED_VALUE, ``dateTimeRenderOption``
  SERIAL_NUMBER (default) | FORMATTED_STRING. Cells hold str, int, float, bool or datetime
  (wall time in the spreadsheet's zone); formatted dates follow the locale (th_TH shows
  Buddhist-era years). Trailing empty cells and rows are left out, as Google does.
* ``POST /v4/spreadsheets/{id}/values:batchUpdate``: writes ranges (RAW); writing past the
  grid is refused (400 "exceeds grid limits") like Google.
* ``POST /v4/spreadsheets/{id}:batchUpdate``: ``addSheet`` (400 if the title exists) and
  ``updateSheetProperties`` of the grid size.
* Unknown spreadsheet -> 404; spreadsheet not shared with the service account -> 403.

Every request is recorded (``requests``) so tests can count calls per poll. Fault injection:
``fail_next(status, times=, kind=)`` answers errors (429, 500, 503 ...) without doing anything.

This module must not import pytest.
"""
from __future__ import annotations

import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import unquote

from werkzeug.wrappers import Request, Response

from bot.demo.http_server import KeepAliveServer

__all__ = ["SheetsStandIn", "FakeSpreadsheet", "FakeTab", "RecordedRequest", "serial_number"]

SERIAL_EPOCH = datetime(1899, 12, 30)
# google-auth signs its grant for Google's token endpoint whatever token_uri says.
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
_STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}
_FAULT_MESSAGES = {
    429: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user'",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}
_PATH = re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+)(?P<rest>.*)$")
_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")


def serial_number(value: datetime | date) -> float:
    """Days since 1899-12-30, the fraction being the time of day (Google's SERIAL_NUMBER)."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return (value.replace(tzinfo=None) - SERIAL_EPOCH).total_seconds() / 86400


@dataclass
class RecordedRequest:
    method: str
    kind: str  # token, metadata, values_get, values_batch_get, values_batch_update, batch_update
    spreadsheet_id: str
    params: dict[str, list[str]]
    body: Any
    status: int = 200


@dataclass
class FakeTab:
    title: str
    sheet_id: int
    rows: list[list[Any]] = field(default_factory=list)
    row_count: int = 1000
    column_count: int = 26

    def set_rows(self, rows: list[list[Any]]) -> None:
        self.rows = [list(r) for r in rows]
        self.row_count = max(self.row_count, len(self.rows))
        self.column_count = max([self.column_count, *(len(r) for r in self.rows)])

    def values(self) -> list[list[Any]]:
        """The cells as stored, trailing empties removed (what a person sees, unformatted)."""
        return _trim(self.rows)


@dataclass
class FakeSpreadsheet:
    key: str
    title: str
    timezone: str
    locale: str
    shared: bool = True
    tabs: list[FakeTab] = field(default_factory=list)

    def add_tab(self, title: str, rows: list[list[Any]] | None = None, *, row_count: int = 1000,
                column_count: int = 26) -> FakeTab:
        tab = FakeTab(title, sheet_id=len(self.tabs) and (max(t.sheet_id for t in self.tabs) + 1),
                      row_count=row_count, column_count=column_count)
        tab.set_rows(rows or [])
        self.tabs.append(tab)
        return tab

    def tab(self, title: str) -> FakeTab | None:
        return next((t for t in self.tabs if t.title == title), None)


class _ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class SheetsStandIn:
    def __init__(self) -> None:
        self.spreadsheets: dict[str, FakeSpreadsheet] = {}
        self.requests: list[RecordedRequest] = []
        self._public_keys: dict[str, str] = {}  # client_email -> PEM public key
        self._tokens: set[str] = set()
        self._faults: list[tuple[int, str | None]] = []
        self._lock = threading.Lock()
        self._server = None
        self.url = ""

    # --- set-up -------------------------------------------------------------------

    def add_spreadsheet(self, key: str, title: str = "", *, timezone: str = "Asia/Bangkok", locale: str = "th_TH",
                        shared: bool = True) -> FakeSpreadsheet:
        book = FakeSpreadsheet(key, title or key, timezone, locale, shared)
        self.spreadsheets[key] = book
        return book

    def service_account_info(self, client_email: str = "kambot@kambot-test.iam.gserviceaccount.com") -> dict:
        """A service-account JSON (as Google's console gives it) with a fresh throwaway key."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
        public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        self._public_keys[client_email] = public_pem
        return {
            "type": "service_account",
            "project_id": "kambot-test",
            "private_key_id": secrets.token_hex(20),
            "private_key": private_pem,
            "client_email": client_email,
            "client_id": "1000000000000000000",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": GOOGLE_TOKEN_AUDIENCE,
        }

    def fail_next(self, status: int, *, times: int = 1, kind: str | None = None) -> None:
        """The next `times` Sheets requests (of `kind`, if given) answer `status` and do nothing."""
        with self._lock:
            self._faults.extend([(status, kind)] * times)

    # --- what happened --------------------------------------------------------------

    def calls(self, kind: str | None = None) -> list[RecordedRequest]:
        """Sheets API requests (not the token or IAM calls google-auth makes)."""
        return [r for r in self.requests if r.kind not in ("token", "iam") and (kind is None or r.kind == kind)]

    def reset_log(self) -> None:
        self.requests.clear()

    # --- lifecycle ------------------------------------------------------------------

    def start(self) -> "SheetsStandIn":
        if self._server is not None:
            return self
        self._server = KeepAliveServer(self._wsgi, name="SheetsStandIn").start()
        self.url = self._server.url
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.stop()
        self._server = None

    def __enter__(self) -> "SheetsStandIn":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- HTTP -----------------------------------------------------------------------

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        raw_path = environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.path
        raw_path = raw_path.split("?", 1)[0]
        if raw_path == "/token" and request.method == "POST":
            return self._token(request)(environ, start_response)
        if raw_path.endswith("/allowedLocations"):  # google-auth's regional access boundary lookup (IAM)
            self.requests.append(RecordedRequest("GET", "iam", "", {}, None))
            body = {"locations": ["asia-southeast1"], "encodedLocations": "0xA30"}
            return Response(json.dumps(body), content_type="application/json")(environ, start_response)
        record = RecordedRequest(request.method, "unknown", "", request.args.to_dict(flat=False),
                                 request.get_json(silent=True))
        with self._lock:
            self.requests.append(record)
        try:
            self._authorize(request)
            match = _PATH.match(raw_path)
            if not match:
                raise _ApiError(404, "Not found")
            record.spreadsheet_id = unquote(match["id"])
            record.kind = _kind(request.method, match["rest"])
            self._inject_fault(record.kind)
            book = self._book(record.spreadsheet_id)
            body = self._dispatch(record, book, unquote(match["rest"]), request)
            response = Response(json.dumps(body), status=200, content_type="application/json")
        except _ApiError as error:
            record.status = error.status
            payload = {"error": {"code": error.status, "message": error.message,
                                 "status": _STATUS_NAMES.get(error.status, "UNKNOWN")}}
            response = Response(json.dumps(payload), status=error.status, content_type="application/json")
        return response(environ, start_response)

    def _token(self, request: Request) -> Response:
        from google.auth import jwt

        assertion = request.form.get("assertion", "")
        self.requests.append(RecordedRequest("POST", "token", "", {}, None))
        try:
            claims = jwt.decode(assertion, verify=False)
            public_key = self._public_keys[claims["iss"]]
            jwt.decode(assertion, certs=public_key, audience=GOOGLE_TOKEN_AUDIENCE)
        except Exception:  # wrong key, unknown account, expired: Google says invalid_grant
            return Response(json.dumps({"error": "invalid_grant", "error_description": "Invalid JWT Signature."}),
                            status=400, content_type="application/json")
        token = "ya29.fake-" + secrets.token_urlsafe(16)
        self._tokens.add(token)
        return Response(json.dumps({"access_token": token, "expires_in": 3599, "token_type": "Bearer"}),
                        content_type="application/json")

    def _authorize(self, request: Request) -> None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or header[7:] not in self._tokens:
            raise _ApiError(401, "Request had invalid authentication credentials.")

    def _inject_fault(self, kind: str) -> None:
        with self._lock:
            for i, (status, wanted) in enumerate(self._faults):
                if wanted is None or wanted == kind:
                    del self._faults[i]
                    raise _ApiError(status, _FAULT_MESSAGES.get(status, "Injected failure"))

    def _book(self, key: str) -> FakeSpreadsheet:
        book = self.spreadsheets.get(key)
        if book is None:
            raise _ApiError(404, "Requested entity was not found.")
        if not book.shared:
            raise _ApiError(403, "The caller does not have permission")
        return book

    def _dispatch(self, record: RecordedRequest, book: FakeSpreadsheet, rest: str, request: Request) -> dict:
        if record.kind == "metadata":
            return _metadata(book)
        if record.kind == "values_get":
            return _read_range(book, rest[len("/values/"):], request.args)
        if record.kind == "values_batch_get":
            ranges = [_read_range(book, r, request.args) for r in request.args.getlist("ranges")]
            return {"spreadsheetId": book.key, "valueRanges": ranges}
        if record.kind == "values_batch_update":
            return _write_ranges(book, record.body or {})
        if record.kind == "batch_update":
            return _batch_update(book, record.body or {})
        raise _ApiError(404, "Not found")


def _kind(method: str, rest: str) -> str:
    if method == "GET" and rest == "":
        return "metadata"
    if method == "GET" and rest == "/values:batchGet":
        return "values_batch_get"
    if method == "GET" and rest.startswith("/values/"):
        return "values_get"
    if method == "POST" and rest == "/values:batchUpdate":
        return "values_batch_update"
    if method == "POST" and rest == ":batchUpdate":
        return "batch_update"
    return "unknown"


def _metadata(book: FakeSpreadsheet) -> dict:
    return {
        "spreadsheetId": book.key,
        "properties": {"title": book.title, "locale": book.locale, "timeZone": book.timezone, "autoRecalc": "ON_CHANGE"},
        "sheets": [{"properties": _tab_properties(tab, index)} for index, tab in enumerate(book.tabs)],
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.key}/edit",
    }


def _tab_properties(tab: FakeTab, index: int) -> dict:
    return {"sheetId": tab.sheet_id, "title": tab.title, "index": index, "sheetType": "GRID",
            "gridProperties": {"rowCount": tab.row_count, "columnCount": tab.column_count}}


# --- A1 ranges ------------------------------------------------------------------------


def _split_range(book: FakeSpreadsheet, a1: str) -> tuple[FakeTab, int, int, int | None, int | None]:
    """'Tab'!A2:C9 -> (tab, first row, first column, end row, end column) zero-based, ends exclusive."""
    if a1.startswith("'"):
        end = 1
        while True:
            end = a1.index("'", end)
            if a1[end + 1:end + 2] == "'":
                end += 2
                continue
            break
        title, cells = a1[1:end].replace("''", "'"), a1[end + 1:].lstrip("!")
    else:
        title, _, cells = a1.partition("!")
    tab = book.tab(title)
    if tab is None:
        raise _ApiError(400, f"Unable to parse range: {a1}")
    if not cells:
        return tab, 0, 0, None, None
    start, _, stop = cells.partition(":")
    row0, col0 = _cell(start, a1)
    row1, col1 = _cell(stop, a1) if stop else (row0, col0)
    return tab, row0 or 0, col0 or 0, (row1 + 1 if row1 is not None else None), (col1 + 1 if col1 is not None else None)


def _cell(text: str, a1: str) -> tuple[int | None, int | None]:
    match = _CELL.match(text)
    if not match:
        raise _ApiError(400, f"Unable to parse range: {a1}")
    letters, digits = match[1].upper(), match[2]
    column = None
    if letters:
        column = 0
        for letter in letters:
            column = column * 26 + (ord(letter) - 64)
        column -= 1
    return (int(digits) - 1 if digits else None), column


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _read_range(book: FakeSpreadsheet, a1: str, args) -> dict:
    tab, row0, col0, row1, col1 = _split_range(book, a1)
    unformatted = args.get("valueRenderOption") == "UNFORMATTED_VALUE"
    serial = args.get("dateTimeRenderOption", "SERIAL_NUMBER") == "SERIAL_NUMBER"
    rows = [row[col0:col1] for row in tab.rows[row0:row1]]
    values = _trim([[_render(v, book.locale, unformatted, serial) for v in row] for row in rows])
    last_row = row0 + max(len(values), 1)
    last_col = col0 + max([1, *(len(r) for r in values)])
    title = "'" + tab.title.replace("'", "''") + "'"
    result = {"range": f"{title}!{_column_letters(col0)}{row0 + 1}:{_column_letters(last_col - 1)}{last_row}",
              "majorDimension": "ROWS"}
    if values:
        result["values"] = values
    return result


def _render(value: Any, locale: str, unformatted: bool, serial: bool) -> Any:
    if value is None or value == "":
        return ""
    if isinstance(value, (datetime, date)):
        return serial_number(value) if unformatted and serial else _format_date(value, locale)
    if isinstance(value, bool):
        return value if unformatted else ("TRUE" if value else "FALSE")
    if isinstance(value, (int, float)):
        if unformatted:
            return value
        return str(int(value)) if float(value).is_integer() else repr(value)
    return str(value)


def _format_date(value: datetime | date, locale: str) -> str:
    """How a Google Forms timestamp shows in the sheet's locale: Thai sheets show Buddhist-era years."""
    thai = locale.startswith("th")
    year = value.year + 543 if thai else value.year
    day_month = f"{value.day}/{value.month}" if thai or locale.startswith("en_GB") else f"{value.month}/{value.day}"
    text = f"{day_month}/{year}"
    if isinstance(value, datetime):
        text += f" {value.hour}:{value.minute:02d}:{value.second:02d}"
    return text


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    out = []
    for row in rows:
        row = list(row)
        while row and (row[-1] is None or row[-1] == ""):
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


def _write_ranges(book: FakeSpreadsheet, body: dict) -> dict:
    # Validate every range first: Google applies a batch all or nothing.
    planned = []
    for item in body.get("data", []):
        tab, row0, col0, _, _ = _split_range(book, item["range"])
        values = item.get("values", [])
        rows_needed = row0 + len(values)
        cols_needed = col0 + max([0, *(len(r) for r in values)])
        if rows_needed > tab.row_count or cols_needed > tab.column_count:
            raise _ApiError(400, f"Range ({item['range']}) exceeds grid limits. Max rows: {tab.row_count}, "
                                 f"max columns: {tab.column_count}")
        planned.append((tab, row0, col0, values))
    responses = []
    for tab, row0, col0, values in planned:
        while len(tab.rows) < row0 + len(values):
            tab.rows.append([])
        for offset, row in enumerate(values):
            target = tab.rows[row0 + offset]
            while len(target) < col0 + len(row):
                target.append("")
            target[col0:col0 + len(row)] = row
        responses.append({"spreadsheetId": book.key, "updatedRange": f"'{tab.title}'", "updatedRows": len(values)})
    return {"spreadsheetId": book.key, "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
            "responses": responses}


def _batch_update(book: FakeSpreadsheet, body: dict) -> dict:
    replies = []
    for request in body.get("requests", []):
        if "addSheet" in request:
            properties = request["addSheet"].get("properties", {})
            title = properties.get("title", f"Sheet{len(book.tabs) + 1}")
            if book.tab(title) is not None:
                raise _ApiError(400, f'Invalid requests[0].addSheet: A sheet with the name "{title}" already exists. '
                                     "Please enter another name.")
            grid = properties.get("gridProperties", {})
            tab = book.add_tab(title, row_count=grid.get("rowCount", 1000), column_count=grid.get("columnCount", 26))
            replies.append({"addSheet": {"properties": _tab_properties(tab, len(book.tabs) - 1)}})
        elif "updateSheetProperties" in request:
            properties = request["updateSheetProperties"]["properties"]
            tab = next((t for t in book.tabs if t.sheet_id == properties.get("sheetId")), None)
            if tab is None:
                raise _ApiError(400, f"No grid with id: {properties.get('sheetId')}")
            grid = properties.get("gridProperties", {})
            tab.row_count = grid.get("rowCount", tab.row_count)
            tab.column_count = grid.get("columnCount", tab.column_count)
            replies.append({})
        else:
            raise _ApiError(400, f"Unsupported request in the stand-in: {sorted(request)}")
    return {"spreadsheetId": book.key, "replies": replies}
