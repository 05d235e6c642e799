"""One exception base class; each subclass carries its sysexits code.

The CLI turns any TltrackError into one line on stderr and its exit code, in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class ExitCode:
    OK = 0
    CHECK_FAILED = 1
    USAGE = 2
    DATAERR = 65
    NOINPUT = 66
    SOFTWARE = 70
    CANTCREAT = 73
    IOERR = 74
    TEMPFAIL = 75
    NOPERM = 77


class TltrackError(Exception):
    """Base of every error tltrack reports to the user instead of a traceback."""

    exit_code = ExitCode.SOFTWARE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(TltrackError):
    exit_code = ExitCode.USAGE


class DataError(TltrackError):
    """Bad input data: a value, a period, a target file, a records file."""

    exit_code = ExitCode.DATAERR


class NoInputError(TltrackError):
    """A file or folder that should be there is not."""

    exit_code = ExitCode.NOINPUT


class LockBusyError(TltrackError):
    exit_code = ExitCode.TEMPFAIL


class CannotCreateError(TltrackError):
    exit_code = ExitCode.CANTCREAT


class StorageIOError(TltrackError):
    exit_code = ExitCode.IOERR


class PermissionDeniedError(TltrackError):
    exit_code = ExitCode.NOPERM


@dataclass(frozen=True)
class Problem:
    """One validation problem, kept as data so a file's problems are reported together."""

    file: str
    message: str
    line: int | None = None
    target_id: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.target_id:
            parts.append(f"target {self.target_id!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ": ".join([*parts, self.message])


class ValidationFailed(DataError):
    """Every problem found in the data, not just the first."""

    def __init__(self, problems: Sequence[Problem | str]) -> None:
        self.problems = problems
        count = len(problems)
        first = str(problems[0]) if problems else "no problems"
        more = f" (and {count - 1} more; run 'tltrack validate')" if count > 1 else ""
        super().__init__(f"{first}{more}")
