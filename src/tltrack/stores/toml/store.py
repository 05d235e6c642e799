"""The TOML store: `<year>.records.toml` beside the target file, one figure a line, changed
under a lock and replaced atomically."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from tltrack.domain.figures import Record, check_figures
from tltrack.errors import (
    DataError,
    ValidationFailed,
    msg,
)
from tltrack.files import cache
from tltrack.files.disk import (
    PreparedWrite,
    create_new,
    data_file,
    os_error,
    read_bytes_in,
    remove_stale_temps,
)
from tltrack.files.folder import Folder
from tltrack.files.locking import HOLDER_SUFFIX, exclusive_lock, lock_timeout
from tltrack.stores.base import RepairOutcome, StoreChange, StoreCheck, year_of
from tltrack.stores.toml.lines import (
    ARRAY_END,
    ARRAY_START,
    HEADER,
    read_canonical,
    render,
    render_line,
)
from tltrack.stores.toml.reading import (
    RecordLines,
    RecordsRead,
    _remember,
    _store_appended,
    check_records,
    check_records_of,
    file_bytes,
    of_the_year,
    read_records,
)


class TomlStore:
    """Figures in `<year>.records.toml`, one line each (see the lines module)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.year = year_of(path)

    @property
    def name(self) -> str:
        return self.path.name

    def read(self) -> list[Record]:
        return read_records(self.path, self.year)

    def latest(self, as_of: date) -> list[Record]:
        return self.read()  # one file is read whole anyway

    def read_of(self, metrics: Collection[str]) -> list[Record]:
        # Their lines only, where it can.
        data = file_bytes(self.path)
        read = of_the_year(check_records_of(self.path, metrics, data), self.path, self.year)
        if read.parsed is None and read.rows is None:
            raise ValidationFailed(read.problems)
        return read.of(metrics)

    def check(self) -> StoreCheck:
        read = of_the_year(check_records(self.path), self.path, self.year)
        exists = self.path.exists()
        if read.records is None or not exists:
            return StoreCheck(read.records, list(read.problems), exists=exists)
        notes = []
        if read.hand_edited:
            notes.append(msg("hand_edited_note", file=self.name))
        lines = RecordLines(read.data.decode("utf-8-sig"))  # the bytes read, not a second read
        return StoreCheck(read.records, [], notes, True, lambda index: lines.entry_line(index))

    @contextmanager
    def change(
        self, metrics: Collection[str] | None = None, dry_run: bool = False
    ) -> Iterator[StoreChange]:
        with open_for_change(self.path, self.year, metrics=metrics, dry_run=dry_run) as change:
            yield change

    def repair(self, now: datetime) -> RepairOutcome:
        with open_for_change(self.path, self.year, accept_hand_edits=True) as change:
            original = change.data
            if not original or original.decode("utf-8-sig") == render(change.records):
                return RepairOutcome(None, len(change.records))
            # A name nobody can guess and plant a link at, created only if it does not exist.
            stamp = now.strftime("%Y%m%dT%H%M%SZ")
            real, folder = change.path, change.folder
            backup = real.with_name(f"{real.name}.{stamp}.{os.urandom(4).hex()}.hand-edited")
            try:
                like = folder.lstat(real.name)
            except OSError as exc:
                raise os_error(exc, "read", real) from exc
            create_new(backup, original, like=like, folder=folder)
            try:
                change.save(change.records)
                change.commit()
            except BaseException:
                with contextlib.suppress(OSError):  # the original is still in place
                    folder.unlink(backup.name)
                raise
        return RepairOutcome(backup, len(change.records))

    def role_of(self, record: Record) -> str | None:
        return None  # a file vouches for no one: its figures say only `by`

    def paths(self) -> list[Path]:
        lock = lock_path(self.path)
        return [self.path, lock, lock.with_name(lock.name + HOLDER_SUFFIX)]


def records_path(target_file: Path) -> Path:
    return target_file.with_name(f"{target_file.stem}.records.toml")


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


