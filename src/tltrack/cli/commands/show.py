"""`tltrack show`: one target, its words, its status and every figure."""

from __future__ import annotations

from tltrack.cli.app import app
from tltrack.cli.help import examples, helptext
from tltrack.cli.options import (
    AsOfOption,
    DataDirOption,
    FormatOption,
    LangOption,
    MetricArgument,
    OutputFormat,
    RegionOption,
    YearOption,
    compact_for,
    output_for,
    parse_as_of,
    workspace_for,
    write_view,
)
from tltrack.cli.run import TltrackCommand


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_show"),
    epilog=examples(
        "tltrack show grain_output",
        "tltrack show 粮食产量 --format json",
    ),
)
def show(
    metric: MetricArgument,
    region: RegionOption = None,
    data_dir: DataDirOption = None,
    year: YearOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Show one target: its details, the report's words, its status and every figure recorded."""
    # loaded when the command runs, not at start: a quick --help
    from tltrack.app.history import show as target_detail
    from tltrack.views.targets import detail

    day = parse_as_of(as_of)
    workspace = workspace_for(data_dir, year, as_of=day)
    found = target_detail(workspace, metric, day, region)
    out = output_for()
    write_view(detail(found, out.lang, compact_for(out, fmt)), fmt, out)
