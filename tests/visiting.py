"""The visit dialog's last step in LINE tests that are about something else: every contact was met."""


def all_met(bot, user: str) -> None:
    """Tap [ทั้งหมด] when the reply asks which contacts were met (a done visit to an account with contacts)."""
    items = bot.last_to(user).get("quickReply", {}).get("items", [])
    if any(item["action"].get("data") == "a=visitmet.all" for item in items):
        bot.tap(user, "a=visitmet.all")
