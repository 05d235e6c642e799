"""The commands of the monthly cycle: fill-in forms out (template), who has not reported
(missing), the bulletin (report) and a new year's folder (init). Registered on the one app
of cli.py."""

from __future__ import annotations

import enum
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from tltrack.cli import app
from tltrack.cli_errors import TltrackCommand
from tltrack.cli_options import (
    AsOfOption,
    ByChoice,
    DataDirOption,
    FormatOption,
    LangOption,
    OutputFormat,
    OwnerOption,
    RegionOption,
    YearOption,
    by_value,
    chosen_lang,
    examples,
    helptext,
    output_for,
    parse_as_of,
    parse_statuses,
    write_view,
)
from tltrack.errors import UsageError
from tltrack.text.lang import text


class FormFormat(enum.StrEnum):
    xlsx = "xlsx"
    csv = "csv"


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_template"),
    epilog=examples(
        "tltrack template --by owner --period 2025-06 -o 填报表/",
        "tltrack template --by region --period 2025-06 -o 旗县市区/ --format csv",
    ),
)
def template(
    by: Annotated[
        ByChoice | None,
        typer.Option(
            "--by", help=helptext("help_template_by"), show_default=False, metavar="owner|region"
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(help=helptext("help_template_period"), show_default=False),
    ] = None,
    output: Annotated[
        str | None,  # as typed: an empty -o '' is a mistake, not the current folder
        typer.Option("--output", "-o", help=helptext("help_template_output"), show_default=False),
    ] = None,
    fmt: Annotated[
        FormFormat, typer.Option("--format", "-f", help=helptext("help_template_format"))
    ] = FormFormat.xlsx,
    force: Annotated[bool, typer.Option("--force", help=helptext("help_force"))] = False,
    data_dir: DataDirOption = None,
    year: YearOption = None,
    lang: LangOption = None,
) -> None:
    """Write one fill-in form per lead unit or region, for a period."""
    from datetime import date

    from tltrack.documents import forms as form_files
    from tltrack.domain import figures
    from tltrack.domain.periods import default_period, parse_period
    from tltrack.views import groups as unit_views
    from tltrack.workspace import folder as data_folder

    if by is None:
        raise UsageError("needs_by")
    if output is None or not output.strip():
        raise UsageError("needs_output_folder")
    folder = Path(output)
    workspace = data_folder.open_workspace(data_dir, year)
    chosen = (
        parse_period(period, workspace.year)
        if period is not None
        else default_period(workspace.year, date.today())
    )
    grouped = figures.records_by_metric(workspace.records())
    from tltrack.domain.rollup import series_of

    series = {metric: series_of(items) for metric, items in grouped.items()}
    written = form_files.write_forms(
        workspace.catalog, series, by_value(by) or "owner", chosen, folder, fmt.value, force
    )
    out = output_for(lang)
    view = unit_views.templates([p for p, _ in written], folder, out.lang, [n for _, n in written])
    write_view(view, OutputFormat.table, out)


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
    data_dir: DataDirOption = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Which lead unit or region has not reported which target for a period (未报送)."""
    from tltrack.app import missing as app_missing
    from tltrack.views import groups as unit_views
    from tltrack.workspace import folder as data_folder

    workspace = data_folder.open_workspace(data_dir, year)
    report = app_missing.missing_figures(workspace, period, by_value(by))
    out = output_for(lang)
    write_view(unit_views.missing(report, out.lang), fmt, out)


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_demo"),
    epilog=examples("tltrack demo", "tltrack demo ~/tltrack-demo --lang en"),
)
def demo(
    folder: Annotated[Path, typer.Argument(help=helptext("help_demo_folder"))] = Path(
        "tltrack-demo"
    ),
    lang: LangOption = None,
) -> None:
    """A folder to try every command on: the 2025 targets and a year of 示例数据."""
    from tltrack.workspace import demo as sample

    _, targets, figures = sample.demo(folder)
    language = chosen_lang(lang)
    said = text(language, "demo_written", folder=folder, targets=targets, figures=figures)
    typer.echo(said, err=True)
    shown = str(folder) if " " not in str(folder) else f"'{folder}'"
    for command in (
        f"tltrack status --data-dir {shown} --as-of 2025-07-20",
        f"tltrack check --data-dir {shown} --as-of 2025-07-20",
        f"tltrack report --data-dir {shown} --as-of 2025-07-20 -o {shown}/通报.html",
    ):
        typer.echo(f"  {command}", err=True)


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
        typer.Option("--output", "-o", help=helptext("help_output")),
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
    from tltrack.documents import bulletin, render
    from tltrack.files.disk import write_atomic
    from tltrack.workspace import folder as data_folder

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
    if issuer is not None:
        from tltrack.app.recording import check_text

        check_text("--issuer", issuer)
    options = bulletin.Options(issue, issuer, only is not None, tuple(parse_statuses(hide)))
    workspace = data_folder.open_workspace(data_dir, year, reads_all=True)
    if output is not None:
        from tltrack.workspace.folder import check_output

        check_output(workspace.catalog.path, output)
    built = bulletin.build(workspace, parse_as_of(as_of), region, owner, options)
    data = render.document(built, chosen, chosen_lang(lang))
    language = chosen_lang(lang)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write_atomic(output, data)
    size = f"{len(data) / 1024:.0f} KiB"
    typer.echo(text(language, "wrote", path=output) + f" ({size})", err=True)


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_init"),
    epilog=examples(
        "tltrack init",
        "tltrack init ./targets --catalog",
        "tltrack init ~/targets --year 2026",
    ),
)
def init(
    folder: Annotated[Path, typer.Argument(help=helptext("help_folder"))] = Path("targets"),
    catalog: Annotated[
        bool,
        typer.Option(
            "--catalog",
            help=helptext("help_catalog"),
        ),
    ] = False,
    year: Annotated[
        int | None,
        typer.Option(help=helptext("help_init_year"), show_default=False),
    ] = None,
    from_year: Annotated[
        int | None,
        typer.Option("--from", help=helptext("help_from"), show_default=False, metavar="YYYY"),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Start a new data folder: a commented target-file template, or the shipped catalog."""
    from tltrack.workspace import new_folder as setup

    if from_year is not None:
        from tltrack.workspace.next_year import start_next_year

        written, count, baselines = start_next_year(folder, from_year, year or from_year + 1)
        said = text(
            chosen_lang(lang),
            "next_year_written",
            path=written,
            count=count,
            baselines=baselines,
            source=from_year,
        )
        typer.echo(said, err=True)
        return

    result = setup.init(folder, year or date.today().year, catalog, chosen_lang(lang))
    for path in result.written:
        typer.echo(text(chosen_lang(lang), "wrote", path=path), err=True)
    typer.echo(text(chosen_lang(lang), "next_after_init"), err=True)
