"""Benchmark tltrack against hledger's budget report and against Python's import floor.

    python bench/run.py                 # N = 80, 1,000 and 10,000 targets
    python bench/run.py --sizes 80 1000 --runs 5 --json bench/results.json

For each N it writes the same synthetic data for both tools: N targets with 12 monthly
figures each, as a tltrack data folder and as an hledger journal with a periodic budget rule.
Every timing is a whole process, median of several runs after a warm-up, so the ratios printed
were measured in the same run on the same machine. It installs nothing: where hledger is
missing it says how to get it and still measures tltrack.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from tltrack.domain.figures import Record  # noqa: E402
from tltrack.stores.toml.lines import render  # noqa: E402

FLOOR = [sys.executable, "-c", "import typer, rich.table, pydantic"]
TLTRACK = [sys.executable, "-m", "tltrack"]
NOISY = 0.10  # spread (max-min)/median above this is called noisy


def write_data(folder: Path, n: int) -> tuple[Path, Path]:
    """N targets x 12 monthly figures, for tltrack and as an hledger journal."""
    data = folder / "targets"
    data.mkdir(parents=True)
    kinds = ["cumulative"] * 6 + ["growth"] * 2 + ["level", "milestone"]
    lines = ["[meta]", "year = 2025", f'title = "bench {n}"', ""]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        lines += [
            "[[target]]",
            f'id = "t{i:05d}"',
            f'name = "指标{i:05d}"',
            f'category = "类别{i % 12:02d}"',
            f'kind = "{kind}"',
        ]
        if kind != "milestone":
            lines += [
                f"target = {1000 + i}",
                'unit = "个"' if kind == "cumulative" else 'unit = "%"',
            ]
        lines += [f'quote = "目标{i}"', ""]
    (data / "2025.toml").write_text("\n".join(lines), encoding="utf-8")
    records = []
    at = datetime(2025, 1, 1, tzinfo=UTC)
    for month in range(1, 13):
        for i in range(n):
            kind = kinds[i % len(kinds)]
            value = {"growth": 5.5, "level": 90.0, "milestone": min(100.0, month * 9.0)}.get(
                kind, float((1000 + i) * month // 13)
            )
            records.append(
                Record(
                    metric=f"t{i:05d}",
                    period=f"2025-{month:02d}",
                    value=value,
                    note="",
                    by="bench",
                    at=at.replace(month=month, day=28),
                )
            )
    (data / "2025.records.toml").write_text(render(records), encoding="utf-8")

    journal = folder / "bench.journal"
    with journal.open("w", encoding="utf-8") as out:
        out.write("~ monthly from 2025-01-01 to 2026-01-01  budget\n")
        for i in range(n):
            out.write(f"    targets:t{i:05d}    {(1000 + i) / 12:.2f}\n")
        out.write("    assets:plan\n\n")
        for month in range(1, 13):
            out.write(f"2025-{month:02d}-28 figures\n")
            for i in range(n):
                out.write(f"    targets:t{i:05d}    {(1000 + i) // 13}\n")
            out.write("    assets:figures\n\n")
    return data, journal


_WRITE = "import sys, pathlib, run; run.write_data(pathlib.Path(sys.argv[1]), int(sys.argv[2]))"


def write_shipped(folder: Path) -> Path:
    """The shipped catalog with a figure for every month of every target."""
    data = folder / "targets"
    data.mkdir(parents=True)
    shutil.copyfile(HERE.parent / "targets" / "2025.toml", data / "2025.toml")
    from tltrack.files.target_file import load_catalog

    catalog = load_catalog(data / "2025.toml")
    records = []
    for month in range(1, 13):
        at = datetime(2025, month, 28, tzinfo=UTC)
        for t in catalog.targets:
            value = {
                "growth": t.goal - 0.5 + month * 0.05,
                "level": min(t.goal, 80.0 + month),
                "milestone": min(100.0, month * 9.0),
            }.get(t.kind, round(t.goal * month / 12 * 0.97, 2))
            records.append(
                Record(
                    metric=t.id, period=f"2025-{month:02d}", value=float(value), by="bench", at=at
                )
            )
    (data / "2025.records.toml").write_text(render(records), encoding="utf-8")
    return data


def _run_once(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall time and peak memory (MB) of one whole process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode() if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(command[:4])} failed ({code}): {error}")
    return elapsed, usage.ru_maxrss / 1024


def measure(command: list[str], runs: int, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """Median wall time and peak memory of a whole process, after one warm-up run.

    Each run is paired with a run of the import floor right before it, and the ratio to the
    floor is the median of the pairs' ratios: on a shared, noisy machine both halves of a pair
    see the same load."""
    times, peaks, ratios = [], [], []
    for attempt in range(runs + 1):
        floor, _ = _run_once(FLOOR, env, cwd)
        elapsed, peak = _run_once(command, env, cwd)
        if attempt:  # the first run warms the disk cache and the tltrack cache
            times.append(elapsed)
            peaks.append(peak)
            ratios.append(elapsed / floor)
    median = statistics.median(times)
    return {
        "median_s": round(median, 4),
        "min_s": round(min(times), 4),
        "max_s": round(max(times), 4),
        "peak_mb": round(max(peaks), 1),
        "vs_floor": round(statistics.median(ratios), 3),
        "noisy": (max(times) - min(times)) / median > NOISY,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[80, 1000, 10000])
    parser.add_argument("--no-shipped", action="store_true", help="skip the shipped catalog")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, default=HERE / "results.json")
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when start-up misses its goal (--help, --version and the shipped"
        " catalog's status against the import floor); with --sizes, only those it names",
    )
    args = parser.parse_args()

    hledger = shutil.which("hledger")
    if hledger is None:
        print(
            "hledger is not installed, so only tltrack is measured. On Debian or Ubuntu:"
            " apt-get install hledger",
            file=sys.stderr,
        )
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "TLTRACK_LANG": "en",
        "COLUMNS": "160",
        "PYTHONPATH": str(HERE.parent / "src"),
    }
    env.pop("TLTRACK_DATA_DIR", None)
    results: dict[str, object] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "hledger": subprocess.run(
                [hledger, "--version"], capture_output=True, text=True, check=False
            ).stdout.strip()
            if hledger
            else None,
        },
        "runs": args.runs,
        "sizes": {},
    }
    # Measure tltrack as an installed copy runs: from bytecode, which `pip install` compiles
    # (PYTHONDONTWRITEBYTECODE, if set, would otherwise make every run compile the sources).
    compileall.compile_dir(HERE.parent / "src" / "tltrack", quiet=1)
    with tempfile.TemporaryDirectory(prefix="tltrack-bench-") as tmp:
        root = Path(tmp)
        env["TLTRACK_CACHE_DIR"] = str(root / "cache")  # a cache of its own, warmed by run 1
        floor = measure(FLOOR, args.runs, env, root)
        version = measure([*TLTRACK, "--version"], args.runs, env, root)
        help_ = measure([*TLTRACK, "--help"], args.runs, env, root)
        results["floor"] = floor
        results["version"] = version
        results["help"] = help_
        if not args.no_shipped:
            folder = root / "shipped"
            write_shipped(folder)
            shipped = {
                name: measure([*TLTRACK, *extra, "--as-of", "2026-01-15"], args.runs, env, folder)
                for name, extra in (
                    ("status", ["status"]),
                    ("status_json", ["status", "--format", "json"]),
                )
            }
            results["shipped"] = shipped
            print("measured the shipped catalog", file=sys.stderr)
        for n in args.sizes:
            folder = root / f"n{n}"
            # Written by a process of its own: a child forked from this one after it held
            # the figures would report that memory as its own peak.
            paths = f"{HERE}{os.pathsep}{env['PYTHONPATH']}"
            subprocess.run(
                [sys.executable, "-c", _WRITE, str(folder), str(n)],
                check=True, env={**env, "PYTHONPATH": paths},
            )  # fmt: skip
            journal = folder / "bench.journal"
            row: dict[str, object] = {}
            row["status"] = measure(
                [*TLTRACK, "status", "--as-of", "2026-01-15"], args.runs, env, folder
            )
            row["status_json"] = measure(
                [*TLTRACK, "status", "--format", "json", "--as-of", "2026-01-15"],
                args.runs,
                env,
                folder,
            )
            # Every table goes through one writer: list and show must keep pace with status.
            row["list"] = measure([*TLTRACK, "list"], args.runs, env, folder)
            row["show"] = measure([*TLTRACK, "show", "t00000"], args.runs, env, folder)
            # Each run records a new figure (another month of a year-end figure), so every
            # run appends to the full data set.
            record_times = []
            for attempt in range(args.runs + 1):
                command = [
                    *TLTRACK,
                    "record",
                    "t00000",
                    str(5000 + attempt),
                    "--period",
                    "2025",
                    "--correct",
                ]
                record_times.append(measure(command, 1, env, folder))
            row["record"] = {
                "median_s": round(statistics.median(r["median_s"] for r in record_times[1:]), 4),
                "peak_mb": max(r["peak_mb"] for r in record_times[1:]),
                "vs_floor": round(statistics.median(r["vs_floor"] for r in record_times[1:]), 3),
                "noisy": False,
            }
            if hledger:
                row["hledger"] = measure(
                    [hledger, "-f", str(journal), "balance", "--budget"], args.runs, env, folder
                )
            results["sizes"][str(n)] = row  # type: ignore[index]
            print(f"measured N={n}", file=sys.stderr)
    report(results)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}", file=sys.stderr)
    if args.check:
        missed = startup_misses(results)
        for line in missed:
            print(f"start-up goal missed: {line}", file=sys.stderr)
        sys.exit(1 if missed else 0)


# Start-up goals, as ratios to the import floor measured in the same run: a new typer (0.29
# builds a Pydantic adapter for every option) or a heavy import at start shows up here.
STARTUP_GOALS = {"help": 1.2, "version": 1.2, "shipped status": 1.3}


def startup_misses(results: dict[str, Any]) -> list[str]:
    measured = {"help": results["help"], "version": results["version"]}
    if "shipped" in results:
        measured["shipped status"] = results["shipped"]["status"]
    return [
        f"{name}: {row['vs_floor']:.2f}x the import floor (goal {STARTUP_GOALS[name]}x)"
        for name, row in measured.items()
        if row["vs_floor"] > STARTUP_GOALS[name]
    ]


def report(results: dict[str, object]) -> None:
    floor = results["floor"]["median_s"]  # type: ignore[index]
    print(f"Python import floor (typer, rich.table, pydantic): {floor:.3f} s")
    for name in ("version", "help"):
        m = results[name]  # type: ignore[index]
        print(f"tltrack --{name}: {m['median_s']:.3f} s = {m['vs_floor']:.2f}x floor")
    shipped = results.get("shipped")
    if isinstance(shipped, dict):
        for name, m in shipped.items():
            print(
                f"shipped catalog (62 targets x 12 months), {name}: {m['median_s']:.3f} s"
                f" = {m['vs_floor']:.2f}x floor"
            )
    print()
    header = f"{'N':>6}  {'command':<14}{'median s':>9}{'peak MB':>9}{'/hledger':>10}{'/floor':>8}"
    print(header)
    print("-" * len(header))
    for n, row in results["sizes"].items():  # type: ignore[attr-defined]
        hledger = row.get("hledger")
        for name in ("status", "status_json", "list", "show", "record", "hledger"):
            m = row.get(name)
            if m is None:
                continue
            vs_hledger = (
                f"{m['median_s'] / hledger['median_s']:.2f}"
                if hledger and name != "hledger"
                else ""
            )
            noisy = " (noisy)" if m.get("noisy") else ""
            print(
                f"{n:>6}  {name:<14}{m['median_s']:>9.3f}{m['peak_mb']:>9.1f}"
                f"{vs_hledger:>10}{m['vs_floor']:>8.2f}{noisy}"
            )


if __name__ == "__main__":
    main()
