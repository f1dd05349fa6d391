"""The visit dialog's company steps (issues 17 and 21), apart from handlers/visit.py's own steps:

- more accounts on the same call (a site serving several key accounts, a joint meeting), only accounts the
  person may log visits for (handlers/visit.py `account_in_scope`);
- for managers and above, who made it: themself or a representative (ผู้แทน) picked from the staff or typed;
- for a done visit, which contacts were met (toggles, [ทั้งหมด], [ยืนยัน]): only they are asked to rate it.
"""
from __future__ import annotations

from sqlmodel import select

from handlers import visit
from handlers.context import Action, Context
from handlers.menu import text_with_menu
from handlers.messages import Button, Message
from handlers.postback import build, int_param
from handlers.rules.quotas import LOGS_FOR_REPRESENTATIVE
from handlers.texts import t
from handlers.ticketing import cancel_button
from storage import conversations, roster
from storage.models import Account, Contact, Staff

FLOW = "visit"  # the same dialog as handlers/visit.py
PREFIXES = ("visitwith", "visitrep", "visitmet")  # the action names this module owns
MAX_NAME = 100


def _button(label: str, action: str, **params) -> Button:
    return Button(label, data=build(action, **params), display=label)


# --- more accounts -------------------------------------------------------------------------------


def chosen_accounts(ctx: Context) -> list[Account]:
    """The accounts chosen so far, the first one first, each still in the person's scope."""
    ids = [int_param(ctx.state.data, "account_id"), *ctx.state.data.get("also_ids", [])]
    found = [visit.account_in_scope(ctx.session, ctx.staff, account_id) for account_id in ids]
    return [account for account in found if account is not None]


def offer_more_accounts(ctx: Context) -> None:
    """After the first account: the person's other accounts, or straight on when there are none."""
    chosen = {account.id for account in chosen_accounts(ctx)}
    others = [a for a in visit.accounts_in_scope(ctx.session, ctx.staff, visit.MAX_CHOICES + len(chosen))
              if a.id not in chosen][: visit.MAX_CHOICES - 1]
    if not others:
        visit.ask_date_for(ctx)
        return
    conversations.set_step(ctx.state, FLOW, "more", now=ctx.now)
    names = ", ".join(account.name for account in chosen_accounts(ctx))
    buttons = [_button(f"{a.account_code} {a.name}", "visitwith.add", acc=a.id) for a in others]
    ctx.reply(Message(text=t("visit_ask_more_accounts", ctx.lang, accounts=names),
                      quick_replies=(_button(t("btn_no_more_accounts", ctx.lang), "visitwith.done"), *buttons,
                                     cancel_button(ctx))))


def on_add_account(ctx: Context) -> None:
    account = visit.account_in_scope(ctx.session, ctx.staff, int_param(ctx.params, "acc"))
    if account is None:  # another KAMR's account, or a tampered id: refused, nothing kept
        conversations.clear(ctx.state, now=ctx.now)
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    also = [*ctx.state.data.get("also_ids", [])]
    if account.id != int_param(ctx.state.data, "account_id") and account.id not in also:
        also.append(account.id)
    conversations.set_step(ctx.state, FLOW, "more", now=ctx.now, also_ids=also)
    offer_more_accounts(ctx)


def on_more_text(ctx: Context) -> None:
    """A typed code adds that account when it is in scope; anything else asks again."""
    typed = ctx.inbound.text.strip().upper() if ctx.inbound.kind == "text" else ""
    account = ctx.session.exec(select(Account).where(Account.account_code == typed)).first() if typed else None
    if account is not None and visit.account_in_scope(ctx.session, ctx.staff, account.id) is not None:
        ctx.params = {"acc": str(account.id)}
        on_add_account(ctx)
        return
    offer_more_accounts(ctx)


def on_accounts_done(ctx: Context) -> None:
    visit.ask_date_for(ctx)


# --- a representative (ผู้แทน) -------------------------------------------------------------------


def may_name_representative(staff: Staff) -> bool:
    return staff.role in LOGS_FOR_REPRESENTATIVE


def ask_representative(ctx: Context) -> None:
    """Managers and above: made by themself, or by a colleague of the office (tap) or anyone (type the name)."""
    conversations.set_step(ctx.state, FLOW, "rep", now=ctx.now)
    colleagues = ctx.session.exec(select(Staff).where(Staff.active, Staff.office == ctx.staff.office,
                                                      Staff.id != ctx.staff.id)
                                  .order_by(Staff.name).limit(visit.MAX_CHOICES - 2)).all()
    ctx.reply(Message(text=t("visit_ask_representative", ctx.lang), quick_replies=(
        _button(t("btn_visited_myself", ctx.lang), "visitrep.self"),
        *(_button(person.name, "visitrep.pick", s=person.id) for person in colleagues), cancel_button(ctx))))


def on_myself(ctx: Context) -> None:
    conversations.set_step(ctx.state, FLOW, "rep", now=ctx.now, representative_id=None, representative_name="")
    visit.ask_notes(ctx)


