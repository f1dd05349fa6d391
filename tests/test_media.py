"""What people send is kept: fetched from LINE's content API, stored in the database, served by token."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlmodel import select

from storage import inbox
from storage.db import session_scope
from storage.models import Media, TicketEvent

JPEG = b"\xff\xd8\xff\xe0" + b"photo of the smoking transformer" * 10


@pytest.fixture
def line_read_timeout() -> float:
    return 1  # the stand-in is made to hang past it


def report_outage(bot, user="Ucust1"):
    bot.tap(user, "a=outage")
    site = bot.last_to(user)["quickReply"]["items"][0]["action"]["data"]
    bot.tap(user, site)
    bot.tap(user, "a=outage.symptom&v=no_power")
    bot.tap(user, "a=outage.since&v=now")
    return bot.only_ticket()


def send_content(bot, user, message_id, type_="image", **fields):
    return bot.send(bot.event(user, "message", message={"type": type_, "id": message_id,
                                                       "contentProvider": {"type": "line"}, **fields}))


def only_media(bot) -> Media:
    with session_scope(bot.engine) as session:
        return session.exec(select(Media)).one()


def test_a_photo_sent_after_a_report_is_kept_on_the_ticket_and_served_by_its_token(org):
    bot = org
    ticket = report_outage(bot)
    bot.line.content["m-photo-1"] = (JPEG, "image/jpeg")
    send_content(bot, "Ucust1", "m-photo-1")

    media = only_media(bot)
    assert (media.status, media.ticket_id, media.content_type, media.size_bytes) == ("stored", ticket.id, "image/jpeg",
                                                                                        len(JPEG))
    assert len(media.token) >= 40  # unguessable
    client = bot.app.test_client()
    served = client.get(f"/media/{media.token}")
    assert served.status_code == 200 and served.data == JPEG and served.content_type == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    preview = client.get(f"/media/{media.token}/preview")
    assert preview.status_code == 200 and preview.data == JPEG  # small enough to be its own preview
    # The stand-in was asked for exactly that message's content, once.
    assert [c.path for c in bot.line.calls if "/content" in c.path] == ["/v2/bot/message/m-photo-1/content"]


def test_a_photo_after_a_report_is_written_once_already_on_its_ticket(org):
    from bot.line.processing import process_user
    from statements import statements_while

    bot = org
    ticket = report_outage(bot)
    bot.line.reset()
    bot.line.content["m-photo-1"] = (JPEG, "image/jpeg")
    bot.post([bot.event("Ucust1", "message", message={"type": "image", "id": "m-photo-1",
                                                       "contentProvider": {"type": "line"}})])
    statements = statements_while(bot.engine, lambda: process_user(bot.engine, bot.config, "Ucust1",
                                                                   lambda: bot.now))
    media_writes = [s.split(" (")[0] for s in statements if s.startswith(("INSERT INTO media", "UPDATE media"))]
    assert media_writes == ["INSERT INTO media"]  # not inserted, then updated with the ticket
    with session_scope(bot.engine) as session:
        media = session.exec(select(Media)).one()
        logged = session.exec(select(TicketEvent).where(TicketEvent.action == "photo")).one()
    assert (media.ticket_id, media.status, logged.ticket_id) == (ticket.id, "pending", ticket.id)
    bot.drain()  # fetched and sent: the customer is told, the KAMR gets the photo once
    assert bot.last_to("Ucust1")["text"] == "ได้รับแล้วค่ะ ส่งเพิ่มได้อีก หรือกด ‘เสร็จสิ้น’"
    captions = [m.get("altText", "") for m in bot.line.messages_to("Ukamr1")]
    assert [c for c in captions if c.startswith("📎 รูปภาพเพิ่มเติม")] == [
        f"📎 รูปภาพเพิ่มเติม {ticket.number} จาก User ust1"]


def _first_fetcher_downloading_slowly(bot, message_id: str):
    """A photo sent after a report and handled; the first fetcher's download of it takes a second
    (in a thread of its own, returned), and has begun."""
    import threading

    report_outage(bot)
    bot.line.reset()
    bot.line.content[message_id] = (JPEG, "image/jpeg")
    bot.post([bot.event("Ucust1", "message", message={"type": "image", "id": message_id,
                                                       "contentProvider": {"type": "line"}})])
    bot.drain(send=False)  # handled; nothing fetched or sent yet
    bot.line.hang_next("any", 1.0)
    first = threading.Thread(target=bot.media.fetch_due)
    first.start()
    assert bot.line.wait_for(lambda: any("/content" in c.path for c in bot.line.calls))
    return first


def _second_fetcher_then_captions(bot, first, *, takes: int) -> list[str]:
    """A second fetcher's pass while the first downloads (it takes `takes` photos); then the KAMR's
    captions of the ticket's photos, once both are done and everything is sent."""
    from bot.line.media import MediaFetcher

    second = MediaFetcher(bot.config, bot.engine, lambda: bot.now)
    try:
        assert second.fetch_due() == takes
    finally:
        second.close()
    first.join(timeout=10)
    bot.drain()
    captions = [m.get("altText", "") for m in bot.line.messages_to("Ukamr1")]
    return [c for c in captions if c.startswith("📎 รูปภาพเพิ่มเติม OUT-69-00001")]


