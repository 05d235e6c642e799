"""A data folder: found (--data-dir, $TLTRACK_DATA_DIR or the nearest targets/), one year of
it opened (its target file and the store of its figures), and the files no document may
replace."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import NamedTuple

from tltrack.domain.catalog import Catalog
from tltrack.domain.figures import Record
from tltrack.domain.periods import due_period, parse_period
from tltrack.errors import CannotCreateError, Message, NoInputError, TltrackError, msg
from tltrack.files.folder import real_path
from tltrack.files.form_key import KEY_NAME
from tltrack.files.target_file import (
    TARGET_FILE_RE,
    TO_FILL,
    check_catalog,
    load_catalog,
    target_files,
    targets_to_fill,
    year_file,
)
from tltrack.stores.base import RecordStore
from tltrack.stores.choice import every_store, open_store, reading_ahead

DATA_DIR_ENV = "TLTRACK_DATA_DIR"


def _is_folder(path: Path) -> bool:
    """Path.is_dir, which raises for a name too long (ENAMETOOLONG) and the like: no folder."""
    try:
        return path.is_dir()
    except OSError:
        return False


def find_data_dir(given: Path | None, cwd: Path | None = None) -> Path:
    """--data-dir, else $TLTRACK_DATA_DIR, else the nearest targets/ in cwd or its parents."""
    if given is None and os.environ.get(DATA_DIR_ENV):
        given = Path(os.environ[DATA_DIR_ENV])
    if given is not None:
        if not _is_folder(given):
            raise NoInputError("no_data_folder", folder=given)
        return given
    start = real_path(cwd or Path.cwd())
    if any(TARGET_FILE_RE.fullmatch(p.name) for p in start.iterdir() if p.is_file()):
        return start  # a data folder is known by its <year>.toml: `init DIR; cd DIR` works
    for folder in (start, *start.parents):
        candidate = folder / "targets"
        if candidate.is_dir():
            return candidate
    raise NoInputError("no_targets_folder", folder=start)


class Workspace(NamedTuple):
    """One year's target file and the store of its figures."""

    catalog: Catalog
    store: RecordStore
    # Why a newer year's target file was passed over for this one (its targets are still to
    # be filled in), for a warning; None when the year was named or none was passed over.
    passed_over: Message | None = None

    @property
    def year(self) -> int:
        return self.catalog.year

    def records(self) -> list[Record]:
        return self.store.read()


def open_workspace(
    data_dir: Path | None,
    year: int | None,
    period_text: str | None = None,
    reads_all: bool = False,
    today: date | None = None,
) -> Workspace:
    """A year's target file and figures: `year`, else the year of `period_text` where the
    folder has its file (a late 2025-12 figure goes to 2025 when 2026 is the newest), else
    the year people can judge on `today` (see judged_year). `reads_all`: the command will
    read every figure (status, check, report), so a big records file is read ahead."""
    folder = find_data_dir(data_dir)
    if year is None and period_text is not None:
        try:
            period_year = parse_period(period_text).year
        except TltrackError:
            period_year = None  # a bad period is said by the command that reads it
        if period_year is not None and (folder / f"{period_year}.toml").is_file():
            year = period_year
    day = today or date.today()
    # The year's file as far as its name tells, so that its figures are read ahead while
    # the target files are read (judged_year reads them).
    likely = year_file(folder, year) if year is not None else _in_order(folder, day)[0]
    with reading_ahead(likely) if reads_all else _nothing_ahead() as keep_if:
        path, passed_over = (likely, None) if year is not None else judged_year(folder, day)
        catalog = load_catalog(path)
        if path == likely:  # another year's figures, read ahead, are not this one's
            keep_if(catalog.meta.store)
    return Workspace(catalog, open_store(catalog.path, catalog.meta.store), passed_over)


@contextlib.contextmanager
def _nothing_ahead() -> Iterator[Callable[[str], None]]:
    yield lambda configured: None


