"""A newcomer sees it work: `tltrack demo`, and a folder `init` made is found from inside."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "TLTRACK_DATA_DIR"}
    environment |= {"TLTRACK_LANG": "zh", **(env or {})}
    command = [sys.executable, "-m", "tltrack", *args]
    return subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True)


def test_the_demo_folder_works_and_says_it_is_sample_data(tmp_path: Path) -> None:
    made = run("demo", "演示", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "示例数据 814 条(均非通辽真实数据)" in made.stderr
    tries = [line.strip() for line in made.stderr.splitlines() if line.startswith("  tltrack")]
    assert len(tries) == 3
    for command in tries:  # the three commands it prints work as printed
        done = subprocess.run(
            [sys.executable, "-m", *command.split()],
            cwd=tmp_path,
            env={**os.environ, "TLTRACK_LANG": "zh"},
            capture_output=True,
            text=True,
        )
        assert done.returncode in (0, 1), (command, done.stderr)  # check exits 1 on a lag
    status = run("status", "--data-dir", "演示", "--as-of", "2025-07-20", cwd=tmp_path).stdout
    assert status.splitlines()[0].endswith("（示例数据）")
    report = json.loads(
        run("status", "--data-dir", "演示", "--format", "json", cwd=tmp_path).stdout
    )
    assert sum(report["summary"].values()) == 73 and report["summary"]["no_data"] == 0
    page = (tmp_path / "演示" / "通报.html").read_text(encoding="utf-8")
    assert "示例数据" in page.split("</h1>")[0]
    records = (tmp_path / "演示" / "2025.records.toml").read_text(encoding="utf-8")
    lines = [line for line in records.splitlines() if line.startswith("  {")]
    assert len(lines) == 814 and all('note = "示例数据"' in line for line in lines)
    again = run("demo", "演示", cwd=tmp_path)
    assert again.returncode == 73


def test_a_folder_init_made_is_found_from_inside_it(tmp_path: Path) -> None:
    assert run("init", "mine", "--catalog", cwd=tmp_path).returncode == 0
    inside = run("validate", cwd=tmp_path / "mine")
    assert inside.returncode == 0, inside.stderr
    nowhere = run("status", cwd=tmp_path)
    assert nowhere.returncode == 66
    assert "tltrack init" in nowhere.stderr and "--data-dir" in nowhere.stderr


def test_the_demo_s_chinese_table_fits_80_columns(tmp_path: Path) -> None:
    from rich.cells import cell_len

    assert run("demo", "演示", cwd=tmp_path).returncode == 0
    shown = run(
        "status", "--data-dir", "演示", "--as-of", "2025-07-20", cwd=tmp_path, env={"COLUMNS": "80"}
    ).stdout.splitlines()
    table = shown[1 : shown.index("")]  # the title above, the summary below a blank line
    assert max(cell_len(line) for line in table) <= 80
    # 较2020年下降≥13.5% folds before its sign, with nothing added between.
    assert any(line.split()[-1] == "≥13.5%" for line in table if line.strip())
    assert not any("较2020年下降 ≥13.5%" in line for line in shown)


@pytest.mark.parametrize("as_of", ["2025-07-20", "2025-10-20", "2026-01-20"])
def test_the_demo_s_english_table_fits_80_columns(tmp_path: Path, as_of: str) -> None:
    """A header is never folded: under 120 columns the English table has short ones."""
    from rich.cells import cell_len

    assert run("demo", "demo", cwd=tmp_path).returncode == 0
    shown = run(
        "status", "--data-dir", "demo", "--lang", "en", "--as-of", as_of, cwd=tmp_path,
        env={"COLUMNS": "80"},
    ).stdout.splitlines()  # fmt: skip
    table = shown[1 : shown.index("")]
    assert max(cell_len(line) for line in table) <= 80
    assert table[0].split() == ["Target", "Actual", "Goal", "Done", "Pace", "Gap", "Status"]
