"""Files within the size limit that would unfold into millions of objects: each is refused
early, with one line and exit 65, in a process held to 512 MiB of address space (the cases of
an attacker's read took minutes and up to 18 GB before). bench/ has no timing of these: the
bound is what is tested, not the speed."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

LIMIT = 512 << 20  # bytes of address space: a run of tltrack needs far less


def _keys_json(path: Path) -> None:  # every item its own key: every row a cell for each
    path.write_text(json.dumps([{f"k{i}": 1} for i in range(50_000)]), encoding="utf-8")


def _empty_items_json(path: Path) -> None:  # 60 MB of {}: 20 million dicts
    path.write_text("[" + ",".join(["{}"] * 20_000_000) + "]", encoding="utf-8")


def _numbers_json(path: Path) -> None:
    path.write_text("[" + ",".join(["1"] * 25_000_000) + "]", encoding="utf-8")


def _unclosed_quotes_json(path: Path) -> None:  # a quote, then 2 MB of escaped quotes
    path.write_text('"' + '\\"' * 1_000_000, encoding="utf-8")


def _astral_json(path: Path) -> None:  # 64 MB: one long text with a character past U+FFFF
    text = '{"records":[{"metric":"' + "a" * (64 * 1024 * 1024 - 100) + '\U0001f600"}]}'
    path.write_text(text, encoding="utf-8")


def _quotes_json(path: Path) -> None:  # 60 MB of quotes: a check that split on them
    path.write_bytes(b'"' * 60_000_000)  # made a list of 60 million, gigabytes


def _wide_blank_csv(path: Path) -> None:  # 60 MB of blank 200-column rows
    path.write_text("metric,period,value\n" + ("," * 199 + "\n") * 300_000, encoding="utf-8")


def _blank_csv(path: Path) -> None:  # blank rows as wide as allowed
    path.write_text("metric,period,value\n" + ("," * 63 + "\n") * 900_000, encoding="utf-8")


def _edited_xlsx(
    path: Path,
    edit: Callable[[str, bytes], tuple[str, bytes]],
    more: dict[str, bytes] | None = None,
) -> None:
    """A workbook of one header row as openpyxl saves it, each part passed through `edit`
    (its name and bytes, to change either), and `more` parts."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["metric", "period", "value"])
    plain = path.with_name("plain.xlsx")
    workbook.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            name, data = edit(info.filename, source.read(info.filename))
            out.writestr(name, data)
        for name, data in (more or {}).items():
            out.writestr(name, data)


_EMPTY_ROWS = b"</row>" + (b"<row>" + b"<c/>" * 64 + b"</row>") * 250_000 + b"</sheetData>"


def _cells_xlsx(path: Path) -> None:  # 250,000 rows of 64 empty cells: 300 KB zipped
    def edit(name: str, data: bytes) -> tuple[str, bytes]:
        if name == "xl/worksheets/sheet1.xml":
            data = data.replace(b"</row></sheetData>", _EMPTY_ROWS)
        return name, data

    _edited_xlsx(path, edit)


def _cells_elsewhere_xlsx(path: Path) -> None:  # the same sheet, at a path its relation names
    def edit(name: str, data: bytes) -> tuple[str, bytes]:
        data = data.replace(b"/xl/worksheets/sheet1.xml", b"/xl/elsewhere.xml")
        data = data.replace(b'Target="worksheets/sheet1.xml"', b'Target="elsewhere.xml"')
        if name == "xl/worksheets/sheet1.xml":
            return "xl/elsewhere.xml", data.replace(b"</row></sheetData>", _EMPTY_ROWS)
        return name, data

    _edited_xlsx(path, edit)


def _styles_xlsx(path: Path) -> None:  # 400,000 cell formats: openpyxl reads them all at once
    def edit(name: str, data: bytes) -> tuple[str, bytes]:
        if name == "xl/styles.xml":
            data = data.replace(b"</cellXfs>", b"<xf/>" * 400_000 + b"</cellXfs>")
        return name, data

    _edited_xlsx(path, edit)


def _shared_texts_xlsx(path: Path) -> None:  # 700,000 shared texts
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"

    def edit(name: str, data: bytes) -> tuple[str, bytes]:
        if name == "[Content_Types].xml":
            part = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/></Types>'
            data = data.replace(b"</Types>", part.encode())
        return name, data

    texts = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>a</t></si>" * 700_000
        + b"</sst>"
    )
    _edited_xlsx(path, edit, {"xl/sharedStrings.xml": texts})


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "keys.json": (_keys_json, "its items use more than 64 different keys"),
    "empty.json": (_empty_items_json, "it holds over 300,000 rows of figures"),
    "numbers.json": (_numbers_json, "it holds more than 4,800,000 values"),
    "quotes.json": (_unclosed_quotes_json, "not valid UTF-8 JSON (Unterminated string"),
    "all-quotes.json": (_quotes_json, "not valid UTF-8 JSON (Extra data"),
    "wide.csv": (_wide_blank_csv, "line 2 has 200 cells; a file of figures has at most 64"),
    "blank.csv": (_blank_csv, "it holds more than 4,800,000 cells"),
    "cells.xlsx": (_cells_xlsx, "it holds more than 4,800,000 cells"),
    "elsewhere.xlsx": (_cells_elsewhere_xlsx, "it holds more than 4,800,000 cells"),
    "styles.xlsx": (_styles_xlsx, "its styles part holds more than 300,000 entries"),
    "texts.xlsx": (_shared_texts_xlsx, "its shared texts part holds more than 600,000 entries"),
    "astral.json": (_astral_json, "it holds a text of over 10,000 characters"),
}


def _held_to_the_limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


@pytest.mark.linux_only
@pytest.mark.parametrize("name", list(CASES))
def test_a_file_that_would_unfold_is_refused_early(tmp_path: Path, data_dir: Path, name: str):
    make, said = CASES[name]
    path = tmp_path / name
    make(path)
    env = {**os.environ, "TLTRACK_DATA_DIR": str(data_dir), "TLTRACK_LANG": "en"}
    run = subprocess.run(
        [sys.executable, "-m", "tltrack", "import", str(path)],
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=_held_to_the_limit,
        timeout=60,
    )
    assert run.returncode == 65, run.stderr[-500:]
    assert run.stderr.startswith(("tltrack: error: cannot import ", "tltrack: error: cannot read "))
    assert f" {name}: " in run.stderr
    assert said in run.stderr and run.stderr.count("\n") == 1
    assert not any(data_dir.glob("*.records.*"))
