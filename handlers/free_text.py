"""What a message outside any dialog, that is no menu word, leads to: a recognised outage or
complaint starts its dialog (handlers/understand.py); a sticker or a bare "ครับ" gets a friendly
word; anything else from a customer goes to their KAMR (handlers/relay.py). Nobody hits a dead end."""
from __future__ import annotations

from handlers import complaint, menu, outage, relay
from handlers.context import Context
from handlers.understand import is_greeting, is_only_particles, understand
from storage import linking, roster

RELAYED_KINDS = ("text", "image", "media", "location")


def handle(ctx: Context) -> bool:
    """True when the message was taken care of here."""
    inbound = ctx.inbound
    if inbound.kind == "sticker":
        relay.sticker(ctx)
        return True
    if ctx.contact is None or inbound.kind not in RELAYED_KINDS:
        return False
    if inbound.kind == "text" and linking.looks_like_code(inbound.text):
        return False  # a link code typed by someone already linked is no message for the KAMR: the menu answers
    if inbound.kind == "text":
        sites = [(site.id, site.name) for site in roster.sites_of(ctx.session, ctx.contact.account_id)]
        understood = understand(inbound.text, sites)
        if understood is not None and understood.intent == "outage":
            outage.start_prefilled(ctx, site_id=understood.site_id, symptom=understood.symptom)
            return True
        if understood is not None and understood.intent == "complaint":
            complaint.start(ctx)
            return True
        if is_only_particles(inbound.text):
            relay.sticker(ctx)
            return True
        if is_greeting(inbound.text):
            menu.show_menu(ctx)
            return True
    relay.from_customer(ctx)
    return True
