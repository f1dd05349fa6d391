"""What every `kambot` command module shares: the --config option."""
from __future__ import annotations

import functools

import click

from bot.config import ConfigError, load_config


def with_config(command):
    """Adds --config and hands the validated Config to the command; a bad file stops here, naming the key."""

    @click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="KAMBOT_CONFIG",
                  help="TOML config file (default: $KAMBOT_CONFIG, else embedded defaults).")
    @functools.wraps(command)
    def wrapper(*args, config_path=None, **kwargs):
        try:
            config = load_config(config_path)
        except ConfigError as error:
            raise click.ClickException(str(error)) from None
        return command(config, *args, **kwargs)

    return wrapper
