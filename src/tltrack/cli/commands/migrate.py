"""`tltrack migrate`: a year's figures copied into the other store."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from tltrack.cli.app import app
from tltrack.cli.help import examples, helptext
from tltrack.cli.options import (
    DataDirOption,
    LangOption,
    YearOption,
    workspace_for,
)
from tltrack.cli.run import TltrackCommand, run_lang
from tltrack.text.lang import text


class StoreKind(enum.StrEnum):
    sqlite = "sqlite"
    toml = "toml"


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_migrate"),
    epilog=examples("tltrack migrate --to sqlite", "tltrack migrate --to toml --year 2025"),
)
def migrate(
    to: Annotated[
        StoreKind,
        typer.Option("--to", help=helptext("help_migrate_to"), case_sensitive=False),
    ],
    data_dir: DataDirOption = None,
    year: YearOption = None,
    lang: LangOption = None,
) -> None:
    """Copy a year's figures into the other store, checked figure by figure."""
    # loaded when the command runs, not at start: a quick --help
    from tltrack.app.stores import migrate

    workspace = workspace_for(data_dir, year)
    done = migrate(workspace.catalog.path, to.value)
    said = text(
        run_lang(),
        "migrated",
        count=done.figures,
        source=done.source,
        target=done.target,
        kind=to.value,
        file=workspace.catalog.path.name,
    )
    typer.echo(said, err=True)
