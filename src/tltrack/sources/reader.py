"""The one way into a file someone sends: the reader of its format, chosen by its suffix, reads
it once and gives its figure rows or its form (see rows.SourceFile)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from tltrack.errors import DataError, NoInputError
from tltrack.files.disk import read_bytes
from tltrack.sources.csv_file import read_csv
from tltrack.sources.json_file import read_json
from tltrack.sources.rows import MAX_FILE_BYTES, SourceFile
from tltrack.sources.xlsx_file import read_xlsx

# The files a folder given to `import` holds: figure files and returned forms. Excel's lock
# files (~$name.xlsx) and hidden files are not forms.
IMPORT_SUFFIXES = (".xlsx", ".csv", ".tsv", ".txt", ".json")


def read_source(
    path: Path, follow: bool = True, chosen: Mapping[str, str] | None = None
) -> SourceFile:
    """What one file holds. `follow` False: a link is refused (see files.disk.read_bytes);
    `chosen`: the columns --map names."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".json", ".csv", ".txt", ".tsv", ""):
        raise DataError("import_suffix", file=path.name)
    data = read_bytes(path, MAX_FILE_BYTES, follow)
    if suffix == ".xlsx":
        read = read_xlsx(path, data, chosen or {})
    elif suffix == ".json":
        read = read_json(path, data, chosen or {})
    else:
        read = read_csv(path, data, chosen or {})
    # The bytes read are the ones the figures came from: their digest names the file sent.
    return read._replace(sha256=hashlib.sha256(data).hexdigest())


def import_files(paths: Sequence[Path]) -> list[tuple[Path, bool]]:
    """The files named, with each folder replaced by the figure files directly in it, in
    name order, each with whether a link may be followed to it: a file named is read as
    named; a link inside a folder is not followed, not even one swapped in after listing."""
    files: list[tuple[Path, bool]] = []
    for path in paths:
        if not path.is_dir():
            files.append((path, True))
            continue
        inside = sorted(
            p
            for p in path.iterdir()
            if p.suffix.lower() in IMPORT_SUFFIXES
            and not p.name.startswith((".", "~$"))
            and not p.is_symlink()
            and p.is_file()
        )
        if not inside:
            raise NoInputError("no_files_in", folder=path)
        files += [(p, False) for p in inside]
    return list(dict.fromkeys(files))
