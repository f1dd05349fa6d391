"""`kambot demo` (the demo organisation), `kambot demo serve` (the bot on a LINE stand-in) and `kambot chat`."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.common import given_config_path, open_database, safe_url, setup_logging, with_config
from bot.config import Config
from storage.db import make_engine, session_scope

SESSION_OPTION = click.option(
    "--session", "session_file", type=click.Path(dir_okay=False, path_type=Path), default="var/kambot-demo.json",
    show_default=True, help="Where `kambot demo serve` writes, and `kambot chat` reads, the addresses and keys.")


@click.group(invoke_without_command=True)
@click.option("--reset", is_flag=True, help="Erase EVERYTHING in the database first, then create the demo.")
@click.option("--yes", is_flag=True, help="With --reset: erase even a database that holds more than the demo.")
@with_config
@click.pass_context
def demo(ctx: click.Context, config: Config, reset: bool, yes: bool) -> None:
    """Create the demo organisation (a zone, two offices, staff, 12 accounts, contacts, open tickets)."""
    if ctx.invoked_subcommand is not None:
        if reset or yes:
            raise click.UsageError("--reset and --yes only go with `kambot demo` itself")
        return
    from bot.demo.organisation import DemoExists, create_demo, erase_everything, holds_more_than_the_demo
    from bot.clock import utcnow
    from storage.migrate import upgrade

    upgrade(config.database.url)
    engine = make_engine(config.database.url)
    try:
        with session_scope(engine) as session:
            if reset and not yes and holds_more_than_the_demo(session):
                raise click.ClickException(
                    f"{safe_url(config.database.url)} holds data that `kambot demo` did not make (an imported "
                    "roster?); --reset would erase it all. Use another database for the demo, or add --yes.")
            if reset:
                erase_everything(session)
            people = create_demo(session, config, now=utcnow())
    except DemoExists as error:
        raise click.ClickException(
            f"{error}; the demo only goes into an empty database. "
            "`kambot demo who` lists the people, `kambot demo --reset` erases everything and starts again.") from None
    finally:
        engine.dispose()
    if reset:
        click.echo("erased everything in the database")
    _print_people(people)
    click.echo("\nต่อไป / next:\n"
               "  kambot demo serve           # the bot on a LINE stand-in (terminal 1)\n"
               "  kambot chat --as A101-1     # a customer contact (terminal 2)\n"
               "  kambot chat --as K001       # their KAMR (terminal 3)")


@demo.command("who")
@with_config
def who(config: Config) -> None:
    """Who is who: the keys `kambot chat --as` takes."""
    from bot.demo.organisation import who_is_who

    engine = open_database(config, first="kambot demo")
    with session_scope(engine) as session:
        people = who_is_who(session)
    engine.dispose()
    if not people:
        raise click.ClickException("nobody here yet: run `kambot demo` first")
    _print_people(people)


def _print_people(people) -> None:
    from bot.demo.chat_render import display_width, pad

    from bot.demo.organisation import OFFICES

    rows = [("--as", "ชื่อ / name", "บทบาท-บัญชี / role-account", "สำนักงาน / office")]
    rows += [(p.key, p.name, p.role, f"{p.office} {OFFICES.get(p.office, '')}".strip()) for p in people]
    widths = [max(display_width(row[i]) for row in rows) for i in range(4)]
    for number, row in enumerate(rows):
        click.echo("  ".join(pad(cell, width) for cell, width in zip(row, widths)).rstrip())
        if number == 0:
            click.echo("  ".join("-" * width for width in widths))


@demo.command("serve")
@click.option("--host", default=None, help="Overrides server.host.")
@click.option("--port", default=None, type=click.IntRange(0, 65535), help="Overrides server.port (0: any free port).")
@SESSION_OPTION
@with_config
def serve(config: Config, host: str | None, port: int | None, session_file: Path) -> None:
    """Run the bot against a built-in LINE API stand-in (made-up channel secret and token), for `kambot chat`."""
    import logging

    from bot.demo.organisation import is_demo_database
    from bot.demo.simulator import SimulatedBot, serve_until_stopped

    setup_logging()
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line a minute per job would bury the rest
    engine = open_database(config, first="kambot demo")
    with session_scope(engine) as session:
        demo_database = is_demo_database(session)
    engine.dispose()
    if not demo_database:
        raise click.ClickException(
            f"{safe_url(config.database.url)} was not made by `kambot demo`; run that first (on an empty database). "
            "Its scheduler would escalate and remind real tickets into the stand-in, where nobody reads them.")
    bot = SimulatedBot(config, host=host or config.server.host, port=config.server.port if port is None else port)

    def ready(session) -> None:
        click.echo(f"kambot demo: webhook {session.webhook_url}, LINE stand-in {session.line_api_url}\n"
                   f"ในหน้าต่างอื่น / in other terminals:  kambot chat --as A101-1   kambot chat --as K001\n"
                   "Ctrl-C หยุด / stops", err=True)

    serve_until_stopped(bot, session_file, ready)


@click.command()
@click.option("--as", "key", required=True,
              help="Who to be: a staff code (K001), a contact key (A101-1), or `new` for someone who just added the "
                   "Official Account (link them with a code from `kambot link-code`); see `kambot demo who`.")
@SESSION_OPTION
@with_config
def chat(config: Config, key: str, session_file: Path) -> None:
    """Chat with the running demo bot (`kambot demo serve`) as one person, in this terminal."""
    import uuid

    from bot.demo.chat import HELP, ChatClient, ChatScreen, run
    from bot.demo.organisation import Person, demo_user_id, find_person, who_is_who
    from bot.demo.simulator import DemoSession

    if not session_file.exists():
        raise click.ClickException(f"no demo server found ({session_file} is missing): start `kambot demo serve` first")
    session = DemoSession.load(session_file)
    if given_config_path() and safe_url(session.database_url) != safe_url(config.database.url):
        click.echo(f"note: the demo server runs on {safe_url(session.database_url)}, "
                   f"not on the config's {safe_url(config.database.url)}", err=True)
    newcomer = key.lower() == "new"
    if newcomer:
        person = Person("new", "ผู้ใช้ LINE ใหม่ / new LINE user", "-", "-", demo_user_id(f"new-{uuid.uuid4()}"))
    else:
        engine = make_engine(session.database_url)
        with session_scope(engine) as db:
            person = find_person(db, key)
            keys = [p.key for p in who_is_who(db)]
        engine.dispose()
        if person is None or not person.line_user_id:
            raise click.ClickException(
                f"nobody on LINE with key {key!r}; try `new` or one of: {', '.join(keys) or '(none: run `kambot demo`)'}")
    click.echo(f"💬 แชทในนาม / chatting as {person.name} · {person.role} · {person.office} ({person.key})")
    click.echo(HELP)
    click.echo("─" * 60)
    client = ChatClient(session, person.line_user_id)
    if newcomer:
        client.follow()  # what LINE sends when someone adds the Official Account
    run(ChatScreen(client, sys.stdout))


def register(main: click.Group) -> None:
    for command in (demo, chat):
        main.add_command(command)
