"""`tltrack history`: every period's figure of a target."""

from __future__ import annotations

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
    help=helptext("help_cmd_history"),
    epilog=examples(
        "tltrack history key_projects_started",
        "tltrack history 地区生产总值增长 --format csv",
    ),
)
def history(
    metric: MetricArgument,
    region: RegionOption = None,
    data_dir: DataDirOption = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Every period's figure of a target, with its pace, a trend line and its corrections."""
    # loaded when the command runs, not at start: a quick --help
    from tltrack.app import history as app_history
    from tltrack.views import targets as target_views

    workspace = workspace_for(data_dir, year)
    out = output_for()
    target, figures = app_history.history(workspace, metric, region)
    view = target_views.history(target, figures, out.lang, compact_for(out, fmt), region)
    write_view(view, fmt, out)
