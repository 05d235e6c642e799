"""`tltrack db`: the PostgreSQL store's schema and its roles. Registered on the one app of
cli.py."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tltrack.cli.app import app
from tltrack.cli.errors import TltrackCommand, TltrackGroup
from tltrack.cli.options import DataDirOption, LangOption, chosen_lang, examples, helptext
from tltrack.domain.targets import Target
from tltrack.errors import UsageError
from tltrack.text.lang import text

db_app = typer.Typer(cls=TltrackGroup, help=helptext("help_cmd_db"), rich_markup_mode=None)
app.add_typer(db_app, name="db")


def _url(data_dir: Path | None) -> tuple[str, list[tuple[int, tuple[Target, ...]]]]:
    """The database the folder's figures go to, and each year's targets."""
    # loaded when the command runs, not at start: a quick --help
    import os

    from tltrack.files.target_file import load_catalog, target_files
    from tltrack.stores.choice import STORE_ENV
    from tltrack.workspace.folder import find_data_dir

    folder = find_data_dir(data_dir)
    catalogs = [load_catalog(path) for path in target_files(folder)]
    chosen = os.environ.get(STORE_ENV, "").strip()
    if not chosen:
        chosen = catalogs[-1].meta.store if catalogs else ""
    if chosen == "postgresql":
        chosen = ""  # TLTRACK_DATABASE_URL, else libpq's PG* variables
    elif not chosen.startswith(("postgresql://", "postgres://")):
        raise UsageError("db_not_postgresql", env=STORE_ENV)
    return chosen, [(c.year, c.targets) for c in catalogs]


@db_app.command(
    "init",
    cls=TltrackCommand,
    help=helptext("help_cmd_db_init"),
    epilog=examples("TLTRACK_STORE=postgresql://admin@db.example/tltrack tltrack db init"),
)
def db_init(data_dir: DataDirOption = None, lang: LangOption = None) -> None:
    # loaded when the command runs, not at start: a quick --help
    from tltrack.stores.postgresql.store import init_schema

    url, years = _url(data_dir)
    before, now = init_schema(url, years)
    said = text(chosen_lang(lang), "db_ready", before=before, now=now, years=len(years))
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
    from tltrack.stores.postgresql.store import grant

    if sum((region is not None, owner is not None, everything)) != 1:
        raise UsageError("db_grant_one")
    url, _ = _url(data_dir)
    grant(url, role, region, owner)
    scope = region or owner or text(chosen_lang(lang), "db_everything")
    typer.echo(text(chosen_lang(lang), "db_granted", role=role, scope=scope), err=True)