def _in_order(folder: Path, today: date) -> list[Path]:
    """The target files in the order the year to judge is looked for: the years with a
    period due, newest first, then the years to come, oldest first (a name no year has,
    0000.toml, is no year to judge: its file is validate's to name)."""
    files = target_files(folder)
    if not files:
        raise NoInputError("no_target_file", folder=folder)
    due = [p for p in reversed(files) if int(p.stem) and due_period(int(p.stem), today)]
    newest_due = int(due[0].stem) if due else 0
    to_come = [p for p in files if int(p.stem) > newest_due and p not in due]
    return [*due, *to_come] or files[-1:]


def judged_year(folder: Path, today: date) -> tuple[Path, Message | None]:
    """The target file of the year people can judge on `today`, when no year is named: the
    newest year with a period due (all January long, the closing year: its 全年 is what the
    month is about) whose target file is complete; a newer file whose targets are still to
    be filled in (init --from writes 待填) is passed over, and named. A file broken in any
    other way is chosen all the same, so that its problems are said, not hidden; where no
    year has a period due yet, the oldest year to come."""
    ordered = _in_order(folder, today)
    unfinished: list[tuple[Path, int]] = []
    for path in ordered:
        catalog, problems = check_catalog(path)
        if catalog is not None or not {p.message.id for p in problems} <= TO_FILL:
            break
        count, marked = targets_to_fill(path)
        if not marked:  # a finished file that lost a value: broken, said, not passed over
            break
        unfinished.append((path, count))
    else:
        return max(ordered), None  # none complete: the newest, whose problems are said
    newer = [(p, count) for p, count in unfinished if p.name > path.name]
    if not newer:
        return path, None
    skipped, count = newer[0]
    return path, msg("year_unfinished", file=skipped.name, count=count, year=path.stem)


def other_year(workspace: Workspace, year: int) -> Workspace | None:
    """The workspace of another year of the same folder, if the folder has its target file."""
    path = workspace.catalog.path.with_name(f"{year}.toml")
    if year == workspace.year or not path.is_file():
        return None
    catalog = load_catalog(path)
    return Workspace(catalog, open_store(catalog.path, catalog.meta.store))


# A year's figures are still coming in until its close-out is done: through the first
# quarter of the next year (the 全年 figures, then their corrections, 年报).
_CLOSE_OUT_MONTHS = 3


def open_years(workspace: Workspace, today: date) -> list[int]:
    """This year, and the years beside it whose target files the folder holds and whose
    figures are still coming in on `today` (a month of it is due, its close-out not over):
    the years a period written without one (1-6月) could be of. Two only at the turn of
    the year, from a new year's February to its March's end."""
    years = {int(p.stem) for p in target_files(workspace.catalog.path.parent)}
    open_now = {
        y
        for y in years
        if abs(y - workspace.year) <= 1
        and due_period(y, today) is not None
        and (today.year, today.month) <= (y + 1, _CLOSE_OUT_MONTHS)
    }
    return sorted(open_now | {workspace.year})


def last_year_store(workspace: Workspace) -> RecordStore:
    """The store of the year before, where last year's figures are (上年同期): the store its own
    target file chooses, where the folder has one that reads, else this year's choice."""
    path = workspace.catalog.path.with_name(f"{workspace.year - 1}.toml")
    configured = workspace.catalog.meta.store
    if path.is_file():
        # Last year's file is validate's to judge: this year's bulletin goes on without it.
        with contextlib.suppress(TltrackError):
            configured = load_catalog(path).meta.store
    return open_store(path, configured)


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
    in_folder = real_path(output.parent) == real_path(folder)
    named_like_data = (
        bool(TARGET_FILE_RE.fullmatch(name))
        or name == KEY_NAME
        or name.endswith(
            (
                ".records.toml",
                ".records.toml.lock",
                ".lock.held",
                ".records.sqlite",
                "-wal",
                "-shm",
                "-journal",
            )
        )
    )
    same = any(_same_file(output, p) for p in data_files)
    if same or (in_folder and named_like_data):
        raise CannotCreateError("not_a_document", path=output, folder=folder)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False