def test_a_photo_being_fetched_is_not_fetched_again_by_a_second_worker(org):
    """Two worker processes each run a fetcher: the claim must hold while the first downloads, or the
    photo reaches the responders twice (seen in bench_storm.py with two workers on PostgreSQL)."""
    bot = org
    first = _first_fetcher_downloading_slowly(bot, "m-photo-2")
    assert _second_fetcher_then_captions(bot, first, takes=0) == [  # claimed by the first: left alone
        "📎 รูปภาพเพิ่มเติม OUT-69-00001 จาก User ust1"]  # once
    assert [c.path for c in bot.line.calls if "/content" in c.path] == ["/v2/bot/message/m-photo-2/content"]


def test_a_photo_whose_lease_ran_out_mid_download_reaches_the_kamr_once(org):
    """A download and a wait for the database longer than the lease: a second fetcher takes the photo
    again and relays it; the first, ending late, must not send the responders a second copy."""
    from bot.line.media import LEASE

    bot = org
    first = _first_fetcher_downloading_slowly(bot, "m-photo-3")
    bot.advance(seconds=LEASE.total_seconds() + 1)
    # The lease ran out: taken again, stored and relayed by the second.
    assert _second_fetcher_then_captions(bot, first, takes=1) == [
        "📎 รูปภาพเพิ่มเติม OUT-69-00001 จาก User ust1"]  # once, though fetched twice
    assert len([c for c in bot.line.calls if "/content" in c.path]) == 2
    assert only_media(bot).status == "stored"


def test_photos_from_several_customers_are_downloaded_at_once(org):
    """In an area outage hundreds of photos come in a minute: one download at a time (LINE's round
    trip each) reached the KAMRs minutes late."""
    import threading

    bot = org
    for user, message_id in (("Ucust1", "m-a"), ("Ucust2", "m-b"), ("Uhosp", "m-c")):
        bot.line.content[message_id] = (JPEG, "image/jpeg")
        bot.post([bot.event(user, "message", message={"type": "image", "id": message_id,
                                                       "contentProvider": {"type": "line"}})])
    bot.drain(send=False)
    bot.line.hang_next("any", 1.5, count=3)  # each download takes 1.5 s
    fetching = threading.Thread(target=bot.media.fetch_due)
    fetching.start()
    # All three are asked for before the first answer comes back.
    assert bot.line.wait_for(lambda: len([c for c in bot.line.calls if "/content" in c.path]) == 3, timeout=1.2)
    fetching.join(timeout=10)
    with session_scope(bot.engine) as session:
        assert sorted(m.status for m in session.exec(select(Media))) == ["stored"] * 3


