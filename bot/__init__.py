"""kambot: the LINE bot for Key Account Management. `create_app(config)` builds the web app."""
from __future__ import annotations


def create_app(*args, **kwargs):
    # Imported on call so that `bot.config` can be imported without pulling in the whole app.
    from bot.app import create_app as build

    return build(*args, **kwargs)
