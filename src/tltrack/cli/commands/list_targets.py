"""`tltrack list`: the targets of the year."""

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
    OwnerOption,
    YearOption,
    compact_for,
    output_for,
    workspace_for,
    write_view,
)
from tltrack.cli.run import TltrackCommand


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_list"),
    name="list",
    epilog=examples(
        "tltrack list",
        "tltrack list --format csv",
    ),
)
def list_targets(
    data_dir: DataDirOption = None,
    year: YearOption = None,
    category: Annotated[str | None, typer.Option(help=helptext("help_list_category"))] = None,
    owner: OwnerOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """List the targets of the year: id, name, category, kind, target and 2024 baseline."""
    # loaded when the command runs, not at start: a quick --help
    from tltrack.app.status import targets
    from tltrack.views import targets as target_views

    workspace = workspace_for(data_dir, year)
    out = output_for()
    chosen = targets(workspace, category, owner)
    write_view(target_views.targets(chosen, out.lang, compact_for(out, fmt)), fmt, out)
