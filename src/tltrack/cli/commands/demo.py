"""`tltrack demo`: a folder to try every command on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tltrack.cli.app import app
from tltrack.cli.help import examples, helptext
from tltrack.cli.options import (
    LangOption,
)
from tltrack.cli.run import TltrackCommand, run_lang
from tltrack.text.lang import text


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
    # loaded when the command runs, not at start: a quick --help
    from tltrack.workspace import demo as sample

    _, targets, figures = sample.demo(folder)
    language = run_lang()
    said = text(language, "demo_written", folder=folder, targets=targets, figures=figures)
    typer.echo(said, err=True)
    shown = str(folder) if " " not in str(folder) else f"'{folder}'"
    for command in (
        f"tltrack status --data-dir {shown} --as-of 2025-07-20",
        f"tltrack check --data-dir {shown} --as-of 2025-07-20",
        f"tltrack report --data-dir {shown} --as-of 2025-07-20 -o {shown}/通报.html",
    ):
        typer.echo(f"  {command}", err=True)
