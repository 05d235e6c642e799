"""Files other offices send may be broken anywhere: a workbook with a part missing, cut or
garbled, a CSV whose bytes are not the text its mark says. Each is one line and exit 65,
never an internal error, and nothing is written."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import records_file


def good_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["metric", "period", "value"])
    sheet.append(["gdp_growth", "2025-06", 5.8])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewritten(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The workbook with each part passed through `change` (None leaves the part out)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            part = change(item.filename, source.read(item))
            if part is not None:
                target.writestr(item, part)
    return out.getvalue()


def part(name: str, change: Callable[[bytes], bytes | None]) -> Callable[[bytes], bytes]:
    return lambda data: rewritten(data, lambda n, b: change(b) if n == name else b)


SHEET = "xl/worksheets/sheet1.xml"


def flipped_deflate(data: bytes) -> bytes:
    """The sheet's compressed bytes damaged in the archive itself (zlib fails, not XML)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    damaged = bytearray(data)
    for i in range(start + 2, start + 12):
        damaged[i] ^= 0xFF
    return bytes(damaged)


@pytest.mark.parametrize(
    "damage",
    [
        part(SHEET, lambda b: None),  # the sheet left out
        part(SHEET, lambda b: b[: len(b) // 2]),  # cut in half
        part(SHEET, lambda b: b.replace(b"<sheetData>", b"<sheetData><<")),
        part(SHEET, lambda b: b.replace(b't="n"><v>5.8</v>', b't="s"><v>999</v>')),
        part("[Content_Types].xml", lambda b: b"garbage"),
        part("xl/styles.xml", lambda b: b"<x"),
        part("xl/workbook.xml", lambda b: b"<x y"),
        flipped_deflate,
    ],
    ids=["no sheet", "cut", "bad xml", "string index", "content types", "styles", "book", "zlib"],
)
def test_a_broken_workbook_is_one_line(cli, data_dir: Path, tmp_path: Path, damage) -> None:
    path = tmp_path / "报送.xlsx"
    path.write_bytes(damage(good_workbook()))
    run = cli("import", str(path), "--lang", "zh")
    assert run.exit_code == 65, run.stderr
    assert run.stderr.startswith("tltrack: error: 无法读取 报送.xlsx: 不是 .xlsx 工作簿")
    assert len(run.stderr.splitlines()) == 1
    assert not records_file(data_dir).exists()


def test_a_date_out_of_range_is_the_cell_s_problem(cli, data_dir: Path, tmp_path: Path) -> None:
    """openpyxl warns of a date cell it cannot read; the user hears of the cell only."""
    path = tmp_path / "日期.xlsx"
    book = Workbook()
    book.active.append(["metric", "period", "value"])
    book.active.append(["gdp_growth", 99999999999, 5.8])
    book.active["B2"].number_format = "yyyy-mm-dd"
    book.save(path)
    run = cli("import", str(path), "--lang", "en")
    assert run.exit_code == 65
    assert run.stderr.splitlines() == [
        "日期.xlsx: row 1 (sheet row 2): bad period '#VALUE!': use YYYY, YYYY-MM (two-digit"
        " month), YYYY-Qn or YYYY-Hn, e.g. 2025-06 (nothing was imported from 日期.xlsx: 1"
        " problem(s))"
    ]


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"\xef\xbb\xbfmetric,period,value\ngdp_growth,2025-07,\xff\n", "UTF-8, but line 2"),
        (b"\xff\xfem\x00,\x00a", "UTF-16, but line 1"),  # an odd number of bytes
        ("\ufeffmetric\n".encode("utf-16-le") + b"\x00\xd8a\x00", "UTF-16, but line 2"),
    ],
    ids=["utf-8", "utf-16 odd", "utf-16 lone surrogate"],
)
def test_bytes_that_are_not_their_mark_s_text(cli, data_dir, tmp_path, data, said) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(data)
    run = cli("import", str(path), "--lang", "en")
    assert run.exit_code == 65
    encoding = said.split(",")[0]
    assert run.stderr == (
        f"tltrack: error: cannot read r.csv: it starts with the mark of {encoding} text,"
        f" but {said.split(', but ')[1]} is not {encoding}\n"
    )
    assert not records_file(data_dir).exists()
