"""Creates the customer (default) and staff rich menus on LINE from the shipped images."""
from __future__ import annotations

from linebot.v3.messaging import RichMenuRequest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.config import Config
from bot.line.media import make_blob_api
from bot.line.notifier import STAFF_MENU_SETTING
from bot.line.richmenu_layout import CUSTOMER_MENU, STAFF_MENU, image_path
from bot.line.sender import make_api
from storage.db import session_scope
from storage.models import Setting, Staff


def create_menus(config: Config, engine: Engine) -> dict:
    client, api = make_api(config)
    blob_client, blob = make_blob_api(config)  # images go to LINE's data host, not api.line.me
    try:
        ids = {}
        for kind, menu in (("customer", CUSTOMER_MENU), ("staff", STAFF_MENU)):
            ids[kind] = api.create_rich_menu(RichMenuRequest.from_dict(menu)).rich_menu_id
            blob.set_rich_menu_image(ids[kind], image_path(kind).read_bytes(), _headers={"Content-Type": "image/png"})
        api.set_default_rich_menu(ids["customer"])
        with session_scope(engine) as session:
            setting = session.get(Setting, STAFF_MENU_SETTING) or Setting(key=STAFF_MENU_SETTING, value="")
            setting.value = ids["staff"]
            session.add(setting)
            staff_users = [s.line_user_id for s in session.exec(select(Staff).where(Staff.line_user_id.is_not(None))).all()]
        for user in staff_users:
            api.link_rich_menu_id_to_user(user, ids["staff"])
        return {**ids, "linked": len(staff_users)}
    finally:
        client.close()
        blob_client.close()