class RecordsFileChange:
    """An open, locked records file: read its records, then `append` to it or `save` it. The
    new bytes wait beside the file and replace it when the change ends without an error
    (`commit`), as a database's transaction does."""

    def __init__(self, folder: Folder, name: str, read: RecordsRead, year: int | None) -> None:
        self.folder, self.name = folder, name  # the file's real folder, held open
        self.path = folder.path / name
        self.read = read
        self.year = year
        self.data = read.data
        self.key = read.key  # the cache's key for `data`
        self.added: list[Record] = []
        self.pending: PreparedWrite | None = None  # the new bytes, until the change ends

    @property
    def records(self) -> list[Record]:
        if self.read.partial:  # read only in part: read it all now (what was added is not
            # on disk before the change ends)
            whole = check_records(self.path, self.read.data)  # the bytes read, not a new read
            whole = of_the_year(whole, self.path, self.year)
            if whole.records is None:
                raise ValidationFailed(whole.problems)
            self.read = whole
        return [*(self.read.records or []), *self.added]

    def of(self, metrics: Collection[str], ends: Collection[date] | None = None) -> list[Record]:
        # The metrics' lines are read anyway: every period of them is no dearer.
        return [*self.read.of(metrics), *(r for r in self.added if r.metric in metrics)]

    def append(self, new: Sequence[Record]) -> None:
        """Add figures at the end: the new lines go in before the closing bracket, and only
        they are rendered and checked; the figures already in the file are not touched."""
        lines = "".join(render_line(r) for r in new)
        self._check_reads_back(lines, new)
        tail = ARRAY_END.encode()
        if not self.data:
            data = (HEADER + ARRAY_START + lines + ARRAY_END).encode("utf-8")
        elif self.data.endswith(tail) and not self.data.startswith(b"\xef\xbb\xbf"):
            data = self.data[: -len(tail)] + lines.encode("utf-8") + tail
        else:  # not quite tltrack's form (a byte-order mark): write it whole
            self.save([*self.records, *new])
            return
        self._prepare(data)
        # Remember the new bytes as the old ones plus these lines, so the next read is quick.
        key = cache.digest(data)
        if self.data:
            _store_appended(key, self.key, new)
        else:
            cache.store("records", key, ("full", [tuple(r) for r in new], False))
            cache.store("records-form", key, False)
        _remember(self.path, data, key, False)
        self.added += new
        self.data, self.key = data, key

    def save(self, records: Sequence[Record]) -> None:
        """Write the whole file in tltrack's form."""
        text = render(records)
        self._check_reads_back("".join(render_line(r) for r in records), records)
        data = text.encode("utf-8")
        self._prepare(data)
        key = cache.digest(data)
        cache.store("records", key, ("full", [tuple(r) for r in records], False))
        cache.store("records-form", key, False)
        _remember(self.path, data, key, False)
        self.read = RecordsRead(list(records), data=data, key=key)
        self.added = []
        self.data, self.key = data, key

    def _prepare(self, data: bytes) -> None:
        """The file's new bytes, written beside it; they replace it when the change ends."""
        prepared = PreparedWrite(self.folder, self.name, data)
        self.discard()
        self.pending = prepared

    def commit(self) -> None:
        """Replace the file with the new bytes, if there are any: the change is on disk."""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.commit()

    def discard(self) -> None:
        if self.pending is not None:
            self.pending.discard()
            self.pending = None

    def _check_reads_back(self, lines: str, records: Sequence[Record]) -> None:
        """Every figure meets the one rule, and its line reads back as exactly that figure,
        as tltrack wrote it, by the reader any machine would use: nothing that some reader
        would refuse or read otherwise reaches the disk."""
        check_figures(records, self.year)
        read = read_canonical(HEADER + ARRAY_START + lines + ARRAY_END, HEADER + ARRAY_START)
        if read != (list(records), False):
            raise DataError("would_not_read_back", file=self.path.name)


@contextmanager
def open_for_change(
    path: Path,
    year: int | None,
    accept_hand_edits: bool = False,
    metrics: Collection[str] | None = None,
    dry_run: bool = False,
) -> Iterator[RecordsFileChange]:
    """Lock the records file, read it (only `metrics`' figures when given), and hand it over
    for one change. Every path to one file (through links too) takes the same lock, beside
    the real file. A dry run reads without the lock, so it needs no write access. The file
    is `year`'s store (named after it: the real file's name may say another).

    The real file's folder is opened once (files.disk.data_file): the lock, the clean-up, the
    read and the write all happen in it, wherever its path may lead by then."""
    folder, name = data_file(path)
    with folder:
        real = folder.path / name
        locked = lock_path(real).name
        with (
            contextlib.nullcontext() if dry_run else exclusive_lock(folder, locked, lock_timeout())
        ):
            if not dry_run:
                remove_stale_temps(folder, name)
            data = read_bytes_in(folder, name)
            if metrics is None:
                read = check_records(real, data)
            else:
                read = check_records_of(real, metrics, data)
            read = of_the_year(read, real, year)
            if read.parsed is None and read.rows is None:
                raise ValidationFailed(read.problems)
            if read.hand_edited and not accept_hand_edits:
                raise DataError("edited_by_hand", file=path.name)
            change = RecordsFileChange(folder, name, read, year)
            try:
                yield change
            except BaseException:
                change.discard()
                raise
            change.commit()
