"""The commands about where figures are kept: `migrate` between the TOML file and SQLite,
and `export` of every figure a store holds. Registered on the one app of cli.py."""

from __future__ import annotations

import enum
from typing import Annotated, Any

import typer

from tltrack.cli import app
from tltrack.cli_errors import TltrackCommand
from tltrack.cli_options import (
    DataDirOption,
    FormatOption,
    LangOption,
    OutputFormat,
    YearOption,
    chosen_lang,
    examples,
    helptext,
    output_for,
    write_view,
)
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
    to: Annotated[StoreKind, typer.Option("--to", help=helptext("help_migrate_to"))],
    data_dir: DataDirOption = None,
    year: YearOption = None,
    lang: LangOption = None,
) -> None:
    """Copy a year's figures into the other store, checked figure by figure."""
    from tltrack.app.stores import migrate
    from tltrack.workspace import folder as data_folder

    workspace = data_folder.open_workspace(data_dir, year)
    done = migrate(workspace.catalog.path, to.value)
    said = text(
        chosen_lang(lang),
        "migrated",
        count=done.figures,
        source=done.source,
        target=done.target,
        kind=to.value,
        file=workspace.catalog.path.name,
    )
    typer.echo(said, err=True)


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_export"),
    epilog=examples(
        "tltrack export --format csv > 2025-figures.csv", "tltrack export --format json"
    ),
)
def export(
    data_dir: DataDirOption = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.csv,
    lang: LangOption = None,
) -> None:
    """Every figure of a year's store, superseded ones too, for backups and git."""
    from tltrack.views.view import Cell, Column, Section, View
    from tltrack.workspace import folder as data_folder

    workspace = data_folder.open_workspace(data_dir, year)
    figures = workspace.records()
    out = output_for(lang)
    keys = ("metric", "region", "period", "value", "note", "by", "at", "correction", "revision")
    columns = [Column(key, key, numeric=key in ("value", "revision")) for key in keys]

    def plain(value: Any) -> Any:
        return value.isoformat() if hasattr(value, "isoformat") else value

    rows = [
        {key: Cell(plain(getattr(r, key)), _shown(plain(getattr(r, key)))) for key in keys}
        for r in figures
    ]
    view = View(
        title="",
        columns=columns,
        sections=[Section("", rows)],
        data=lambda: {
            "year": workspace.year,
            "store": workspace.store.name,
            "records": [{key: cell.value for key, cell in row.items()} for row in rows],
        },
        messages=[text(out.lang, "exported", count=len(figures), store=workspace.store.name)],
    )
    write_view(view, fmt, out)


def _shown(value: Any) -> str:
    return "" if value is None else str(value)