def test_the_fetcher_does_not_look_again_at_once_after_taking_all_that_was_due(org):
    """Each look is a write transaction, and on SQLite every writer queues for the one lock: one
    photo cost three looks, the second of which always found nothing."""
    import threading

    from statements import statements_while

    bot = org
    bot.line.content["m-one"] = (JPEG, "image/jpeg")
    bot.post([bot.event("Ucust1", "message", message={"type": "image", "id": "m-one",
                                                       "contentProvider": {"type": "line"}})])
    bot.drain(send=False)
    stopping, wakeup = threading.Event(), threading.Event()

    def stored() -> bool:
        with session_scope(bot.engine) as session:
            return [m.status for m in session.exec(select(Media))] == ["stored"]

    def fetch_one_photo():
        running = threading.Thread(target=bot.media.run, args=(stopping, wakeup), kwargs={"every": 30})
        running.start()
        assert bot.line.wait_for(stored, timeout=5)
        bot.line.wait_for(lambda: False, timeout=0.3)  # the look its finished download wakes
        stopping.set()
        wakeup.set()
        running.join(timeout=5)

    looks = [s for s in statements_while(bot.engine, fetch_one_photo) if "FROM media" in s and "media.claimed_until IS NULL" in s]
    assert len(looks) == 2, looks  # one that took it, one after it was stored


def test_the_fetcher_is_woken_by_a_photo_not_by_every_tap(org):
    """Woken after every handled event, its look for due files was an eighth of a storm's worker CPU."""
    import time

    from bot.services import Services

    bot = org
    services = Services(bot.config, bot.engine, clock=lambda: bot.now).start(sender=False, scheduler=False)
    try:
        def handled_all() -> bool:
            with session_scope(bot.engine) as session:
                return not inbox.pending_user_keys(session, due_by=bot.now)

        bot.post([bot.event("Ucust1", "postback", postback={"data": "a=outage"})])
        services.events_stored(["Ucust1"])
        assert bot.line.wait_for(handled_all)
        time.sleep(0.1)
        assert not services.media_wakeup.is_set()
        bot.post([bot.event("Ucust1", "message", message={"type": "image", "id": "m-wake",
                                                           "contentProvider": {"type": "line"}})])
        services.events_stored(["Ucust1"])
        assert bot.line.wait_for(services.media_wakeup.is_set)
    finally:
        services.stop()
    assert only_media(bot).status == "pending"  # recorded, for the fetcher to take


def test_a_forged_or_unknown_media_address_reveals_nothing(org):
    bot = org
    report_outage(bot)
    send_content(bot, "Ucust1", "m-photo-2")
    token = only_media(bot).token
    client = bot.app.test_client()
    for path in (f"/media/{token[:-1]}x", "/media/../healthz", f"/media/{token}x/preview", "/media/" + "a" * 300):
        response = client.get(path)
        assert response.status_code == 404, path
        assert token not in response.get_data(as_text=True)


def test_content_line_no_longer_has_is_noted_on_the_ticket_and_the_sender_is_told(org):
    bot = org
    ticket = report_outage(bot)
    bot.line.gone_content.add("m-old")
    send_content(bot, "Ucust1", "m-old")

    assert only_media(bot).status == "gone"
    with session_scope(bot.engine) as session:
        lost = session.exec(select(TicketEvent).where(TicketEvent.action == "media_lost")).one()
    assert lost.ticket_id == ticket.id and lost.details["kind"] == "image"
    assert bot.texts_to("Ucust1")[-1] == "ขออภัยค่ะ ระบบดึงไฟล์ที่ท่านส่งมาไม่สำเร็จ กรุณาส่งอีกครั้งค่ะ"
    assert bot.app.test_client().get(f"/media/{only_media(bot).token}").status_code == 404


def test_an_oversized_file_is_refused_with_a_clear_thai_message_and_never_downloaded(org):
    bot = org
    send_content(bot, "Ucust1", "m-big", type_="file", fileName="รายงาน.pdf", fileSize=50_000_000)

    media = only_media(bot)
    assert (media.status, media.kind, media.file_name) == ("refused", "file", "รายงาน.pdf")
    assert "ไฟล์ใหญ่เกินไปค่ะ (เกิน 20 MB)" in bot.texts_to("Ucust1")[-1]
    assert not [c for c in bot.line.calls if "/content" in c.path]


