"""`tltrack db`: the PostgreSQL store's schema (`db init`) and which figures a database role
may record (`db grant`, `db revoke`)."""

from __future__ import annotations

from typing import Annotated

import typer

from tltrack.cli.app import app
from tltrack.cli.help import examples, helptext
from tltrack.cli.options import (
    DataDirOption,
    LangOption,
)
from tltrack.cli.run import TltrackCommand, TltrackGroup, run_lang
from tltrack.errors import UsageError
from tltrack.text.lang import text

db_app = typer.Typer(cls=TltrackGroup, help=helptext("help_cmd_db"), rich_markup_mode=None)
app.add_typer(db_app, name="db")


@db_app.command(
    "init",
    cls=TltrackCommand,
    help=helptext("help_cmd_db_init"),
    epilog=examples("TLTRACK_STORE=postgresql://admin@db.example/tltrack tltrack db init"),
)
def db_init(data_dir: DataDirOption = None, lang: LangOption = None) -> None:
    # loaded when the command runs, not at start: a quick --help
    from tltrack.app.database import init

    before, now, years = init(data_dir)
    said = text(run_lang(), "db_ready", before=before, now=now, years=years)
    typer.echo(said, err=True)


@db_app.command(
    "grant",
    cls=TltrackCommand,
    help=helptext("help_cmd_db_grant"),
    epilog=examples(
        "tltrack db grant kailu --region 开鲁县",
        "tltrack db grant nongmu --owner 市农牧局",
        "tltrack db grant office --all",
    ),
)
def db_grant(
    role: Annotated[str, typer.Argument(help=helptext("help_db_role"))],
    region: Annotated[str | None, typer.Option(help=helptext("help_db_region"))] = None,
    owner: Annotated[str | None, typer.Option(help=helptext("help_db_owner"))] = None,
    everything: Annotated[bool, typer.Option("--all", help=helptext("help_db_all"))] = False,
    data_dir: DataDirOption = None,
    lang: LangOption = None,
) -> None:
    # loaded when the command runs, not at start: a quick --help
    from tltrack.app.database import grant

    if sum((region is not None, owner is not None, everything)) != 1:
        raise UsageError("db_grant_one")
    granted = grant(data_dir, role, region, owner)
    scope = granted or text(run_lang(), "db_everything")
    typer.echo(text(run_lang(), "db_granted", role=role, scope=scope), err=True)


@db_app.command(
    "revoke",
    cls=TltrackCommand,
    help=helptext("help_cmd_db_revoke"),
    epilog=examples("tltrack db revoke kailu"),
)
def db_revoke(
    role: Annotated[str, typer.Argument(help=helptext("help_db_role"))],
    data_dir: DataDirOption = None,
    lang: LangOption = None,
) -> None:
    # loaded when the command runs, not at start: a quick --help
    from tltrack.app.database import revoke

    revoke(data_dir, role)
    typer.echo(text(run_lang(), "db_revoked", role=role), err=True)
