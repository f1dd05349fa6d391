"""`kambot line ...`: the LINE channel itself (webhook endpoint), and what `check-config` asks LINE."""
from __future__ import annotations

import click

from bot.cli.common import with_config
from bot.config import Config


def channel_lines(config: Config) -> tuple[list[str], list[str]]:
    """What LINE says of the channel, as (notes, problems) for check-config: reachable, token valid,
    webhook URL the configured one and active. Unreachable LINE is one problem, never a traceback."""
    from bot.line import channel

    try:
        info = channel.bot_info(config)
        hook = channel.webhook(config)
    except channel.ChannelError as error:
        return [], [str(error)]
    notes = [f"LINE channel: {info.display_name} ({info.basic_id}), token accepted"]
    if not config.line.administrators:
        notes.append("message quota: [line] administrators is empty, so nobody is warned as the month's "
                     "allowance runs out")
    problems = []
    wanted = channel.webhook_url(config)
    shown = hook.endpoint or "(none)"
    if not wanted:
        notes.append(f"webhook: {shown} ({'active' if hook.active else 'not active'}); set [server] public_url "
                     "to have it checked")
    elif hook.endpoint != wanted:
        problems.append(f"webhook: LINE calls {shown}, expected {wanted} ([server] public_url + /callback); "
                        f"`kambot line webhook set {wanted}`")
    elif not hook.active:
        problems.append(f"webhook: {wanted} is set but not active (LINE Developers console, Messaging API tab, "
                        "'Use webhook')")
    else:
        notes.append(f"webhook: {wanted}, active")
    return notes, problems


def message_quota_lines(config: Config, session, now) -> list[str]:
    """For `kambot outbox`: this month's use of the allowance (read from LINE, and kept for the sender,
    when credentials are set; else the last reading) and what waits because of it."""
    from bot.line import channel
    from handlers.rules import message_quota as rule
    from storage import message_quota
    from storage import outbox as outbox_repo

    lines = []
    if not config.missing_settings():
        try:
            quota = channel.quota(config)
            message_quota.record(session, message_quota.reading(rule.month_of(now), quota.limit, quota.used, now))
        except channel.ChannelError as error:
            lines.append(f"LINE quota not read: {error}")
    reading = message_quota.latest(session)
    if reading is not None and reading.month == rule.month_of(now):
        share = rule.percent(reading)
        used = f"{reading.used:,} / {reading.limit:,} ({share:.0f}%)" if share is not None else f"{reading.used:,} (no limit)"
        lines.insert(0, f"LINE messages this month: {used}, read {reading.read_at}")
    if rule.holding(reading, now, config.line.quota_hold_percent):
        lines.append(f"held for quota: {outbox_repo.routine_waiting(session)} routine messages (digests, reminders, "
                     f"reviews, rating requests) wait until next month or a larger quota "
                     f"([line] quota_hold_percent = {config.line.quota_hold_percent:g})")
    return lines


def register(main: click.Group) -> None:
    @main.group("line")
    def line_group() -> None:
        """The LINE channel: its webhook endpoint."""

    @line_group.group("webhook")
    def webhook_group() -> None:
        """The URL LINE sends events to."""

    @webhook_group.command("set")
    @click.argument("url")
    @with_config
    def webhook_set(config: Config, url: str) -> None:
        """Set the channel's webhook URL (https://<your host>/callback) and have LINE test it."""
        from bot.line import channel

        if config.missing_settings():
            raise click.ClickException(f"LINE settings missing: {', '.join(config.missing_settings())}")
        try:
            verdict = channel.set_webhook(config, url)
        except channel.ChannelError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"webhook set to {url}")
        if verdict.success:
            click.echo(f"LINE's test: success, our server answered {verdict.status_code}")
            return
        click.echo(f"LINE's test failed: status {verdict.status_code}, {verdict.reason}: {verdict.detail}", err=True)
        raise SystemExit(1)