def test_an_unsupported_type_is_refused_and_the_sender_is_told(org):
    bot = org
    bot.line.content["m-html"] = (b"<script>alert(1)</script>", "text/html")
    send_content(bot, "Ucust1", "m-html", type_="file", fileName="x.html", fileSize=25)

    assert only_media(bot).status == "refused"
    assert bot.texts_to("Ucust1")[-1].startswith("ขออภัยค่ะ ระบบไม่รับไฟล์ชนิดนี้")


def test_a_document_is_served_as_a_download_never_rendered(org):
    bot = org
    bot.line.content["m-pdf"] = (b"%PDF-1.4 ...", "application/pdf")
    send_content(bot, "Ucust1", "m-pdf", type_="file", fileName="ใบแจ้ง หนี้.pdf", fileSize=12)

    served = bot.app.test_client().get(f"/media/{only_media(bot).token}")
    assert served.status_code == 200 and served.data == b"%PDF-1.4 ..."
    assert served.headers["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert served.headers["Content-Security-Policy"] == "sandbox"


def test_video_waits_for_line_to_finish_transcoding(org):
    bot = org
    bot.line.transcoding["m-video"] = "processing"
    bot.line.content["m-video"] = (b"\x00\x00\x00\x18ftypmp42", "video/mp4")
    send_content(bot, "Ucust1", "m-video", type_="video", duration=3000)
    assert only_media(bot).status == "pending"  # not ready: asked again in a moment

    bot.line.transcoding["m-video"] = "succeeded"
    bot.advance(seconds=6)
    bot.drain()
    media = only_media(bot)
    assert (media.status, media.content_type) == ("stored", "video/mp4")


def test_a_passing_line_failure_is_retried_with_backoff_then_kept(org):
    bot = org
    bot.line.fail_next("any", 500)
    send_content(bot, "Ucust1", "m-flaky")
    media = only_media(bot)
    assert (media.status, media.attempts) == ("pending", 1)
    bot.drain()
    assert only_media(bot).status == "pending"  # the backoff has not passed yet
    bot.advance(seconds=6)
    bot.drain()
    assert only_media(bot).status == "stored"


def test_uploads_from_people_not_linked_are_not_kept(bot):
    bot.seed_roster()
    send_content(bot, "Ustranger", "m-stranger")
    with session_scope(bot.engine) as session:
        assert session.exec(select(Media)).all() == []


@pytest.mark.parametrize("url", ["ftp://kambot.example", "http://kambot.example.go.th"])
def test_the_public_url_must_be_https(url):
    from bot.config import ConfigError, parse_config

    with pytest.raises(ConfigError, match="server.public_url"):
        parse_config({"server": {"public_url": url}})


@pytest.mark.slow
@pytest.mark.postgres
def test_web_and_worker_processes_sharing_only_postgresql_serve_what_the_worker_fetched(engine, db_url, line, tmp_path):
    """The split layout: a web-only server stores the event, a worker on its own fetches the photo,
    and the web process (another process, another machine in production) serves the bytes."""
    import subprocess
    import sys
    import time

    import requests

    from line_wire import SECRET, TOKEN, free_port, sign, webhook_body
    from procs import ROOT, ServerProcess, customer_id, seed_customers, write_config

    if not db_url.startswith("postgresql"):
        pytest.skip("the split layout with several machines needs PostgreSQL")
    seed_customers(engine, 1)
    line.content["m-split"] = (JPEG, "image/jpeg")
    config = write_config(tmp_path / "kambot.toml", secret=SECRET, token=TOKEN, line_url=line.url, db_url=db_url,
                          port=free_port())
    server = ServerProcess(config, "--web-only", log=tmp_path / "server.log")
    worker = None
    try:
        server.start()
        event = {"type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
                 "source": {"type": "user", "userId": customer_id(0)}, "webhookEventId": "01MEDIASPLIT0000000000001",
                 "deliveryContext": {"isRedelivery": False}, "replyToken": "rt-media",
                 "message": {"type": "image", "id": "m-split", "contentProvider": {"type": "line"}}}
        body = webhook_body([event])
        assert requests.post(f"{server.base}/callback", data=body, timeout=10,
                             headers={"X-Line-Signature": sign(body, SECRET)}).status_code == 200
        worker = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker", "--config", str(config)], cwd=ROOT,
                                  stdout=open(tmp_path / "worker.log", "ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with session_scope(engine) as session:
                media = session.exec(select(Media)).first()
            if media is not None and media.status == "stored":
                break
            time.sleep(0.2)
        assert media is not None and media.status == "stored"
        served = requests.get(f"{server.base}/media/{media.token}", timeout=10)
        assert served.status_code == 200 and served.content == JPEG
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=20)
        server.stop()


def test_a_large_photo_gets_a_jpeg_preview_within_lines_limits(org):
    import io
    import os

    from PIL import Image

    bot = org
    noise = io.BytesIO()
    Image.frombytes("RGB", (1200, 900), os.urandom(1200 * 900 * 3)).save(noise, "PNG")
    bot.line.content["m-large"] = (noise.getvalue(), "image/png")
    send_content(bot, "Ucust1", "m-large")

    preview = bot.app.test_client().get(f"/media/{only_media(bot).token}/preview")
    assert preview.status_code == 200 and preview.content_type == "image/jpeg"
    assert len(preview.data) <= 1_000_000
    assert max(Image.open(io.BytesIO(preview.data)).size) <= 480


def test_photos_places_and_call_buttons_reach_staff_as_line_messages(engine, line, config):
    """Neutral attachments and a tap-to-call button, through the notifier, the real SDK and the stand-in."""
    from bot.config import parse_config
    from bot.line.notifier import LineNotifier
    from bot.line.sender import LineSender
    from handlers.messages import Attachment, Button, Card, Message
    from storage.models import Staff

    public = parse_config({**config.model_dump(), "server": {**config.server.model_dump(),
                                                             "public_url": "https://kambot.example.go.th/"}})
    now = datetime.now(timezone.utc)
    with session_scope(engine) as session:
        kamr = Staff(staff_code="K9", name="สมชาย", role="kamr", office="O1", line_user_id="Ukamr9")
        session.add(kamr)
        session.flush()
        LineNotifier(session, now=now).push(kamr, [Message(
            attachments=(Attachment("image", label="📷 รูปจากลูกค้า", media_token="tok123"),
                         Attachment("location", label="จุดที่ไฟดับ", latitude=18.79, longitude=98.98,
                                    address="นิคมอุตสาหกรรมลำพูน"),
                         Attachment("file", label="📄 ใบแจ้งหนี้.pdf", media_token="tok456")),
            card=Card(title="⚡ OUT-69-00001", buttons=(Button("โทร 081-234-5678", kind="uri", data="tel:0812345678"),)))])
    sender = LineSender(public, engine, lambda: now)
    try:
        while sender.send_due():
            pass
    finally:
        sender.close()
    image, place, document, card = line.messages_to("Ukamr9")
    assert image == {"type": "image", "originalContentUrl": "https://kambot.example.go.th/media/tok123",
                     "previewImageUrl": "https://kambot.example.go.th/media/tok123/preview"}
    assert (place["type"], place["latitude"], place["address"]) == ("location", 18.79, "นิคมอุตสาหกรรมลำพูน")
    assert document == {"type": "text", "text": "📄 ใบแจ้งหนี้.pdf\nhttps://kambot.example.go.th/media/tok456"}
    call = card["contents"]["footer"]["contents"][0]["action"]
    assert call == {"type": "uri", "label": "โทร 081-234-5678", "uri": "tel:0812345678"}


def test_healthz_counts_photos_by_status_for_the_operator(org):
    """A drain (or an operator) can tell photos still to fetch from LINE from those kept."""
    bot = org
    report_outage(bot)
    bot.line.content["m-photo-1"] = (JPEG, "image/jpeg")
    send_content(bot, "Ucust1", "m-photo-1")
    assert bot.client.get("/healthz").get_json()["media"] == {"stored": 1}
