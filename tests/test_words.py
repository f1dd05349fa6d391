"""Issue 21 item 7, words, through the real webhook, SDK and LINE stand-in: typed Thai dates with two-digit
Buddhist years and relative words are understood (and what is not a date is called that), cards are titled by
the symptom reported, services show names and fitting labels, appointments their weekday."""
from datetime import date


def _to_date_step(bot, user="Ucust1"):
    bot.tap(user, "a=service")
    bot.tap(user, "a=service.pick&c=FMS2")


def test_two_digit_buddhist_year_is_a_date(org):
    bot = org  # Monday 23 November 2026
    _to_date_step(bot)
    bot.say("Ucust1", "15/12/69")
    assert bot.last_to("Ucust1")["text"].split("\n")[1] == "วันที่ท่านสะดวก: 15 ธ.ค. 2569 (อังคาร)"
    assert bot.only_ticket().details["preferred_date"] == "2026-12-15"


def test_textual_date_with_two_digit_year(org):
    bot = org
    _to_date_step(bot)
    bot.say("Ucust1", "15 ธ.ค. 69")
    assert bot.only_ticket().details["preferred_date"] == "2026-12-15"


def test_tomorrow_and_the_day_after(org):
    bot = org
    _to_date_step(bot, "Ucust1")
    bot.say("Ucust1", "พรุ่งนี้")
    _to_date_step(bot, "Ucust2")
    bot.say("Ucust2", "มะรืนนี้")
    assert "วันที่ท่านสะดวก: 24 พ.ย. 2569 (อังคาร)" in bot.texts_to("Ucust1")[-1]
    assert "วันที่ท่านสะดวก: 25 พ.ย. 2569 (พุธ)" in bot.texts_to("Ucust2")[-1]


def test_what_is_not_a_date_is_not_called_out_of_range(org):
    bot = org
    _to_date_step(bot)
    bot.say("Ucust1", "ยังไม่แน่ใจค่ะ")
    assert bot.last_to("Ucust1")["text"] == "อ่านวันที่ไม่ออกค่ะ พิมพ์แบบ 15 ธ.ค. 69, 15/12/69 หรือ พรุ่งนี้ หรือกดเลือกวันที่"
    bot.say("Ucust1", "วันนี้")  # a date, but too soon: now the range is the reason
    assert bot.last_to("Ucust1")["text"].startswith("กรุณาเลือกวันที่ตั้งแต่ 24 พ.ย. 2569")


def test_low_voltage_card_is_not_titled_outage(org):
    bot = org
    for symptom, title in (("low_voltage", "🔻 แรงดันต่ำ"), ("flicker", "〰️ ไฟกระพริบ")):
        user = "Ucust1" if symptom == "low_voltage" else "Uhosp"
        bot.tap(user, "a=outage")
        if "quickReply" in bot.last_to(user) and bot.last_to(user)["text"] == "ไฟดับที่สถานที่ใดคะ":
            bot.tap(user, bot.last_to(user)["quickReply"]["items"][0]["action"]["data"])
        bot.tap(user, f"a=outage.symptom&v={symptom}")
        bot.tap(user, "a=outage.since&v=now")
        kamr = "Ukamr1" if user == "Ucust1" else "Ukamr2"
        assert bot.last_to(kamr)["altText"].startswith(title), symptom
        assert not bot.last_to(kamr)["altText"].startswith("⚡ แจ้งไฟดับ")


def test_confirm_button_says_what_happens(org):
    bot = org
    _to_date_step(bot)
    bot.say("Ucust1", "1/12/69")
    ticket = bot.only_ticket()
    bot.tap("Ukamr1", f"a=service.propose&t={ticket.id}", date="2026-12-03")
    bot.tap("Ukamr1", f"a=service.propose&t={ticket.id}&d=2026-12-03&h=1000")
    labels = [i["action"]["label"] for i in bot.last_to("Ucust1")["quickReply"]["items"]]
    assert labels[0] == "ยืนยันวันนัด" and date(2026, 12, 3).weekday() == 3
    assert "3 ธ.ค. 2569 (พฤหัสบดี)" in bot.last_to("Ucust1")["text"]
