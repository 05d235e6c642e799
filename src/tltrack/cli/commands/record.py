"""`tltrack record`: one figure typed on the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from tltrack.cli.app import app
from tltrack.cli.help import examples, helptext
from tltrack.cli.options import (
    DataDirOption,
    FormatOption,
    LangOption,
    MetricArgument,
    OutputFormat,
    RegionOption,
    YearOption,
    compact_for,
    output_for,
    workspace_for,
    write_view,
)
from tltrack.cli.run import TltrackCommand


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_record"),
    # A negative figure (-2.1) is a value, not an option.
    context_settings={"ignore_unknown_options": True},
    epilog=examples(
        "tltrack record key_projects_started 421 --period 2025-06 --note 市发改委调度",
        "tltrack record 地区生产总值增长 5.8 --period 2025-Q2",
        "tltrack record gdp_growth 5.9 --period 2025-Q2 --correct --note 统计局修订",
        "tltrack record gahaishan_reservoir done",
        "tltrack record key_projects_started 58 --period 2025-06 --region 开鲁县",
        "tltrack record new_energy_capacity_added 452 --explain 含年底集中并网，经市能源局核实",
    ),
)
def record(
    metric: MetricArgument,
    value: Annotated[
        str,
        typer.Argument(help=helptext("help_value")),
    ],
    period: Annotated[
        str | None,
        typer.Option(
            help=helptext("help_period"),
            show_default=False,
        ),
    ] = None,
    note: Annotated[str, typer.Option(help=helptext("help_note"))] = "",
    by: Annotated[
        str | None,
        typer.Option(help=helptext("help_by"), show_default=False),
    ] = None,
    correct: Annotated[
        bool,
        typer.Option("--correct", help=helptext("help_correct")),
    ] = False,
    explain: Annotated[
        str,
        typer.Option("--explain", help=helptext("help_explain"), show_default=False),
    ] = "",
    region: RegionOption = None,
    data_dir: DataDirOption = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Record a year-to-date figure for a target, then show its status line."""
    # loaded when the command runs, not at start: a quick --help
    from tltrack.app import recording as app_recording
    from tltrack.views import status as status_views

    workspace = workspace_for(data_dir, year, period)  # the period's year decides
    out = output_for()  # before the write: a closed stdout is said before a figure is stored
    result = app_recording.record(
        workspace, metric, value, period, note, by, correct, region=region, explanation=explain
    )
    write_view(status_views.record(result, out.lang, compact_for(out, fmt)), fmt, out)
