"""The year turns: next year's target file started from this year's (init --from)."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

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
    assert "62 项目标，其中 2 项以 2025 年全年实际数为基数" in run.stderr
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
