"""What changes when a folder holds a province's thousands of targets: the bulletin sums up,
the xlsx keeps every row, an import says counts."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest


@pytest.fixture
def province(cli, data_dir: Path):
    """320 totals in 4 categories, each behind by its own margin at June."""
    lines = ["[meta]", "year = 2025", 'title = "示例省级目标"', ""]
    for i in range(320):
        lines += [
            "[[target]]",
            f'id = "t{i:03d}"',
            f'name = "指标{i:03d}"',
            f'category = "类别{i % 4}"',
            'kind = "cumulative"',
            "target = 1000",
            'unit = "个"',
            'quote = "示例"',
            "",
        ]
    (data_dir / "2025.toml").write_text("\n".join(lines), encoding="utf-8")
    figures = data_dir.parent / "june.csv"
    with figures.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["metric", "period", "value"])
        for i in range(320):
            writer.writerow([f"t{i:03d}", "2025-06", 200 + i])  # 20%..51.9% against 50%
    run = cli("import", str(figures))
    assert run.exit_code == 0, run.stderr
    assert run.stdout == ""  # counts for people, not 320 rows
    assert run.stderr.endswith("新增 320，未变 0，更正 0\n")
    return cli


def test_a_large_bulletin_sums_up_each_category(province, tmp_path: Path) -> None:
    out = tmp_path / "通报.html"
    assert province("report", "--as-of", "2025-07-20", "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "目标共 320 项：以下各类列出各状态项数及滞后最多的 20 项" in page
    assert page.count("<tr data-id=") == 4 * 20  # the 20 worst of each category
    # 类别0 holds t000, t004, …: its worst is the lowest figure, t000 at 20%.
    first = page.index("<h2>类别0</h2>")
    assert page.index('data-id="t000"', first) < page.index('data-id="t004"', first)
    assert "80项目标中，已完成0项，占0%" in page


def test_the_xlsx_keeps_every_row(province, tmp_path: Path) -> None:
    out = tmp_path / "通报.xlsx"
    assert province("report", "--as-of", "2025-07-20", "-o", str(out)).exit_code == 0
    details = openpyxl.load_workbook(out)["明细"]
    ids = [row[2] for row in details.iter_rows(min_row=2, values_only=True)]
    assert sorted(ids) == [f"t{i:03d}" for i in range(320)]
    fills = {details.cell(r, 12).fill.fgColor.rgb for r in range(2, 322)}
    assert len(fills) >= 2  # each status its colour, row by row


def test_rankings_of_many_targets_show_the_most_lagging(cli, data_dir: Path) -> None:
    regions = ["甲旗", "乙县"]
    lines = ["[meta]", "year = 2025", "regions = [" + ", ".join(f'"{r}"' for r in regions) + "]"]
    for i in range(25):
        lines += [
            "[[target]]",
            f'id = "t{i:02d}"',
            f'name = "指标{i:02d}"',
            'category = "类别"',
            'kind = "cumulative"',
            "target = 200",
            'unit = "个"',
            'quote = "示例"',
            "[target.split]",
            '"甲旗" = 100',
            '"乙县" = 100',
        ]
    (data_dir / "2025.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for i in range(25):
        # t03 and t07 lag in both regions; every other target in neither.
        value = "10" if i in (3, 7) else "60"
        for region in regions:
            run = cli("record", f"t{i:02d}", value, "--period", "2025-06", "--region", region)
            assert run.exit_code == 0, run.stderr
    table = cli("status", "--by", "region", "--as-of", "2025-07-20").stdout
    assert "共 25 项指标分解到地区：以上列出落后地区最多的 20 项；全部排名见 --format json" in table
    assert "指标03" in table and "指标07" in table
    shown = [f"指标{i:02d}" for i in range(25) if f"指标{i:02d}" in table]
    assert len(shown) == 20
    report = json.loads(cli("status", "--by", "region", "--format", "json").stdout)
    assert len(report["rankings"]) == 25  # scripts get every ranking
