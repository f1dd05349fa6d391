"""Creates the customer (default) and staff rich menus, in Thai and English, on LINE from the shipped images."""
from __future__ import annotations

from linebot.v3.messaging import RichMenuRequest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.config import Config
from bot.line.media import make_blob_api
from bot.line.notifier import menu_setting
from bot.line.richmenu_layout import MENUS_BY_LANGUAGE, image_path
from bot.line.sender import make_api
from storage.db import session_scope
from storage.models import Contact, Setting, Staff


def create_menus(config: Config, engine: Engine) -> dict:
    """The menus in Thai and in English; the Thai customer menu is everyone's default, the others are linked
    per person (staff by role, anyone set to English by language)."""
    client, api = make_api(config)
    blob_client, blob = make_blob_api(config)  # images go to LINE's data host, not api.line.me
    try:
        ids = {}
        for (kind, lang), menu in MENUS_BY_LANGUAGE.items():
            key = kind if lang == "th" else f"{kind}_en"
            ids[key] = api.create_rich_menu(RichMenuRequest.from_dict(menu)).rich_menu_id
            blob.set_rich_menu_image(ids[key], image_path(kind).read_bytes(), _headers={"Content-Type": "image/png"})
        api.set_default_rich_menu(ids["customer"])
        with session_scope(engine) as session:
            for kind, lang, key in (("staff", "th", "staff"), ("staff", "en", "staff_en"), ("customer", "en", "customer_en")):
                name = menu_setting(kind, lang)
                setting = session.get(Setting, name) or Setting(key=name, value="")
                setting.value = ids[key]
                session.add(setting)
            links = [(s.line_user_id, ids["staff_en" if s.language == "en" else "staff"])
                     for s in session.exec(select(Staff).where(Staff.line_user_id.is_not(None))).all()]
            links += [(c.line_user_id, ids["customer_en"]) for c in session.exec(
                select(Contact).where(Contact.line_user_id.is_not(None), Contact.language == "en")).all()]
        for user, menu_id in links:
            api.link_rich_menu_id_to_user(user, menu_id)
        return {**ids, "linked": len(links)}
    finally:
        client.close()
        blob_client.close()
