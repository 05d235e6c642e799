"""Files within the size limit that would unfold into millions of objects: each is refused
early, with one line and exit 65, in a process held to 1 GiB of address space (the cases of
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

GIB = 1 << 30


def _keys_json(path: Path) -> None:  # every item its own key: every row a cell for each
    path.write_text(json.dumps([{f"k{i}": 1} for i in range(50_000)]), encoding="utf-8")


def _empty_items_json(path: Path) -> None:  # 60 MB of {}: 20 million dicts
    path.write_text("[" + ",".join(["{}"] * 20_000_000) + "]", encoding="utf-8")


def _numbers_json(path: Path) -> None:
    path.write_text("[" + ",".join(["1"] * 25_000_000) + "]", encoding="utf-8")


def _unclosed_quotes_json(path: Path) -> None:  # a quote, then 2 MB of escaped quotes
    path.write_text('"' + '\\"' * 1_000_000, encoding="utf-8")


def _wide_blank_csv(path: Path) -> None:  # 60 MB of blank 200-column rows
    path.write_text("metric,period,value\n" + ("," * 199 + "\n") * 300_000, encoding="utf-8")


def _blank_csv(path: Path) -> None:  # blank rows as wide as allowed
    path.write_text("metric,period,value\n" + ("," * 63 + "\n") * 900_000, encoding="utf-8")


def _cells_xlsx(path: Path) -> None:  # 250,000 rows of 64 empty cells: 300 KB zipped
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["metric", "period", "value"])
    plain = path.with_name("plain.xlsx")
    workbook.save(plain)
    rows = ("<row>" + "<c/>" * 64 + "</row>") * 250_000
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"</row></sheetData>", b"</row>" + rows.encode() + b"</sheetData>"
                )
            out.writestr(info, data)


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "keys.json": (_keys_json, "its items use more than 64 different keys"),
    "empty.json": (_empty_items_json, "it holds over 300,000 rows of figures"),
    "numbers.json": (_numbers_json, "it holds more than 2,400,000 values"),
    "quotes.json": (_unclosed_quotes_json, "not valid UTF-8 JSON (Unterminated string"),
    "wide.csv": (_wide_blank_csv, "line 2 has 200 cells; a file of figures has at most 64"),
    "blank.csv": (_blank_csv, "it holds more than 3,000,000 cells"),
    "cells.xlsx": (_cells_xlsx, "it holds more than 3,000,000 cells"),
}


def _held_to_a_gib() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (GIB, GIB))


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
        preexec_fn=_held_to_a_gib,
        timeout=60,
    )
    assert run.returncode == 65, run.stderr[-500:]
    assert run.stderr.startswith(("tltrack: error: cannot import ", "tltrack: error: cannot read "))
    assert f" {name}: " in run.stderr
    assert said in run.stderr and run.stderr.count("\n") == 1
    assert not any(data_dir.glob("*.records.*"))
