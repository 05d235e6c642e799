"""`tltrack status`: every target's progress, a region's own, the regions or lead offices
ranked, or the multi-year plan's goals."""

from __future__ import annotations

from typing import Annotated

import typer

from tltrack.cli.app import app
from tltrack.cli.help import examples, helptext
from tltrack.cli.options import (
    AsOfOption,
    ByOption,
    DataDirOption,
    EncodingOption,
    FormatOption,
    LangOption,
    OutputFormat,
    OwnerOption,
    RegionOption,
    YearOption,
    by_value,
    compact_for,
    output_for,
    parse_as_of,
    parse_statuses,
    refuse_with_plan,
    workspace_for,
    write_view,
)
from tltrack.cli.run import TltrackCommand


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_status"),
    epilog=examples(
        "tltrack status",
        "tltrack status --as-of 2025-07-15 --status behind,at_risk",
        "tltrack status --category 农牧业 --format json",
        "tltrack status --region 开鲁县",
        "tltrack status --by region --format json",
        "tltrack status --plan --as-of 2027-07-20",
    ),
)
def status(
    data_dir: DataDirOption = None,
    year: YearOption = None,
    as_of: AsOfOption = None,
    category: Annotated[str | None, typer.Option(help=helptext("help_category"))] = None,
    owner: OwnerOption = None,
    region: RegionOption = None,
    by: ByOption = None,
    status_filter: Annotated[
        list[str] | None,
        typer.Option("--status", help=helptext("help_status_filter")),
    ] = None,
    plan: Annotated[bool, typer.Option("--plan", help=helptext("help_plan"))] = False,
    fmt: FormatOption = OutputFormat.table,
    encoding: EncodingOption = None,
    lang: LangOption = None,
) -> None:
    """Show every target's progress: actual, completion, 时序进度, gap and status."""
    # loaded when the command runs, not at start: a quick --help
    from tltrack.app import status as app_status
    from tltrack.views import status as status_views

    out = output_for()
    if plan:
        # loaded when the command runs, not at start: a quick --help
        from tltrack.app.plan import plan_status
        from tltrack.views import plan as plan_views

        refuse_with_plan(year, category, owner, region, by, status_filter)
        progress = plan_status(data_dir, parse_as_of(as_of))
        view = plan_views.plan_status(progress, out.lang, compact_for(out, fmt))
        write_view(view, fmt, out, encoding)
        return
    day = parse_as_of(as_of)
    workspace = workspace_for(data_dir, year, reads_all=True, as_of=day)
    if by is not None:
        # loaded when the command runs, not at start: a quick --help
        from tltrack.views.groups import groups

        ranked = app_status.by_groups(workspace, day, by_value(by) or "region")
        write_view(groups(ranked, out.lang, compact_for(out, fmt)), fmt, out, encoding)
        return
    report = app_status.status(
        workspace, day, category, owner, parse_statuses(status_filter), region
    )
    view = status_views.status(report, out.lang, compact_for(out, fmt))
    write_view(view, fmt, out, encoding)
