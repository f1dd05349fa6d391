"""The `kambot` command. Every command takes --config PATH (or $KAMBOT_CONFIG).

Each module of this package defines its commands and a `register(main)` that adds them."""
from __future__ import annotations

import click

from bot.cli import core, demo, forms, privacy, quota, report, roster


@click.group()
def main() -> None:
    """kambot: LINE bot for Key Account Management."""


for module in (core, roster, privacy, quota, report, forms, demo):  # privacy after roster: adds `staff remove`
    module.register(main)
