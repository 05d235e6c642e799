"""A store as a whole: `repair` puts a hand-edited records file back into tltrack's form,
`migrate` copies a year's figures into the other store of the folder."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from tltrack.domain.figures import Record
from tltrack.errors import CannotCreateError
from tltrack.files.disk import put_in_place, remove_file
from tltrack.stores.choice import STORES, folder_store
from tltrack.workspace.folder import Workspace


class RepairResult(NamedTuple):
    store: str
    backup: Path | None  # the hand-edited original, kept; None when nothing needed repair
    figures: int


def repair(workspace: Workspace, now: datetime | None = None) -> RepairResult:
    """Rewrite a hand-edited records file in tltrack's own form, keeping every figure it
    holds and a copy of the edited original beside it."""
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    outcome = workspace.store.repair(moment)
    return RepairResult(workspace.store.name, outcome.backup, outcome.figures)


class Migration(NamedTuple):
    source: str
    target: str
    figures: int


def migrate(target_file: Path, kind: str) -> Migration:
    """Copy every figure of a year from its other store into the `kind` store, which must not
    be there yet, and read them back to compare figure by figure; the source is kept.

    The copy is made beside the store under a name of its own and takes the store's name only
    once it reads back the same, and never over a file there (a writer that made the store
    meanwhile keeps it): a store that is there was checked. A copy stopped halfway (a full
    disk, an error) leaves nothing; one killed outright leaves only its staging file."""
    target = folder_store(target_file, kind)
    source = folder_store(target_file, next(k for k in STORES if k != kind))
    held = target.read()
    if held:
        raise CannotCreateError("store_not_empty", file=target.name, count=len(held))
    final = target.paths()[0]
    if final.exists() or final.is_symlink():  # no figures, but a file: not this run's to drop
        raise CannotCreateError("store_in_the_way", file=target.name)
    figures = source.read()
    staged_as = target_file.with_name(
        f"{target_file.stem}.migrating-{os.urandom(4).hex()}{target_file.suffix}"
    )
    staging = folder_store(staged_as, kind)
    try:
        with staging.change() as change:
            if figures:
                change.append(figures)
        if list(map(_exact, staging.read())) != list(map(_exact, figures)):
            raise CannotCreateError("migrate_mismatch", file=target.name)
        staged, *beside = staging.paths()
        if staged.exists():
            if any(_holds_changes(p) for p in beside):  # only the database file moves
                raise CannotCreateError("migrate_mismatch", file=target.name)
            put_in_place(staged, final)
    finally:
        for path in staging.paths():
            remove_file(path)
    return Migration(source.name, target.name, len(figures))


def _holds_changes(path: Path) -> bool:
    """A SQLite -wal or -journal file that holds what is not in the database yet."""
    try:
        return path.name.endswith(("-wal", "-journal")) and path.stat().st_size > 0
    except FileNotFoundError:
        return False


def _exact(record: Record) -> tuple[object, ...]:
    """A figure as compared after a copy: -0.0 is not 0.0, and 10:00+08:00 is not 02:00Z."""
    return (*record, repr(record.value), record.at.isoformat())
