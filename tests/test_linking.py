"""Linking a LINE user with a one-time code, through the signed webhook as LINE sends it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.line.richmenu import create_menus
from bot.line.notifier import STAFF_MENU_SETTING
from handlers.texts import t
from storage import roster
from storage.db import session_scope
from storage.models import Contact, LinkCode, Setting, Staff

A100_NAME = "บริษัท น้ำตาลไทย จำกัด"


def issue(bot, *, account: str | None = None, staff: str | None = None, ttl=timedelta(hours=72)) -> str:
    return bot.issue_code(account=account, staff=staff, ttl=ttl)


def contacts(bot) -> list[Contact]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Contact)).all())


def staff(bot, code: str) -> Staff:
    with session_scope(bot.engine) as session:
        return roster.staff_by_code(session, code)


@pytest.fixture
def seeded(bot):
    bot.seed_roster()
    return bot


def test_contact_code_links_a_new_line_user(seeded):
    bot = seeded
    code = issue(bot, account="A100")
    bot.say("Unew", code)
    [contact] = contacts(bot)
    assert contact.line_user_id == "Unew"
    with session_scope(bot.engine) as session:
        assert contact.account_id == roster.account_by_code(session, "A100").id
    reply, ask_name = bot.texts_to("Unew")
    assert "เชื่อมบัญชีเรียบร้อยแล้วค่ะ" in reply
    assert A100_NAME in reply
    assert ask_name.startswith("ขอทราบชื่อของท่านค่ะ")  # then who they are (issue 21), which they may skip
    bot.tap("Unew", "a=profile.skip")
    bot.tap("Unew", "a=profile.skip")
    assert bot.last_to("Unew").get("quickReply")  # the customer menu comes with it
    # From now on the user is a contact: text gets the menu, not the "not linked" answer.
    bot.say("Unew", "สวัสดี")
    assert bot.texts_to("Unew")[-1] == t("menu_hint")


def test_a_code_works_once(seeded):
    bot = seeded
    code = issue(bot, account="A100")
    bot.say("Ufirst", code)
    bot.say("Usecond", code)
    assert bot.texts_to("Usecond") == [t("code_invalid")]
    assert [c.line_user_id for c in contacts(bot)] == ["Ufirst"]


def test_an_expired_code_is_refused(seeded):
    bot = seeded
    code = issue(bot, account="A100", ttl=bot.config.bot.link_code_ttl)
    bot.advance(hours=bot.config.bot.link_code_ttl_hours, seconds=1)
    bot.say("Ulate", code)
    assert bot.texts_to("Ulate") == [t("code_invalid")]
    assert contacts(bot) == []


def test_a_code_just_before_expiry_works(seeded):
    bot = seeded
    code = issue(bot, account="A100", ttl=timedelta(hours=1))
    bot.advance(minutes=59)
    bot.say("Uontime", code)
    assert len(contacts(bot)) == 1


@pytest.mark.parametrize("spelling", [
    lambda code: code.lower(),
    lambda code: code.replace("-", "").lower(),
    lambda code: code.replace("-", ""),
    lambda code: f"  {code[:4]} {code[5:]} ",
])
def test_codes_are_forgiving_about_case_dash_and_spaces(seeded, spelling):
    bot = seeded
    code = issue(bot, account="A100")
    bot.say("Utyper", spelling(code))
    assert [c.line_user_id for c in contacts(bot)] == ["Utyper"]


def test_codes_are_stored_hashed(seeded):
    bot = seeded
    code = issue(bot, account="A100")
    with session_scope(bot.engine) as session:
        [row] = session.exec(select(LinkCode)).all()
    assert row.code_hash != code
    assert code.replace("-", "") not in row.code_hash
    assert len(row.code_hash) == 64
    bot.say("Uhash", code)
    with session_scope(bot.engine) as session:
        row = session.get(LinkCode, row.id)
    assert row.used_by == "Uhash" and row.used_at is not None


def test_unknown_text_from_an_unlinked_user_explains(seeded):
    bot = seeded
    bot.say("Ustranger", "สวัสดีค่ะ")
    assert bot.texts_to("Ustranger") == [t("unlinked")]


def test_too_many_wrong_codes_are_throttled(seeded):
    bot = seeded
    for _ in range(bot.config.bot.link_attempts_per_hour):
        bot.say("Uguess", "ABCD-EFGH")
    good = issue(bot, account="A100")
    bot.say("Uguess", good)
    assert bot.texts_to("Uguess")[-1] == t("code_throttled")
    assert contacts(bot) == []
    bot.advance(hours=1, minutes=1)
    bot.say("Uguess", good)
    assert len(contacts(bot)) == 1


def test_staff_code_links_the_staff_member_and_a_new_phone_replaces_it(seeded):
    bot = seeded
    bot.say("Uphone1", issue(bot, staff="K001"))
    assert staff(bot, "K001").line_user_id == "Uphone1"
    [reply] = bot.texts_to("Uphone1")
    assert reply == t("linked_staff", name="สมชาย ใจดี")
    bot.say("Uphone2", issue(bot, staff="K001"))
    assert staff(bot, "K001").line_user_id == "Uphone2"
    [moved] = bot.texts_to("Uphone2")  # the confirmation, with word that the old phone was unlinked (issue 19)
    assert moved.startswith(t("linked_staff", name="สมชาย ใจดี"))
    # The old phone is no longer anyone.
    bot.say("Uphone1", "เมนู")
    assert bot.texts_to("Uphone1")[-1] == t("unlinked")
    assert contacts(bot) == []


def test_a_linked_contact_cannot_become_staff(seeded):
    """A linked user's code-looking text is just text: the router shows the menu and the code stays unused."""
    bot = seeded
    bot.say("Ucust", issue(bot, account="A100"))
    code = issue(bot, staff="K001")
    bot.say("Ucust", code)
    assert staff(bot, "K001").line_user_id is None
    assert bot.texts_to("Ucust")[-1] == t("menu_hint")
    with session_scope(bot.engine) as session:
        row = session.exec(select(LinkCode).where(LinkCode.kind == "staff")).one()
    assert row.used_at is None
    # The code is still good for the staff member's own LINE.
    bot.say("Ukamr", code)
    assert staff(bot, "K001").line_user_id == "Ukamr"


