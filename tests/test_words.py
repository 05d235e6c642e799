"""The words and figures of what a Chinese official reads: encodings Excel opens, projections
to the target's precision, a milestone's progress kept, the year's end, 同比."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import SHIPPED_TARGETS


def test_a_csv_for_chinese_excel(cli, data_dir: Path) -> None:
    cli("record", "key_projects_started", "421", "--period", "2025-06")
    env = {**os.environ, "TLTRACK_DATA_DIR": str(data_dir)}

    def csv_bytes(*args: str) -> bytes:
        command = [sys.executable, "-m", "tltrack", "status", "--format", "csv", *args]
        return subprocess.run(command, env=env, capture_output=True, check=True).stdout

    for encoding, start in (("gb18030", b"id,name"), ("utf-8-sig", b"\xef\xbb\xbfid,name")):
        data = csv_bytes("--encoding", encoding)
        assert data.startswith(start)
        assert "key_projects_started,开复工重点项目,421," in data.decode(encoding)
    assert "开复工重点项目".encode("gb18030") in csv_bytes("--encoding", "gb18030")
    assert csv_bytes().startswith(b"id,name")  # scripts get UTF-8 without a BOM


def test_projections_to_the_targets_precision(cli) -> None:
    cli("record", "key_projects_started", "205", "--period", "2025-05")  # 205 / 0.65 = 315.4
    cli("record", "key_projects_started", "223", "--period", "2025-05", "--correct")
    table = cli("status", "--as-of", "2025-06-10", "--category", "项目与投资").stdout
    line = next(line for line in table.splitlines() if "开复工重点项目" in line)
    assert "343个" in line and "343.1" not in line  # 223 / 0.65 = 343.1: the target is whole


def test_a_milestone_not_done_keeps_its_progress(cli) -> None:
    cli("record", "gahaishan_reservoir", "60%", "--period", "2025-05")
    run = cli("record", "gahaishan_reservoir", "未完成", "--period", "2025-06", "--format", "json")
    assert json.loads(run.stdout)["actual"] == 60.0
    history = json.loads(cli("history", "gahaishan_reservoir", "--format", "json").stdout)
    assert [p["value"] for p in history["periods"]] == [60.0, 60.0]


def test_a_missed_target_is_said_by_its_completion_and_not_drawn_full(cli) -> None:
    cli("record", "key_projects_started", "481", "--period", "2025")
    md = cli("report", "--as-of", "2026-01-20").stdout
    assert "开复工重点项目：481个（2025年），未完成，完成96.2%" in md
    table = cli("status", "--as-of", "2026-01-20", "--category", "项目与投资").stdout
    line = next(line for line in table.splitlines() if "开复工重点项目" in line)
    assert "█████████░ 96.2%" in line


def test_after_the_year_the_bulletin_speaks_of_the_whole_year(cli) -> None:
    cli("record", "key_projects_started", "505", "--period", "2025")
    cli("record", "gdp_growth", "5.9", "--period", "2025-Q3")  # no full-year figure yet
    md = cli("report", "--as-of", "2026-01-20").stdout
    assert "2025年全年，全市73项目标任务中，已完成1项" in md
    assert "未填报72项（其中未报全年数据1项）" in md
    assert md.startswith("# 通辽市2025年政府工作报告目标 年度目标完成情况通报")
    assert "| 地区生产总值增长 | 5.9% | 2025-Q3\\* | ≥6% |" in md and "| 未报全年数据 |" in md
    report = json.loads(cli("status", "--as-of", "2026-01-20", "--format", "json").stdout)
    gdp = next(t for t in report["targets"] if t["id"] == "gdp_growth")
    assert (gdp["status"], gdp["actual"]) == ("no_data", 5.9)


def test_last_years_figures_give_the_change(cli, data_dir: Path) -> None:
    shutil.copy(SHIPPED_TARGETS / "2025.toml", data_dir / "2025.toml")
    (data_dir / "2024.records.toml").write_text(
        "record = [\n"
        '  { metric = "key_projects_started", period = "2024-06", value = 390.0, note = "", '
        'by = "x", at = 2024-07-05T08:00:00+08:00 },\n]\n',
        encoding="utf-8",
    )
    cli("record", "key_projects_started", "421", "--period", "2025-06")
    md = cli("report", "--as-of", "2025-07-20").stdout
    header = next(line for line in md.splitlines() if line.startswith("| 指标 |"))
    assert header.endswith("| 状态 | 上年同期 | 同比 |")
    row = next(line for line in md.splitlines() if line.startswith("| 开复工重点项目 |"))
    assert row.endswith("| 进度正常 | 390个 | +7.9% |")  # 421 / 390 - 1


def test_no_english_status_word_in_a_chinese_bulletin(month) -> None:
    md = month("report", "--as-of", "2025-07-20").stdout
    words = re.findall(r"[A-Za-z_]{3,}", md)
    assert not {"on_track", "behind", "at_risk", "missed", "achieved", "ahead"} & set(words)
