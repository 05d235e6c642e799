"""Reading a big records file ahead: a child process reads it into the parse cache while the
command reads the target file, so that a cold start's two big reads overlap on two cores."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tltrack.files import cache, platform
from tltrack.files.disk import read_bytes
from tltrack.stores.toml.reading import check_records

# A records file this big is read by a child process while the target file is read.
READ_AHEAD_BYTES = 8 << 20  # about 60,000 figures


class ReadAhead:
    """The child process reading a records file ahead (see reading_ahead); 0: none."""

    def __init__(self, child: int) -> None:
        self.child = child

    def cancel(self) -> None:
        """The figures will not be wanted (the store is not this file): stop the child."""
        if self.child:
            with contextlib.suppress(OSError):
                os.kill(self.child, signal.SIGKILL)

    def reap(self) -> None:
        if self.child:
            with contextlib.suppress(OSError):
                os.waitpid(self.child, 0)
            self.child = 0


@contextmanager
def reading_ahead(path: Path) -> Iterator[ReadAhead]:
    """While the caller reads the target file, a child process reads the records file at
    `path` and leaves its figures in the cache, where the caller's own read finds them. On a
    cold start (a fresh runner, a new clone) the two big reads then overlap on two cores:
    50,000 targets' status takes seconds less. The child writes nothing but cache entries;
    whatever becomes of it, the caller's read does not depend on it. If the caller fails or
    is stopped, the child is stopped too: nothing outlives the command."""
    ahead = ReadAhead(_fork_reader(path))
    try:
        yield ahead
    except BaseException:
        ahead.cancel()
        raise
    finally:
        try:
            ahead.reap()
        except BaseException:  # stopped while waiting for the child (SIGTERM, Ctrl-C)
            ahead.cancel()
            ahead.reap()
            raise


def _fork_reader(path: Path) -> int:
    """The child reading `path` into the cache, or 0 where none is worth starting: a small
    or missing file, no fork, a cache that cannot keep the figures, no process to spare."""
    if not platform.CAN_FORK:
        return 0
    try:
        info = os.lstat(path)
    except OSError:
        return 0
    if not stat.S_ISREG(info.st_mode) or info.st_size < READ_AHEAD_BYTES or not cache.usable():
        return 0
    # No signal between fork and the child's try: it would unwind the caller's stack there.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        child = os.fork()
    except OSError:  # no process to spare (a limit on processes, memory): read in this one
        child = -1
    if child == 0:  # pragma: no cover - the child ends in os._exit
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            # Bytes the cache knows (a warm start) are left to the caller at once.
            if cache.load("records-form", cache.digest(read_bytes(path))) is None:
                check_records(path)
        finally:
            os._exit(0)
    signal.pthread_sigmask(signal.SIG_SETMASK, held)
    return max(child, 0)
