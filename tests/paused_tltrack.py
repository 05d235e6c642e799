"""Run tltrack, pausing at one step of a write so that a test can kill it exactly there.

    python paused_tltrack.py STEP SECONDS ARGS...

announces `tltrack-test: paused at STEP` on stderr at the step, sleeps SECONDS, then goes on.
The steps: after_read (the records were read under the lock), mid_write (half of the new file
is written), before_replace (the new file is complete and not yet renamed). The pauses live
here, in the tests, so that nothing of the kind ships with tltrack.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from tltrack.cli.main import main as run_tltrack
from tltrack.files import disk as fileio
from tltrack.files.folder import Folder
from tltrack.stores.toml import store as toml_store

STEPS = ("after_read", "mid_write", "before_replace")


def _pause(step: str, seconds: float) -> None:
    os.write(2, f"tltrack-test: paused at {step}\n".encode())
    time.sleep(seconds)


def install(step: str, seconds: float) -> None:
    """Patch the step's function so that it pauses there."""
    if step == "after_read":
        make_ledger = toml_store.RecordsFileChange.__init__

        def after_read(self: toml_store.RecordsFileChange, *args: Any) -> None:
            make_ledger(self, *args)
            _pause(step, seconds)

        toml_store.RecordsFileChange.__init__ = after_read  # type: ignore[method-assign]
    elif step == "mid_write":
        write_all = fileio._write_all
        calls = []

        def half_written(fd: int, data: bytes) -> None:
            calls.append(fd)
            if len(calls) == 2:  # the first half is in the temporary file
                _pause(step, seconds)
            write_all(fd, data)

        fileio._write_all = half_written
    elif step == "before_replace":
        replace = Folder.replace

        def pausing_replace(self: Folder, source: str, target: str) -> None:
            _pause(step, seconds)
            replace(self, source, target)

        Folder.replace = pausing_replace  # type: ignore[method-assign]
    else:
        raise SystemExit(f"unknown step {step!r}; use {', '.join(STEPS)}")


if __name__ == "__main__":
    install(sys.argv[1], float(sys.argv[2]))
    sys.argv = ["tltrack", *sys.argv[3:]]
    run_tltrack()
