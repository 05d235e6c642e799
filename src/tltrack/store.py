"""The seam between the commands and where figures are kept.

Commands and assess talk to a `RecordStore`: read every figure (in the order they were
recorded, which decides between figures of one revision), check the store for problems, and
make one change (read some metrics' figures, append) under whatever guarantees the store gives:
atomic, no lost update, durable before success. The first store is the TOML records file
beside the target file (ledger.py); `open_store` chooses the store of a data folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple, Protocol

from tltrack.domain.figures import Record
from tltrack.errors import (
    CannotCreateError,
    Message,
    Problem,
    UsageError,
    ValidationFailed,
    msg,
)
from tltrack.files.target_file import TARGET_FILE_RE, target_files


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


class TomlStore:
    """Figures in `<year>.records.toml`, one line each (see ledger.py)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def name(self) -> str:
        return self.path.name

    def read(self) -> list[Record]:
        from tltrack.ledger import read_records

        return read_records(self.path)

    def latest(self, as_of: date) -> list[Record]:
        return self.read()  # one file is read whole anyway

    def read_of(self, metrics: Collection[str]) -> list[Record]:
        from tltrack.ledger import check_records_of

        read = check_records_of(self.path, metrics)  # their lines only, where it can
        if read.parsed is None and read.rows is None:
            raise ValidationFailed(read.problems)
        return read.of(metrics)

    def check(self) -> StoreCheck:
        from tltrack.ledger import RecordLines, check_records

        read = check_records(self.path)
        exists = self.path.exists()
        if read.records is None or not exists:
            return StoreCheck(read.records, list(read.problems), exists=exists)
        notes = []
        if read.hand_edited:
            notes.append(msg("hand_edited_note", file=self.name))
        lines = RecordLines(self.path.read_text(encoding="utf-8-sig"))
        return StoreCheck(read.records, [], notes, True, lambda index: lines.entry_line(index))

    @contextmanager
    def change(
        self, metrics: Collection[str] | None = None, dry_run: bool = False
    ) -> Iterator[StoreChange]:
        from tltrack.ledger import open_for_change

        with open_for_change(self.path, metrics=metrics, dry_run=dry_run) as ledger:
            yield ledger

    def repair(self, now: datetime) -> RepairOutcome:
        from tltrack.files.disk import create_new
        from tltrack.ledger import open_for_change, render

        with open_for_change(self.path, accept_hand_edits=True) as ledger:
            original = ledger.data
            if not original or original.decode("utf-8-sig") == render(ledger.records):
                return RepairOutcome(None, len(ledger.records))
            # A name nobody can guess and plant a link at, created only if it does not exist.
            stamp = now.strftime("%Y%m%dT%H%M%SZ")
            real = ledger.path
            backup = real.with_name(f"{real.name}.{stamp}.{os.urandom(4).hex()}.hand-edited")
            create_new(backup, original, like=real)
            try:
                ledger.save(ledger.records)
            except BaseException:
                backup.unlink(missing_ok=True)  # the original is still in place
                raise
        return RepairOutcome(backup, len(ledger.records))

    def paths(self) -> list[Path]:
        from tltrack.ledger import lock_path

        return [self.path, lock_path(self.path)]


STORE_ENV = "TLTRACK_STORE"
STORES = ("toml", "sqlite")  # the stores in a folder; PostgreSQL is a server's


def open_store(target_file: Path, configured: str = "toml") -> RecordStore:
    """The store of a target file's figures: $TLTRACK_STORE, else the file's `[meta] store`:
    the TOML records file beside it, or an SQLite database beside it."""
    return store_of_kind(target_file, os.environ.get(STORE_ENV, "").strip() or configured)


def store_of_kind(target_file: Path, kind: str) -> RecordStore:
    if kind.lower() == "postgresql" or kind.startswith(("postgresql://", "postgres://")):
        from tltrack.store_pg import PgStore

        return PgStore("" if kind.lower() == "postgresql" else kind, int(target_file.stem))
    if kind.lower() == "sqlite":
        from tltrack.store_sqlite import SqliteStore, sqlite_path

        return SqliteStore(sqlite_path(target_file))
    if kind.lower() != "toml":
        known = "toml, sqlite, postgresql://…"
        said = re.sub(r"//[^@/]*@", "//…@", kind)  # a password never reaches cron's mail
        raise UsageError("unknown_store", store=said, env=STORE_ENV, known=known)
    from tltrack.ledger import records_path

    return TomlStore(records_path(target_file))


def every_store(target_file: Path) -> list[RecordStore]:
    """Each kind of store a target file may have: none of their files is a document."""
    return [store_of_kind(target_file, kind) for kind in STORES]


class Migration(NamedTuple):
    source: str
    target: str
    figures: int


def migrate(target_file: Path, kind: str) -> Migration:
    """Copy every figure of a year from its other store into the `kind` store, which must
    hold none yet, and read them back to compare figure by figure; the source is kept."""
    if kind not in STORES:
        raise UsageError("unknown_store", store=kind, env=STORE_ENV, known=", ".join(STORES))
    target = store_of_kind(target_file, kind)
    source = store_of_kind(target_file, next(k for k in STORES if k != kind))
    figures = source.read()
    with target.change() as change:
        held = target.read()
        if held:
            raise CannotCreateError("store_not_empty", file=target.name, count=len(held))
        if figures:
            change.append(figures)
    if list(map(_exact, target.read())) != list(map(_exact, figures)):
        # Never expected. The store held nothing before: what was written goes, not a
        # store that would not give back what it was given.
        for path in target.paths():
            path.unlink(missing_ok=True)
        raise CannotCreateError("migrate_mismatch", file=target.name)
    return Migration(source.name, target.name, len(figures))


def check_output(target_file: Path, output: Path) -> None:
    """A document written with -o must never replace a data file of the folder: a target
    file, a records file or a lock, by its name or as another path to the same file."""
    folder = target_file.parent
    data_files = [
        p
        for target in target_files(folder)
        for store in every_store(target)
        for p in (target, *store.paths())
    ]
    name = output.name
    in_folder = os.path.realpath(output.parent) == os.path.realpath(folder)
    named_like_data = bool(TARGET_FILE_RE.fullmatch(name)) or name.endswith(
        (".records.toml", ".records.toml.lock", ".records.sqlite", "-wal", "-shm", "-journal")
    )
    same = any(_same_file(output, p) for p in data_files)
    if same or (in_folder and named_like_data):
        raise CannotCreateError("not_a_document", path=output, folder=folder)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _exact(record: Record) -> tuple[object, ...]:
    """A figure as compared after a copy: -0.0 is not 0.0, and 10:00+08:00 is not 02:00Z."""
    return (*record, repr(record.value), record.at.isoformat())