def test_linked_staff_cannot_become_a_contact(seeded):
    bot = seeded
    bot.say("Ukamr", issue(bot, staff="K001"))
    bot.say("Ukamr", issue(bot, account="A100"))
    assert contacts(bot) == []
    assert bot.texts_to("Ukamr")[-1] == t("staff_menu_hint")


def test_linking_staff_gives_them_the_staff_rich_menu(seeded):
    bot = seeded
    ids = create_menus(bot.config, bot.engine)
    with session_scope(bot.engine) as session:
        assert session.get(Setting, STAFF_MENU_SETTING).value == ids["staff"]
    assert bot.line.default_rich_menu == ids["customer"]
    bot.say("Ukamr", issue(bot, staff="K001"))
    assert bot.line.user_rich_menus.get("Ukamr") == ids["staff"]
    # Customers keep the default menu.
    bot.say("Ucust", issue(bot, account="A100"))
    assert "Ucust" not in bot.line.user_rich_menus


def test_without_a_staff_menu_nothing_is_linked(seeded):
    bot = seeded
    bot.say("Ukamr", issue(bot, staff="K001"))
    assert staff(bot, "K001").line_user_id == "Ukamr"
    assert bot.line.user_rich_menus == {}


def test_follow_greets_by_link_state(seeded):
    bot = seeded
    bot.follow("Unew")
    assert bot.texts_to("Unew") == [t("greet_unlinked")]
    bot.line.profiles["Unew"] = "มานี"
    bot.say("Unew", issue(bot, account="A100"))
    bot.follow("Unew")  # a re-follow greets the person (their LINE name, fetched at link), not the company
    assert bot.texts_to("Unew")[-1] == t("greet_linked", name="คุณมานี")
    assert A100_NAME not in bot.texts_to("Unew")[-1]
    bot.line.profiles["Ulatin"] = "Somchai"
    bot.say("Ulatin", issue(bot, account="A100"))
    bot.follow("Ulatin")
    assert bot.texts_to("Ulatin")[-1].startswith("สวัสดีค่ะ คุณ Somchai เลือก")  # a Latin name is spaced


def test_english_speakers_get_menus_that_echo_in_english(seeded):
    """Issue 21: a rich-menu tap shows its displayText as the person's own message, in their language."""
    from storage.models import Contact

    bot = seeded
    with session_scope(bot.engine) as session:
        k001 = session.exec(select(Staff).where(Staff.staff_code == "K001")).one()
        k001.language = "en"
        session.add(k001)
    ids = create_menus(bot.config, bot.engine)
    bot.say("Ukamr", issue(bot, staff="K001"))
    assert bot.line.user_rich_menus.get("Ukamr") == ids["staff_en"]
    staff_areas = bot.line.rich_menus[ids["staff_en"]]["areas"]
    assert [a["action"]["displayText"] for a in staff_areas] == ["My tickets", "Log visit", "My quarter"]
    assert bot.line.rich_menus[ids["staff"]]["areas"][0]["action"]["displayText"] == "งานของฉัน"

    bot.say("Ucust", issue(bot, account="A100"))
    assert "Ucust" not in bot.line.user_rich_menus  # Thai: the default menu
    with session_scope(bot.engine) as session:
        contact = session.exec(select(Contact).where(Contact.line_user_id == "Ucust")).one()
        contact.language = "en"
        session.add(contact)
    ids = create_menus(bot.config, bot.engine)  # re-created: English contacts linked too
    assert bot.line.user_rich_menus.get("Ucust") == ids["customer_en"]
    assert bot.line.rich_menus[ids["customer_en"]]["areas"][0]["action"]["displayText"] == "Outage"
