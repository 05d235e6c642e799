"""The year turns: next year's target file started from this year's (init --from)."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import pytest

from conftest import records_file


def test_next_years_file_carries_what_stays_and_leaves_the_rest(cli, data_dir: Path) -> None:
    cli("record", "key_projects_started", "512", "--period", "2025")
    cli("record", "key_projects_started", "505", "--period", "2025", "--correct")
    cli("record", "online_service_rate", "96.1", "--period", "2025")
    cli("record", "gdp_growth", "6.2", "--period", "2025")  # a rate: not a baseline
    cli("record", "grain_output", "150", "--period", "2025-09")  # not a full-year figure
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data_dir.iterdir()}
    run = cli("init", str(data_dir), "--from", "2025", "--year", "2026")
    assert run.exit_code == 0, run.stderr
    assert "73 项目标，其中 2 项以 2025 年全年实际数为基数" in run.stderr
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data_dir.iterdir()}
    assert {k: v for k, v in after.items() if k != "2026.toml"} == before  # 2025 untouched
    old = tomllib.loads((data_dir / "2025.toml").read_text(encoding="utf-8"))
    new = tomllib.loads((data_dir / "2026.toml").read_text(encoding="utf-8"))
    assert new["meta"]["year"] == 2026 and new["meta"]["title"] == "通辽市2026年政府工作报告目标"
    assert new["meta"]["regions"] == old["meta"]["regions"]
    carried = ("id", "name", "category", "kind", "unit", "direction", "pace", "base_year")
    for was, now in zip(old["target"], new["target"], strict=True):
        for field in carried:
            assert now.get(field) == was.get(field), (was["id"], field)
        assert "target" not in now and now["quote"] == "待填"  # the new report decides
    by_id = {t["id"]: t for t in new["target"]}
    assert by_id["key_projects_started"]["baseline"] == 505.0  # the correction counts
    assert by_id["online_service_rate"]["baseline"] == 96.1
    assert "2025年全年实际数" in by_id["key_projects_started"]["baseline_quote"]
    assert "baseline" not in by_id["gdp_growth"] and "baseline" not in by_id["grain_output"]
    # validate says which targets are still empty; the year before stays valid.
    problems = cli("validate").stdout.splitlines()
    empty = [line for line in problems if line.startswith("2026.toml:") and "须有 target" in line]
    assert len(empty) == sum(1 for t in new["target"] if t["kind"] != "milestone")
    assert not [line for line in problems if line.startswith("2025.toml")]
    assert records_file(data_dir).exists()
    again = cli("init", str(data_dir), "--from", "2025", "--year", "2026")
    assert again.exit_code == 73


def test_a_late_figure_goes_to_the_year_of_its_period(cli, data_dir: Path) -> None:
    assert cli("init", str(data_dir), "--from", "2025", "--year", "2026").exit_code == 0
    run = cli("record", "key_projects_started", "505", "--period", "2025-12")
    assert run.exit_code == 0, run.stderr
    assert 'period = "2025-12", value = 505.0' in records_file(data_dir).read_text("utf-8")
    assert not (data_dir / "2026.records.toml").exists()


def test_a_file_mixing_years_is_split_by_year_all_or_nothing(cli, data_dir: Path) -> None:
    assert cli("init", str(data_dir), "--from", "2025", "--year", "2026").exit_code == 0
    text = (data_dir / "2026.toml").read_text(encoding="utf-8")
    filled = text.replace("# target = ?        # 待填: the new report's figure", "target = 300")
    (data_dir / "2026.toml").write_text(filled.replace('quote = "待填"', 'quote = "x"'), "utf-8")
    assert cli("validate").exit_code == 0
    mixed = data_dir.parent / "mixed.csv"
    mixed.write_text(
        "指标,期间,数值\nkey_projects_started,2025-12,505\nkey_projects_started,2026-01,30\n",
        encoding="utf-8",
    )
    bad = data_dir.parent / "bad.csv"
    bad.write_text(mixed.read_text(encoding="utf-8") + "gdp_growth,2026-02,abc\n", "utf-8")
    refused = cli("import", str(bad))
    assert refused.exit_code == 65
    assert not records_file(data_dir).exists() and not (data_dir / "2026.records.toml").exists()
    run = cli("import", str(mixed))
    assert run.exit_code == 0, run.stderr
    assert 'period = "2025-12", value = 505.0' in records_file(data_dir).read_text("utf-8")
    in_2026 = (data_dir / "2026.records.toml").read_text("utf-8")
    assert 'period = "2026-01", value = 30.0' in in_2026 and "2025-12" not in in_2026


def test_status_says_which_year_and_how_to_pick_another(cli, data_dir: Path) -> None:
    assert "--year" not in cli("status").stdout
    assert cli("init", str(data_dir), "--from", "2025", "--year", "2026").exit_code == 0
    shown = cli("status", "--year", "2025").stdout
    assert shown.rstrip().endswith("以上为 2025 年；本目录另有 2026 年的目标文件，可用 --year 查看")


def test_next_year_from_inside_the_data_folder(
    cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`init --from 2025 --year 2026` run where the target files are (no folder named, no
    TLTRACK_DATA_DIR) starts 2026 there, as `status` would find the folder; it looked for
    ./targets (exit 70, then 66)."""
    monkeypatch.delenv("TLTRACK_DATA_DIR")
    monkeypatch.chdir(data_dir)
    run = cli("init", "--from", "2025", "--year", "2026")
    assert run.exit_code == 0, run.stderr
    assert (data_dir / "2026.toml").is_file()
    assert not (data_dir / "targets").exists()
