"""People leaving the system (PDPA): unlinked from the channel, told so, their menu reset."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers.messages import Message
from handlers.notify import Notifier
from handlers.texts import t
from storage import privacy
from storage.models import Account, Contact, Staff


def remove_contact(session: Session, contact: Contact, *, now: datetime, notifier: Notifier,
                   erase: bool = False) -> bool:
    """Deactivate and unlink a customer contact (optionally anonymising them); True if they were told."""
    address = privacy.remove_contact(session, contact, now=now)
    if address:
        account = session.get(Account, contact.account_id)
        _goodbye(notifier, address, t("contact_removed", contact.language, account=account.name if account else ""))
    if erase:
        privacy.erase_contact(session, contact, line_user=address, now=now)
    return bool(address)


def remove_staff(session: Session, staff: Staff, *, now: datetime, notifier: Notifier) -> bool:
    address = privacy.remove_staff(session, staff, now=now)
    if address:
        _goodbye(notifier, address, t("staff_removed", staff.language, name=staff.name))
    return bool(address)


def remove(session: Session, person: Contact | Staff, *, now: datetime, notifier: Notifier) -> bool:
    """Whoever an import no longer lists."""
    if isinstance(person, Contact):
        return remove_contact(session, person, now=now, notifier=notifier)
    return remove_staff(session, person, now=now, notifier=notifier)


def _goodbye(notifier: Notifier, address: str, text: str) -> None:
    notifier.push_address(address, [Message(text=text)])
    notifier.reset_menu_address(address)
