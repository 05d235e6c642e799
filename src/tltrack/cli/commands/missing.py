"""`tltrack missing`: who has not reported which target (未报送)."""

from __future__ import annotations

from typing import Annotated

import typer

from tltrack.cli.app import app
from tltrack.cli.help import examples, helptext
from tltrack.cli.options import (
    AsOfOption,
    ByChoice,
    DataDirOption,
    FormatOption,
    LangOption,
    OutputFormat,
    YearOption,
    by_value,
    output_for,
    parse_as_of,
    workspace_for,
    write_view,
)
from tltrack.cli.run import TltrackCommand


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_missing"),
    epilog=examples(
        "tltrack missing --period 2025-06",
        "tltrack missing --period 2025-06 --by region --format json",
    ),
)
def missing(
    period: Annotated[
        str | None,
        typer.Option(help=helptext("help_missing_period"), show_default=False),
    ] = None,
    by: Annotated[
        ByChoice | None,
        typer.Option(
            "--by", help=helptext("help_missing_by"), show_default=False, metavar="owner|region"
        ),
    ] = None,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Which lead office or region has not reported which target for a period (未报送)."""
    # loaded when the command runs, not at start: a quick --help
    from tltrack.app.missing import missing_figures
    from tltrack.views.groups import missing as missing_view

    day = parse_as_of(as_of)
    workspace = workspace_for(data_dir, year, period, as_of=day)  # the period's year decides
    report = missing_figures(workspace, period, by_value(by), as_of=day)
    out = output_for()
    write_view(missing_view(report, out.lang), fmt, out)
