"""The `kambot` command. --config PATH (or $KAMBOT_CONFIG) goes before or after any subcommand.

Each module of this package defines its commands and a `register(main)` that adds them."""
from __future__ import annotations

import click

from bot.cli import core, demo, forms, line, plan, privacy, quota, report, roster
from bot.cli import outages  # issue 16
from bot.cli.common import CONFIG_OPTION, config_option

DEBUG = "kambot.debug"


class KambotGroup(click.Group):
    """A mistake a person can make ends in one line; the traceback is for --debug."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:
            if ctx.meta.get(DEBUG):
                raise
            first_line = (str(error).strip().splitlines() or [""])[0]
            raise click.ClickException(f"{type(error).__name__}: {first_line} "
                                       "(`kambot --debug ...` shows where)") from None


def _remember_debug(ctx: click.Context, _param, value: bool) -> bool:
    ctx.meta[DEBUG] = value
    return value


@click.group(cls=KambotGroup)
@config_option()
@click.option("--debug", is_flag=True, expose_value=False, callback=_remember_debug, envvar="KAMBOT_DEBUG",
              help="Show the traceback of an unexpected error.")
def main() -> None:
    """kambot: LINE bot for Key Account Management."""


for module in (core, roster, privacy, quota, report, plan, forms, demo, line):  # privacy after roster: adds `staff remove`
    module.register(main)
outages.register(main)  # issue 16


def _config_on_every_group(group: click.Group) -> None:
    """`kambot import --config X staff FILE` as well as before and after: every group takes --config."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            if not any(param.name == "config_path" for param in command.params):
                command.params.append(click.Option(["--config", "config_path"], **CONFIG_OPTION))
            _config_on_every_group(command)


_config_on_every_group(main)
