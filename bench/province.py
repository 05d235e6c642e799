"""A province's folder for the SQLite store's benchmark: N targets, each split to R regions,
twelve monthly figures for every series (the city's and each region's), 5% corrected.

    python bench/province.py /tmp/province --targets 20000 --regions 9

20,000 targets x (1 + 9) series x 12 months = 2.4 million figures. The figures are written
through the store's own change(), as `record` and `import` write them. `--regions 0` makes
targets of the city's figures only (200,000 of them: the same figures, ten times the rows).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from tltrack.domain.figures import Record  # noqa: E402
from tltrack.stores.sqlite.store import SqliteStore, sqlite_path  # noqa: E402


def write_catalog(folder: Path, targets: int, regions: list[str]) -> Path:
    lines = ["[meta]", "year = 2025", 'title = "示例省级目标"', 'store = "sqlite"']
    lines.append("regions = [" + ", ".join(f'"{r}"' for r in regions) + "]")
    lines.append("")
    for i in range(targets):
        lines += [
            "[[target]]",
            f'id = "t{i:06d}"',
            f'name = "指标{i:06d}"',
            f'category = "类别{i % 12:02d}"',
            'kind = "cumulative"',
            f"target = {1000 * max(1, len(regions))}",
            'unit = "个"',
            'quote = "示例"',
            *(["[target.split]", *(f'"{r}" = 1000' for r in regions)] if regions else []),
            "",
        ]
    path = folder / "2025.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def figures(targets: int, regions: list[str]) -> list[Record]:
    out = []
    for month in range(1, 13):
        at = datetime(2025, month, 28, tzinfo=UTC)
        period = f"2025-{month:02d}"
        for i in range(targets):
            metric = f"t{i:06d}"
            base = (70 + i % 40) * month
            out.append(Record(metric, period, float(base * max(1, len(regions))), at, "", "bench"))
            for n, region in enumerate(regions):
                value = float(base + n)
                out.append(Record(metric, period, value, at, "", "bench", region=region))
                if (i + n + month) % 20 == 0:  # 5% corrected
                    fixed = Record(metric, period, value + 1, at, "复核", "bench", True, 1, region)
                    out.append(fixed)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--targets", type=int, default=20000)
    parser.add_argument("--regions", type=int, default=9)
    parser.add_argument("--only-catalog", action="store_true", help="no figures: the target file")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=False)
    regions = [f"旗县{n:02d}" for n in range(args.regions)]
    catalog = write_catalog(args.folder, args.targets, regions)
    if args.only_catalog:
        text = catalog.read_text(encoding="utf-8").replace(
            'store = "sqlite"', 'store = "postgresql"'
        )
        catalog.write_text(text, encoding="utf-8")
        return
    store = SqliteStore(sqlite_path(catalog))
    batch = figures(args.targets, regions)
    with store.change() as change:
        change.append(batch)
    print(f"{args.folder}: {args.targets} targets x {1 + args.regions} series x 12: {len(batch)}")


if __name__ == "__main__":
    main()
