"""The interface every store of figures gives the rest of tltrack: read every figure, each
series' newest, some metrics'; check the store; make one change under its guarantees."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple, Protocol

from tltrack.domain.figures import Record
from tltrack.errors import (
    Message,
    Problem,
)


def year_of(path: Path) -> int | None:
    """The year whose figures a store file keeps, as its name says (2025.records.sqlite, named
    after 2025.toml); None for a name that says no year."""
    head = path.name.split(".", 1)[0]
    return int(head) if len(head) == 4 and head.isascii() and head.isdigit() else None


@dataclass(frozen=True)
class StoreCheck:
    """What a store holds, or why it cannot be read."""

    records: list[Record] | None  # None when the store does not read
    problems: list[Problem] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)  # worth knowing, not wrong
    exists: bool = False
    # Where the n-th figure stands, for problems that point into the store (a line number).
    line_of: Callable[[int], int | None] = lambda index: None


class RepairOutcome(NamedTuple):
    backup: Path | None  # the original as it was, kept; None when nothing needed repair
    figures: int


class StoreChange(Protocol):
    """One change of a store, begun by `RecordStore.change`."""

    def of(self, metrics: Collection[str], ends: Collection[date] | None = None) -> list[Record]:
        """The figures of these metrics, in recorded order, including those appended; with
        `ends`, at least those whose period ends on one of these days (deciding a figure
        needs only its own period's)."""
        ...

    def append(self, new: Sequence[Record]) -> None:
        """Add figures; they are kept once the change ends without an error."""
        ...


class RecordStore(Protocol):
    @property
    def name(self) -> str:
        """What people call the store in messages: `2025.records.toml`."""
        ...

    def read(self) -> list[Record]:
        """Every figure in recorded order; ValidationFailed when the store does not read."""
        ...

    def latest(self, as_of: date) -> list[Record]:
        """At least each series' figures of the newest day a period ends by `as_of`, in
        recorded order: what judging every target at `as_of` needs."""
        ...

    def read_of(self, metrics: Collection[str]) -> list[Record]:
        """Every figure of these metrics, in recorded order (show, history)."""
        ...

    def check(self) -> StoreCheck: ...

    def role_of(self, record: Record) -> str | None:
        """Who the store itself says wrote a figure `read_of` read (the PostgreSQL store's
        database role), or None where it cannot say (a file's figures say only `by`)."""
        ...

    def change(
        self, metrics: Collection[str] | None = None, dry_run: bool = False
    ) -> AbstractContextManager[StoreChange]:
        """Begin one change: no other writer changes the store until it ends. With `metrics`,
        only their figures need to be read. A dry run takes no lock and may not append."""
        ...

    def repair(self, now: datetime) -> RepairOutcome:
        """Put the store back into tltrack's own form, keeping every figure."""
        ...

    def paths(self) -> list[Path]:
        """The files the store keeps, which no document may overwrite."""
        ...


# Rows a read skipped as no figure, by store and row, until the command line says them
# (take_skipped): each once in a run, however many reads met it.
_SKIPPED: dict[tuple[str, int], None] = {}


def skip(store: str, row: int) -> None:
    _SKIPPED[(store, row)] = None


def take_skipped() -> list[tuple[str, int]]:
    """The rows skipped since the last call, in the order met."""
    skipped = list(_SKIPPED)
    _SKIPPED.clear()
    return skipped