def on_pick_representative(ctx: Context) -> None:
    person = ctx.session.get(Staff, int_param(ctx.params, "s") or 0)
    if person is None or not person.active or person.id == ctx.staff.id:
        ask_representative(ctx)
        return
    conversations.set_step(ctx.state, FLOW, "rep", now=ctx.now, representative_id=person.id, representative_name="")
    visit.ask_notes(ctx)


def on_representative_text(ctx: Context) -> None:
    """A staff code picks that colleague; any other text is the representative's name as typed."""
    typed = ctx.inbound.text.strip()[:MAX_NAME] if ctx.inbound.kind == "text" else ""
    if not typed:
        ask_representative(ctx)
        return
    person = roster.staff_by_code(ctx.session, typed.upper())
    if person is not None and person.active and person.id != ctx.staff.id:
        ctx.params = {"s": str(person.id)}
        on_pick_representative(ctx)
        return
    conversations.set_step(ctx.state, FLOW, "rep", now=ctx.now, representative_id=None, representative_name=typed)
    visit.ask_notes(ctx)


def representative_of(ctx: Context) -> tuple[Staff | None, str]:
    person_id = int_param(ctx.state.data, "representative_id")
    person = ctx.session.get(Staff, person_id) if person_id else None
    return person, "" if person else str(ctx.state.data.get("representative_name", ""))


# --- the contacts met ----------------------------------------------------------------------------


def contacts_of_chosen(ctx: Context) -> list[Contact]:
    found = roster.contacts_of_accounts(ctx.session, [account.id for account in chosen_accounts(ctx)])
    return [contact for contacts in found.values() for contact in contacts][: visit.MAX_CHOICES - 3]


def ask_met(ctx: Context, notes: str | None = None) -> bool:
    """A done visit: which contacts were met; False when the accounts have no contacts (nothing to ask)."""
    contacts = contacts_of_chosen(ctx)
    if not contacts:
        return False
    data = {"notes": notes} if notes is not None else {}
    conversations.set_step(ctx.state, FLOW, "met", now=ctx.now, **data)
    picked = set(ctx.state.data.get("met_ids", []))
    lang = ctx.lang
    toggles = [_button(("✓ " if c.id in picked else "") + _name(c, lang), "visitmet.toggle",
                       c=c.id) for c in contacts]
    chosen = ", ".join(_name(c, lang) for c in contacts if c.id in picked) or "-"
    ctx.reply(Message(text=t("visit_ask_met", lang, chosen=chosen), quick_replies=(
        _button(t("btn_confirm_met", lang), "visitmet.confirm"), _button(t("btn_all_met", lang), "visitmet.all"),
        *toggles, cancel_button(ctx))))
    return True


def _name(contact: Contact, lang: str) -> str:
    return contact.name or contact.display_name or t("contact_unnamed", lang)


def on_toggle(ctx: Context) -> None:
    contact_id = int_param(ctx.params, "c")
    picked = [*ctx.state.data.get("met_ids", [])]
    if contact_id in {c.id for c in contacts_of_chosen(ctx)}:  # a contact of another account is ignored
        picked = [i for i in picked if i != contact_id] if contact_id in picked else [*picked, contact_id]
    conversations.set_step(ctx.state, FLOW, "met", now=ctx.now, met_ids=picked)
    ask_met(ctx)


def on_all(ctx: Context) -> None:
    conversations.set_step(ctx.state, FLOW, "met", now=ctx.now, met_ids=[c.id for c in contacts_of_chosen(ctx)])
    visit.finish(ctx)


def on_confirm(ctx: Context) -> None:
    if not ctx.state.data.get("met_ids"):
        ask_met(ctx)  # nobody picked yet: pick, or [ทั้งหมด]
        return
    visit.finish(ctx)


def on_met_text(ctx: Context) -> None:
    """Typing instead of tapping asks again; should the contacts be gone meanwhile, the visit is saved."""
    if not ask_met(ctx):
        visit.finish(ctx)


def met_ids(ctx: Context) -> tuple[int, ...] | None:
    """The contacts picked; None when the picker was not shown (no contacts at all)."""
    return tuple(ctx.state.data["met_ids"]) if "met_ids" in ctx.state.data else None


ACTIONS = {
    "visitwith.add": Action(on_add_account, "staff"),
    "visitwith.done": Action(on_accounts_done, "staff"),
    "visitrep.self": Action(on_myself, "staff"),
    "visitrep.pick": Action(on_pick_representative, "staff"),
    "visitmet.toggle": Action(on_toggle, "staff"),
    "visitmet.all": Action(on_all, "staff"),
    "visitmet.confirm": Action(on_confirm, "staff"),
}

STEPS = {
    (FLOW, "more"): Action(on_more_text, "staff"),
    (FLOW, "rep"): Action(on_representative_text, "staff"),
    (FLOW, "met"): Action(on_met_text, "staff"),
}

STEP_OF_ACTION = {"visitwith.add": "more", "visitwith.done": "more", "visitrep.self": "rep", "visitrep.pick": "rep",
                  "visitmet.toggle": "met", "visitmet.all": "met", "visitmet.confirm": "met"}
