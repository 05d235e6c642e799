"""`tltrack report`: the monthly bulletin (月度调度通报) in the format asked for."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from tltrack.cli.app import app
from tltrack.cli.help import examples, helptext
from tltrack.cli.options import (
    AsOfOption,
    DataDirOption,
    LangOption,
    OwnerOption,
    RegionOption,
    YearOption,
    parse_as_of,
    parse_statuses,
    workspace_for,
)
from tltrack.cli.run import TltrackCommand, run_lang
from tltrack.errors import UsageError
from tltrack.text.lang import text


class ReportFormat(enum.StrEnum):
    markdown = "markdown"
    html = "html"
    xlsx = "xlsx"
    docx = "docx"
    pdf = "pdf"


_REPORT_SUFFIXES = {
    ".md": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xlsx": "xlsx",
    ".docx": "docx",
    ".pdf": "pdf",
}


class OnlyChoice(enum.StrEnum):
    lagging = "lagging"


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_report"),
    epilog=examples(
        "tltrack report -o 通报.docx --issue 7 --issuer 通辽市人民政府办公室",
        "tltrack report --format html -o bulletin.html",
        "tltrack report -o 2025-06.pdf --only lagging",
        "tltrack report -o 2025-06.xlsx --as-of 2025-07-10",
        "tltrack report --lang en > bulletin.md",
    ),
)
def report(
    fmt: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help=helptext("help_report_format"),
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        # Not looked at here (readable=False): the write opens its folder itself, once.
        typer.Option("--output", "-o", help=helptext("help_output"), readable=False),
    ] = None,
    as_of: AsOfOption = None,
    region: RegionOption = None,
    owner: OwnerOption = None,
    issue: Annotated[
        int | None, typer.Option(help=helptext("help_issue"), show_default=False, metavar="N")
    ] = None,
    issuer: Annotated[
        str | None, typer.Option(help=helptext("help_issuer"), show_default=False)
    ] = None,
    only: Annotated[
        OnlyChoice | None, typer.Option(help=helptext("help_only"), show_default=False)
    ] = None,
    hide: Annotated[
        list[str] | None, typer.Option("--hide", help=helptext("help_hide"), show_default=False)
    ] = None,
    data_dir: DataDirOption = None,
    year: YearOption = None,
    lang: LangOption = None,
) -> None:
    """The monthly bulletin (月度调度通报): a summary, what lags most, and every category."""
    # loaded when the command runs, not at start: a quick --help
    from tltrack.documents import bulletin, render
    from tltrack.files.disk import write_atomic
    from tltrack.views.writers import writing_stdout
    from tltrack.workspace.folder import check_output

    chosen = fmt.value if fmt else None
    if output is not None:
        by_suffix = _REPORT_SUFFIXES.get(output.suffix.lower())
        if chosen is None and by_suffix is None:
            raise UsageError("unknown_suffix", file=output.name)
        if chosen is not None and by_suffix is not None and by_suffix != chosen:
            raise UsageError("suffix_mismatch", file=output.name, named=by_suffix, chosen=chosen)
        chosen = chosen or by_suffix
    chosen = chosen or "markdown"
    if chosen in ("xlsx", "docx", "pdf") and output is None:
        raise UsageError("binary_needs_file", format=chosen)
    if issue is not None and issue < 1:
        raise UsageError("issue_positive", issue=issue)
    options = bulletin.Options(issue, issuer, only is not None, tuple(parse_statuses(hide)))
    day = parse_as_of(as_of)
    workspace = workspace_for(data_dir, year, reads_all=True, as_of=day)
    if output is not None:
        check_output(workspace.catalog.path, output)
    built = bulletin.build(workspace, day, region, owner, options)
    data = render.document(built, chosen, run_lang())
    language = run_lang()
    if output is None:
        with writing_stdout():
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        return
    write_atomic(output, data)
    size = f"{len(data) / 1024:.0f} KiB"
    typer.echo(text(language, "wrote", path=output) + f" ({size})", err=True)
