"""`tltrack export`: every figure of a year's store, for backups and git."""

from __future__ import annotations

from typing import Any

from tltrack.cli.app import app
from tltrack.cli.help import examples, helptext
from tltrack.cli.options import (
    DataDirOption,
    FormatOption,
    LangOption,
    OutputFormat,
    YearOption,
    output_for,
    workspace_for,
    write_view,
)
from tltrack.cli.run import TltrackCommand
from tltrack.text.lang import text


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
    # loaded when the command runs, not at start: a quick --help
    from tltrack.views.view import Cell, Column, Section, View

    workspace = workspace_for(data_dir, year)
    figures = workspace.records()
    out = output_for()
    keys = (
        "metric",
        "region",
        "period",
        "value",
        "note",
        "by",
        "at",
        "correction",
        "revision",
        "explanation",
        "unit",
        "source",
    )
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
