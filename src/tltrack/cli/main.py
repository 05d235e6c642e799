"""The entry point: every command registered on the one app, in the order of the help page,
and `main()`, which runs one command in one process."""

from __future__ import annotations

import contextlib
import gc
import signal
import sys

from tltrack.cli.app import app

# Each module registers its command on the app when imported: this order is the help page's.
# isort: off
from tltrack.cli.commands import status  # noqa: F401
from tltrack.cli.commands import record  # noqa: F401
from tltrack.cli.commands import import_files  # noqa: F401
from tltrack.cli.commands import check  # noqa: F401
from tltrack.cli.commands import template  # noqa: F401
from tltrack.cli.commands import missing  # noqa: F401
from tltrack.cli.commands import review  # noqa: F401
from tltrack.cli.commands import demo  # noqa: F401
from tltrack.cli.commands import report  # noqa: F401
from tltrack.cli.commands import init  # noqa: F401
from tltrack.cli.commands import db  # noqa: F401
from tltrack.cli.commands import migrate  # noqa: F401
from tltrack.cli.commands import export  # noqa: F401
from tltrack.cli.commands import history  # noqa: F401
from tltrack.cli.commands import list_targets  # noqa: F401
from tltrack.cli.commands import show  # noqa: F401
from tltrack.cli.commands import validate  # noqa: F401
from tltrack.cli.commands import repair  # noqa: F401
# isort: on


def _terminated(signum: int, frame: object) -> None:
    # Unwinds like Ctrl-C: temporary files are removed and the lock is released on the way out.
    raise SystemExit(128 + signum)


def main() -> None:
    signal.signal(signal.SIGTERM, _terminated)
    # One command, then the process ends. The cyclic collector's passes over hundreds of
    # thousands of figures (which hold no cycles) cost a third of a province's status and free
    # nothing: it runs once a million more objects are held (a province's status holds fewer:
    # a pass every 100,000 still cost it a tenth), and never looks at what the imports made.
    gc.freeze()
    gc.set_threshold(1_000_000, 1000, 1000)
    # A terminal or pipe that is not UTF-8 (PYTHONIOENCODING=gbk, LC_ALL=C): what it cannot
    # show is replaced, never a crash.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    app(prog_name="tltrack")


if __name__ == "__main__":
    main()
