"""`tltrack review`: the figures a review rule finds unusual, explained or waiting (审核)."""

from __future__ import annotations

from typing import Annotated

import typer

from tltrack.cli.app import app
from tltrack.cli.help import examples, helptext
from tltrack.cli.options import (
    DataDirOption,
    FormatOption,
    LangOption,
    OutputFormat,
    YearOption,
    compact_for,
    output_for,
    workspace_for,
    write_view,
)
from tltrack.cli.run import TltrackCommand


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_review"),
    epilog=examples(
        "tltrack review",
        "tltrack review --period 2025-06 --format json",
    ),
)
def review(
    period: Annotated[
        str | None,
        typer.Option(help=helptext("help_review_period"), show_default=False),
    ] = None,
    data_dir: DataDirOption = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """The figures a review rule finds unusual: each rule's finding, and its explanation or
    待核实, by the unit that sent it."""
    # loaded when the command runs, not at start: a quick --help
    from tltrack.app.review import review as find
    from tltrack.views.review import review as review_view

    workspace = workspace_for(data_dir, year, period)
    report = find(workspace, period)
    out = output_for()
    write_view(review_view(report, out.lang, compact_for(out, fmt)), fmt, out)
