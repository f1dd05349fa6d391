"""Link codes through the signed webhook: one code links one LINE user even when several type it
at the same moment (PostgreSQL handles them in parallel), and a staff identity moves only by the
newest code, with both LINE users told."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.line.richmenu import create_menus
from handlers.texts import t
from storage import linking, roster
from faults import handle_all_at_once
from storage.db import session_scope
from storage.models import Contact, Staff


def _issue(bot, *, account=None, staff=None) -> str:
    with session_scope(bot.engine) as session:
        if account:
            target, kind = roster.account_by_code(session, account), "contact"
        else:
            target, kind = roster.staff_by_code(session, staff), "staff"
        return linking.new_code(session, kind=kind, target_id=target.id, now=bot.now, ttl=timedelta(hours=1))



def test_one_code_typed_by_four_users_at_once_links_exactly_one(bot):
    bot.seed_roster()
    code = _issue(bot, account="A100")
    users = [f"Urace{n}" for n in range(4)]
    assert bot.post([bot.text_event(user, code) for user in users]).status_code == 200
    # Writes to the codes are held until all four handlers have read the code as unused.
    handle_all_at_once(bot, users, hold_table="linkcode")
    with session_scope(bot.engine) as session:
        linked = [c.line_user_id for c in session.exec(select(Contact)).all()]
    assert len(linked) == 1
    answers = {user: bot.texts_to(user) for user in users}
    assert sum(1 for texts in answers.values() if texts == [t("code_invalid")]) == 3
    assert "เชื่อมบัญชีเรียบร้อยแล้วค่ะ" in answers[linked[0]][0]


def test_a_new_staff_code_revokes_the_older_unused_one(bot):
    bot.seed_roster()
    old = _issue(bot, staff="K001")
    bot.advance(minutes=5)
    new = _issue(bot, staff="K001")
    bot.say("Uattacker", old)
    assert bot.texts_to("Uattacker") == [t("code_invalid")]
    bot.say("Uphone", new)
    with session_scope(bot.engine) as session:
        assert roster.staff_by_code(session, "K001").line_user_id == "Uphone"


def test_contact_codes_of_one_account_stay_valid_side_by_side(bot):
    bot.seed_roster()
    first, second = _issue(bot, account="A100"), _issue(bot, account="A100")
    bot.say("Ua", first)
    bot.say("Ub", second)
    with session_scope(bot.engine) as session:
        assert sorted(c.line_user_id for c in session.exec(select(Contact)).all()) == ["Ua", "Ub"]


def test_relinking_a_staff_member_tells_the_old_and_the_new_line_user(bot):
    bot.seed_roster()
    create_menus(bot.config, bot.engine)
    bot.say("Uphone1", _issue(bot, staff="K001"))
    staff_menu = bot.line.user_rich_menus["Uphone1"]
    bot.say("Uphone2", _issue(bot, staff="K001"))
    [new_reply] = bot.texts_to("Uphone2")
    assert new_reply.startswith(t("linked_staff", name="สมชาย ใจดี"))
    assert t("staff_relinked_new") in new_reply
    assert bot.texts_to("Uphone1")[-1] == t("staff_relinked_old", name="สมชาย ใจดี")
    assert "Uphone1" not in bot.line.user_rich_menus  # back to the customer menu
    assert bot.line.user_rich_menus["Uphone2"] == staff_menu
    with session_scope(bot.engine) as session:
        assert session.exec(select(Staff).where(Staff.line_user_id == "Uphone1")).first() is None
