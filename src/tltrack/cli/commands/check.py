"""`tltrack check`: for cron and CI, what lags, and exit 1 at the --fail-on level."""

from __future__ import annotations

from typing import Annotated

import typer

from tltrack.cli.app import app
from tltrack.cli.help import examples, helptext
from tltrack.cli.options import (
    AsOfOption,
    ByOption,
    DataDirOption,
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
    workspace_for,
    write_view,
)
from tltrack.cli.run import TltrackCommand
from tltrack.errors import ExitCode


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_check"),
    epilog=examples(
        "tltrack check",
        "tltrack check --fail-on at_risk --format json",
        "tltrack check --fail-on behind,stale --as-of 2025-07-20",
        "tltrack check --by region --fail-on at_risk",
    ),
)
def check(
    as_of: AsOfOption = None,
    fail_on: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-on",
            help=helptext("help_fail_on"),
            show_default=False,
        ),
    ] = None,
    by: ByOption = None,
    region: RegionOption = None,
    owner: OwnerOption = None,
    data_dir: DataDirOption = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """For cron and CI: list what lags and exit 1 when anything is at the --fail-on level."""
    # loaded when the command runs, not at start: a quick --help
    from tltrack.app import check as app_check
    from tltrack.views import status as status_views
    from tltrack.views.groups import check_by

    day = parse_as_of(as_of)
    workspace = workspace_for(data_dir, year, reads_all=True, as_of=day)
    levels = [word.strip() for value in fail_on or [] for word in value.split(",")]
    result = app_check.check(workspace, day, levels, by_value(by), region, owner)
    out = output_for()
    compact = compact_for(out, fmt)
    if result.groups is not None:
        write_view(check_by(result, out.lang, compact), fmt, out)
    else:
        write_view(status_views.check(result, out.lang, compact), fmt, out)
    if result.failed:
        raise typer.Exit(ExitCode.CHECK_FAILED)
