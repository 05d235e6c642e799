"""`tltrack migrate`: a year's figures copied from one store into the other, checked figure
by figure."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from tltrack.domain.figures import Record
from tltrack.errors import (
    CannotCreateError,
    UsageError,
)
from tltrack.files.target_file import TARGET_FILE_RE, target_files
from tltrack.stores.choice import STORE_ENV, STORES, every_store, store_of_kind


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
