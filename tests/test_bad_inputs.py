"""A catalogue of bad inputs across record, import, status, validate and hand-written target
files. Each one: the documented exit code, exactly one line on stderr, no traceback, and not
one byte changed in the data folder."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SHIPPED_TARGETS
from tltrack.errors import TltrackError
from tltrack.files.target_file import check_catalog

Prepare = Callable[[Path, Path], None]


def _nothing(data_dir: Path, tmp: Path) -> None:
    pass


def _write(name: str, content: bytes | str) -> Prepare:
    def prepare(data_dir: Path, tmp: Path) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        (tmp / name).write_bytes(data)

    return prepare


def _edit_targets(old: str, new: str) -> Prepare:
    def prepare(data_dir: Path, tmp: Path) -> None:
        path = data_dir / "2025.toml"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return prepare


def _target_bytes(data: bytes) -> Prepare:
    def prepare(data_dir: Path, tmp: Path) -> None:
        (data_dir / "2025.toml").write_bytes(data)

    return prepare


def _dangling_records_link(data_dir: Path, tmp: Path) -> None:
    path = data_dir / "2025.records.toml"
    path.unlink()
    path.symlink_to(tmp / "nowhere.toml")


def _edit_records(old: str, new: str) -> Prepare:
    def prepare(data_dir: Path, tmp: Path) -> None:
        path = data_dir / "2025.records.toml"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return prepare


def _hand_edit_records(data_dir: Path, tmp: Path) -> None:
    path = data_dir / "2025.records.toml"
    path.write_text(path.read_text(encoding="utf-8") + "# checked\n", encoding="utf-8")


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    code: int
    prepare: Prepare = field(default=_nothing)


def record(*args: str, code: int = 65, prepare: Prepare = _nothing) -> tuple[str, ...]:
    return ("record", *args)


CSV_HEADER = "metric,period,value\n"
SHIPPED = (SHIPPED_TARGETS / "2025.toml").read_bytes()

CASES = [
    # record: values
    Case("nan", ("record", "gdp_growth", "nan", "--period", "2025-06"), 65),
    Case("NaN", ("record", "gdp_growth", "NaN", "--period", "2025-06"), 65),
    Case("inf", ("record", "gdp_growth", "inf", "--period", "2025-06"), 65),
    # A leading "-" with letters reads as short options (-I -n -f ...): a usage error.
    Case("-infinity", ("record", "gdp_growth", "-Infinity", "--period", "2025-06"), 2),
    Case("-nan", ("record", "gdp_growth", "-nan", "--period", "2025-06"), 65),
    Case("1e309", ("record", "gdp_growth", "1e309", "--period", "2025-06"), 65),
    Case("-1e309", ("record", "gdp_growth", "-1e309", "--period", "2025-06"), 65),
    Case("empty", ("record", "gdp_growth", "", "--period", "2025-06"), 65),
    Case("blank", ("record", "gdp_growth", "   ", "--period", "2025-06"), 65),
    Case("chinese numeral", ("record", "grain_output", "二百", "--period", "2025"), 65),
    Case("mixed numeral", ("record", "grain_output", "2百", "--period", "2025"), 65),
    Case("thousands comma", ("record", "key_projects_investment", "1,686", "--period", "2025"), 65),
    Case(
        "full-width comma", ("record", "key_projects_investment", "1，686", "--period", "2025"), 65
    ),
    Case(
        "full-width digits, comma",
        ("record", "housing_sales", "１，６８６", "--period", "2025"),
        65,
    ),
    Case("arabic-indic digits", ("record", "gdp_growth", "٥٫٨", "--period", "2025-06"), 65),
    Case("devanagari digit", ("record", "gdp_growth", "५", "--period", "2025-06"), 65),
    Case(
        "percent on a count", ("record", "key_projects_started", "5.8%", "--period", "2025-06"), 65
    ),
    Case("hex", ("record", "key_projects_started", "0x10", "--period", "2025-06"), 65),
    Case("two points", ("record", "gdp_growth", "5.8.1", "--period", "2025-06"), 65),
    Case("huge string", ("record", "gdp_growth", "x" * 1_000_000, "--period", "2025-06"), 65),
    Case("BOM in a value", ("record", "gdp_growth", "\ufeff5.8", "--period", "2025-06"), 65),
    Case("negative total", ("record", "key_projects_started", "-5", "--period", "2025-06"), 65),
    Case("milestone word", ("record", "gahaishan_reservoir", "maybe"), 65),
    Case("milestone 150%", ("record", "gahaishan_reservoir", "150"), 65),
    # record: periods, metric, notes
    Case("month 13", ("record", "gdp_growth", "5.8", "--period", "2025-13"), 65),
    Case("quarter 5", ("record", "gdp_growth", "5.8", "--period", "2025-Q5"), 65),
    Case("one-digit month", ("record", "gdp_growth", "5.8", "--period", "2025-1"), 65),
    Case("month 00", ("record", "gdp_growth", "5.8", "--period", "2025-00"), 65),
    Case("other year", ("record", "gdp_growth", "5.8", "--period", "2024-06"), 65),
    Case("full-width period", ("record", "gdp_growth", "5.8", "--period", "２０２５-06"), 65),
    Case("unknown metric", ("record", "gdp_grwoth", "5.8", "--period", "2025-06"), 2),
    Case(
        "lone surrogate note",
        ("record", "gdp_growth", "5.8", "--period", "2025-06", "--note", "a\ud800b"),
        65,
    ),
    Case(
        "newline in note",
        ("record", "gdp_growth", "5.8", "--period", "2025-06", "--note", "a\nb"),
        65,
    ),
    Case(
        "huge note",
        ("record", "gdp_growth", "5.8", "--period", "2025-06", "--note", "x" * 5000),
        65,
    ),
    Case(
        "control char in by",
        ("record", "gdp_growth", "5.8", "--period", "2025-06", "--by", "a\x07"),
        65,
    ),
    Case("another value, no --correct", ("record", "gdp_growth", "5.9", "--period", "2025-H1"), 65),
    Case("missing value", ("record", "gdp_growth"), 2),
    # import
    Case(
        "import: neither UTF-8 nor GB18030",
        ("import", "{tmp}/bad.csv"),
        65,
        _write("bad.csv", CSV_HEADER.encode() + b"gdp_growth,2025-06,\x81\x30\n"),
    ),
    Case("import: missing file", ("import", "{tmp}/none.csv"), 66),
    Case(
        "import: unknown column",
        ("import", "{tmp}/u.csv"),
        65,
        _write("u.csv", "metric,period,vaule\ngdp_growth,2025-06,5\n"),
    ),
    Case(
        "import: one bad row",
        ("import", "{tmp}/r.csv"),
        65,
        _write("r.csv", CSV_HEADER + "gdp_growth,2025-06,5.8\nhousing_sales,2025-06,nan\n"),
    ),
    Case(
        "import: a changed figure",
        ("import", "{tmp}/c.csv"),
        65,
        _write("c.csv", CSV_HEADER + "gdp_growth,2025-H1,6.0\n"),
    ),
    Case(
        "import: not a workbook",
        ("import", "{tmp}/x.xlsx"),
        65,
        _write("x.xlsx", b"PK\x03\x04junk"),
    ),
    Case(
        "import: JSON not a list",
        ("import", "{tmp}/j.json"),
        65,
        _write("j.json", json.dumps({"metric": "gdp_growth"})),
    ),
    Case("import: empty file", ("import", "{tmp}/e.csv"), 65, _write("e.csv", b"")),
    Case(
        "import: duplicate TOML-like garbage",
        ("import", "{tmp}/g.csv"),
        65,
        _write("g.csv", '"unterminated\n'),
    ),
    # status and check
    Case("status: bad date", ("status", "--as-of", "2025-13-01"), 2),
    Case("status: bad status", ("status", "--status", "late"), 2),
    Case("status: bad category", ("status", "--category", "农业"), 2),
    Case("status: bad format", ("status", "--format", "xml"), 2),
    Case("status: missing data folder", ("status", "--data-dir", "{tmp}/nowhere"), 66),
    Case("status: no target file for the year", ("status", "--year", "2024"), 66),
    Case("check: bad level", ("check", "--fail-on", "late"), 2),
    # hand-written target files
    Case(
        "target: duplicate TOML key",
        ("status",),
        65,
        _edit_targets('id = "gdp_growth"', 'id = "gdp_growth"\nid = "gdp"'),
    ),
    Case(
        "target: wrong type", ("status",), 65, _edit_targets("target = 500\n", 'target = "500"\n')
    ),
    Case(
        "target: unknown field",
        ("status",),
        65,
        _edit_targets('id = "gdp_growth"', 'id = "gdp_growth"\ncolour = "red"'),
    ),
    Case("target: not UTF-8", ("status",), 65, _target_bytes(SHIPPED.decode().encode("gb18030"))),
    Case(
        "target: lone CR",
        ("status",),
        65,
        _target_bytes(SHIPPED.replace(b"\n[meta]", b"\r[meta]", 1)),
    ),
    Case(
        "target: missing meta",
        ("status",),
        65,
        _target_bytes(SHIPPED.replace(b"[meta]\nyear = 2025", b"[info]\nyear = 2025", 1)),
    ),
    Case(
        "target: duplicate id",
        ("status",),
        65,
        _edit_targets('id = "fixed_asset', 'id = "gdp_growth"\n# "'),
    ),
    Case(
        "validate: broken target file",
        ("validate",),
        65,
        _edit_targets('kind = "growth"', 'kind = "speed"'),
    ),
    # the records file
    Case(
        "records: dangling link",
        ("record", "gdp_growth", "5.8", "--period", "2025-06"),
        66,
        _dangling_records_link,
    ),
    Case(
        "records: an integer of 5,000 digits",
        ("status",),
        65,
        _edit_records("value = 5.8", "value = " + "9" * 5000),
    ),
    Case(
        "target file: an integer of 4,301 digits",
        ("validate",),
        65,
        _edit_targets("target = 6\n", "target = " + "9" * 4301 + "\n"),
    ),
    Case("init --from: no such folder", ("init", "{tmp}/new", "--from", "2025"), 66),
    Case("init --from: a file", ("init", "{tmp}/r.csv", "--from", "2025"), 66, _write("r.csv", "")),
    Case("name: U+FFFF", ("validate",), 65, _edit_targets("生产总值增长", "生产总值增长\uffff")),
    Case(
        "name: U+FFFE, Word bulletin",
        ("report", "-o", "{tmp}/r.docx", "--as-of", "2025-07-20"),
        65,
        _edit_targets("生产总值增长", "生产总值增长\ufffe"),
    ),
    Case(
        "records: edited by hand",
        ("record", "gdp_growth", "5.8", "--period", "2025-06"),
        65,
        _hand_edit_records,
    ),
]


def _snapshot(folder: Path) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        if path.name.endswith(".lock"):
            continue
        if path.is_symlink():
            out[str(path)] = f"link -> {path.readlink()}"
        elif path.is_file():
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_input(cli, data_dir: Path, tmp_path: Path, case: Case, lang: str) -> None:
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    case.prepare(data_dir, tmp_path)
    before = _snapshot(data_dir)
    args = [a.replace("{tmp}", str(tmp_path)) for a in case.args]
    result = cli(*args, "--lang", lang)
    assert result.exit_code == case.code, result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(
        ("tltrack: error: ", "1 problem", "2 problem", "1 个文件", "2 个文件", "r.csv:", "c.csv:")
    ), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert _snapshot(data_dir) == before
    if lang == "zh":
        assert english_words(result.stderr) == [], result.stderr


# What a Chinese error line may hold in Latin letters: what the user typed or named (quoted
# values, file names, ids, option names), the fixed prefix scripts look for, and the formats
# and keywords a user types.
_TYPED = re.compile(
    r"'[^']*'|\"[^\"]*\"|\S+\.(csv|json|xlsx|toml|txt|tsv|md)\b|\S*/\S*|--?[a-z-]+|"
    r"\b[a-z][a-z0-9]*(_[a-z0-9]+)+\b|tltrack: error:|tltrack|TLTRACK_\w+|README|"
    r"YYYY(-MM-DD|-MM|-Qn|-Hn)?|\b\d{4}-(Q|H)\d\b|UTF-(8|16)|GB18030|JSON|TOML|CSV|xlsx|"
    r"done|not done|nan|infinity|true|false|FILE|Repairing a records file|Target files|"
    r"0x[0-9a-f]+|\b(metric|period|value|note|by|unit|records|id|name|region|owner|reporter|"
    r"explanation)\b|"
    r"\b(achieved|ahead|on_track|behind|at_risk|missed|no_data|stale)\b|"
    r"\btester\b"  # the recorder's name the tests give (data, not words)
)


def english_words(line: str) -> list[str]:
    return re.findall(r"[A-Za-z]{2,}", _TYPED.sub(" ", line))


# --- fuzzing the target-file loader with mutations of the shipped catalog ----------------------

LINES = SHIPPED.decode("utf-8").splitlines(keepends=True)


@st.composite
def mutated_catalog(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "duplicate", "swap", "garble", "replace_value"]))
        if action == "drop":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "garble":
            line = lines[index]
            at = draw(st.integers(0, max(0, len(line) - 1)))
            lines[index] = line[:at] + draw(st.text(max_size=3)) + line[at + 1 :]
        elif "=" in lines[index]:
            key = lines[index].split("=", 1)[0]
            value = draw(
                st.sampled_from(
                    [
                        '"x"',
                        "-1",
                        "nan",
                        "inf",
                        "1e400",
                        "[]",
                        "{}",
                        "true",
                        '"at_most"',
                        "2025-01-01",
                        '"year_end"',
                        "[0.5, 0.1]",
                        '""',
                        "0",
                    ]
                )
            )
            lines[index] = f"{key}= {value}\n"
    return "".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated_catalog())
def test_a_mutated_catalog_loads_or_fails_cleanly(tmp_path_factory, text: str) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "2025.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        catalog, problems = check_catalog(path)
    except TltrackError:
        return
    if catalog is None:
        assert problems and all(str(p).startswith("2025.toml") for p in problems)
    else:
        assert catalog.targets and not problems
