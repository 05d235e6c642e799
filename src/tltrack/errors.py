"""One exception base class; each subclass carries its sysexits code.

The CLI turns any TltrackError into one line on stderr and its exit code, in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tltrack.text.messages import Joined as Joined
from tltrack.text.messages import Lang, say
from tltrack.text.messages import Message as Message
from tltrack.text.messages import msg as msg


class ExitCode:
    OK = 0
    CHECK_FAILED = 1
    USAGE = 2
    DATAERR = 65
    NOINPUT = 66
    UNAVAILABLE = 69  # a program tltrack needs (a PDF renderer) is not installed
    SOFTWARE = 70
    CANTCREAT = 73
    IOERR = 74
    TEMPFAIL = 75
    NOPERM = 77


class Invalid(ValueError):
    """A check of a file's field failed: raised inside Pydantic's validators, said as one of
    our messages (files.toml_text.pydantic_message)."""

    def __init__(self, message_id: str, **params: object) -> None:
        super().__init__(message_id)
        self.message = Message(message_id, params)


class TltrackError(Exception):
    """Base of every error tltrack reports to the user instead of a traceback."""

    exit_code = ExitCode.SOFTWARE

    def __init__(self, message_id: Message | str, /, **params: object) -> None:
        given = message_id
        self.msg = given if isinstance(given, Message) else Message(given, params)
        super().__init__(self.msg.id)

    @property
    def message(self) -> str:
        """The message in English, for logs and tests."""
        return self.say("en")

    def say(self, lang: Lang) -> str:
        return self.msg.say(lang)

    def __str__(self) -> str:
        return self.message


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


class UnavailableError(TltrackError):
    exit_code = ExitCode.UNAVAILABLE


@dataclass(frozen=True)
class Problem:
    """One validation problem, kept as data so a file's problems are reported together."""

    file: str
    message: Message
    line: int | None = None
    target_id: str | None = None
    field: str | None = None

    def say(self, lang: Lang = "en") -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.target_id:
            parts.append(say(lang, "problem_target", id=self.target_id))
        if self.field:
            parts.append(say(lang, "problem_field", field=self.field))
        return ": ".join([*parts, self.message.say(lang)])

    def __str__(self) -> str:
        return self.say("en")


class ValidationFailed(DataError):
    """Every problem found in the data, not just the first. Said alone, the first one; the
    command line says how many more there are."""

    def __init__(self, problems: Sequence[Problem | Message]) -> None:
        self.problems = list(problems)
        first = self.problems[0] if self.problems else Message("no_problems", {})
        super().__init__(
            first if isinstance(first, Message) else Message("problem", {"problem": first})
        )

    def say(self, lang: Lang) -> str:
        first = self.problems[0] if self.problems else Message("no_problems", {})
        return first.say(lang)
