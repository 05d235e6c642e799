"""The scale cases: a province's figures in the TOML file, in SQLite and in PostgreSQL.

    python bench/scale.py                      # TOML at 10,000 targets, SQLite province
    python bench/scale.py --toml 10000 50000 --province 20000 --postgresql

Each case is a whole process, timed with its peak memory (the median of --runs runs), cold
and warm: cold runs with an empty parse cache (a fresh CI runner) or right after another
clone's figure arrived (a git pull), warm after a run that filled the cache. hledger's
budget report on the same data (bench/run.py writes both) is measured in the same run, so
the ratios hold on any machine. Writes bench/scale.json.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent / "tests"))

import run as base  # noqa: E402

TLTRACK = [sys.executable, "-m", "tltrack"]


def once(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Seconds and peak MB of one whole process (bench/run.py's way)."""
    return base._run_once(command, env, cwd)


def timed(
    command: list[str], env: dict[str, str], cwd: Path, runs: int, before: Any = None
) -> dict[str, Any]:
    """The median of `runs` runs; `before` runs ahead of each (a cold cache, a pull)."""
    seconds, peaks = [], []
    for _ in range(runs):
        if before is not None:
            before()
        s, mb = once(command, env, cwd)
        seconds.append(s)
        peaks.append(mb)
    return {"median_s": round(statistics.median(seconds), 3), "peak_mb": round(max(peaks))}


def pulled(records: Path) -> None:
    """Another clone's figure arrives: one line before the closing bracket (new bytes)."""
    data = records.read_bytes()
    line = (
        f'  {{ metric = "t00000", period = "2025-Q4", value = {time.time_ns() % 10**6}.0, '
        'note = "pull", by = "elsewhere", at = 2025-12-01 00:00:00+00:00 },\n'
    )
    records.write_bytes(data[:-2] + line.encode() + b"]\n")


def corrected(records: Path, n: int, share: float) -> int:
    """Corrections of `share` of the figures (a revision each), appended as `record --correct`
    writes them; returns how many."""
    from datetime import UTC, datetime

    from tltrack.domain.figures import Record
    from tltrack.stores.toml.lines import render_line

    step = round(1 / share)
    at = datetime(2026, 1, 10, tzinfo=UTC)
    lines = [
        render_line(
            Record(
                f"t{i % n:05d}",
                f"2025-{i // n + 1:02d}",
                float(i % 997),
                at,
                "更正",
                "bench",
                correction=True,
                revision=1,
            )
        )
        for i in range(0, n * 12, step)
    ]
    data = records.read_bytes()
    records.write_bytes(data[:-2] + "".join(lines).encode() + b"]\n")
    return len(lines)


_WRITE = """
import sys
from pathlib import Path
sys.path[:0] = [sys.argv[3], str(Path(sys.argv[3]).parent / "src")]
import run, scale
folder, n = Path(sys.argv[1]), int(sys.argv[2])
data, _ = run.write_data(folder, n)
print(scale.corrected(data / "2025.records.toml", n, 0.05) if n > 10000 else 0)
"""


def toml_cases(n: int, root: Path, env: dict[str, str], runs: int) -> dict[str, Any]:
    """Every case at 10,000 targets or fewer; past that, with 5% of the figures corrected,
    status cold and warm (the goal there is absolute)."""
    folder = root / f"toml{n}"
    # Written by a process of its own: a child forked from a bench that held the figures would
    # start from the bench's memory, and report it as its own peak (see sqlite_cases).
    made = subprocess.run(
        [sys.executable, "-c", _WRITE, str(folder), str(n), str(HERE)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    data, journal = folder / "targets", folder / "bench.journal"
    records = data / "2025.records.toml"
    cache = Path(env["TLTRACK_CACHE_DIR"])
    status = [*TLTRACK, "status", "--data-dir", str(data), "--as-of", "2025-12-31"]
    out: dict[str, Any] = {"figures": n * 12}
    if n > 10000:
        out["corrections"] = int(made.stdout)
        out["status cold (no cache)"] = timed(
            status, env, folder, runs, lambda: shutil.rmtree(cache, ignore_errors=True)
        )
        out["status warm"] = timed(status, env, folder, runs)
        return out
    if shutil.which("hledger"):
        out["hledger"] = timed(
            ["hledger", "-f", str(journal), "balance", "--budget"], env, folder, runs
        )
    out["status cold (no cache)"] = timed(
        status, env, folder, runs, lambda: shutil.rmtree(cache, ignore_errors=True)
    )
    once(status, env, folder)
    out["status after a pull"] = timed(status, env, folder, runs, lambda: pulled(records))
    out["status warm"] = timed(status, env, folder, runs)
    # A correction far below the figures before it: explained, as the review rules ask.
    record = [*TLTRACK, "record", "t00001", "7", "--period", "2025-Q4", "--correct",
              "--explain", "复核", "--data-dir", str(data)]  # fmt: skip
    out["record after a pull"] = timed(record, env, folder, runs, lambda: pulled(records))
    for value in range(30):  # writes with no read between: no cliff after them
        once([*record[:5], str(100 + value), *record[6:]], env, folder)
    out["status after 30 writes"] = timed(status, env, folder, 1)
    month = folder / "month.csv"
    with month.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        # Every figure changed at once, as no office sends: each explained (核实说明), so
        # that the review rules accept them (a growth rate of 1000% is not one).
        writer.writerow(["metric", "period", "value", "核实说明"])
        for i in range(n):
            writer.writerow([f"t{i:05d}", "2025-Q4", "done" if i % 10 == 9 else 1000 + i, "复核"])
    copy = records.read_bytes()

    def restore() -> None:
        records.write_bytes(copy)

    importing = [*TLTRACK, "import", str(month), "--correct", "--data-dir", str(data)]
    out["import one month"] = timed(importing, env, folder, runs, restore)
    restore()
    for suffix in ("xlsx", "html"):
        target = folder / f"bulletin.{suffix}"
        report = [*TLTRACK, "report", "--data-dir", str(data), "--as-of", "2025-07-20",
                  "-o", str(target)]  # fmt: skip
        out[f"report {suffix}"] = timed(report, env, folder, runs, lambda t=target: t.unlink(True))
        out[f"report {suffix}"]["size_kib"] = round(target.stat().st_size / 1024)
    return out


def sqlite_cases(targets: int, root: Path, env: dict[str, str], runs: int) -> dict[str, Any]:
    folder = root / f"province{targets}"
    # Written by a process of its own: a child forked from a bench holding 2.4 million
    # figures would count them in its peak memory.
    made = subprocess.run(
        [sys.executable, str(HERE / "province.py"), str(folder), "--targets", str(targets)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    out: dict[str, Any] = {"figures": int(made.stdout.rsplit(":", 1)[1])}
    status = [*TLTRACK, "status", "--data-dir", str(folder), "--as-of", "2025-07-20"]
    by_region = [*status, "--by", "region"]
    cache = Path(env["TLTRACK_CACHE_DIR"])

    def written() -> None:  # as after a write: no read of the database's state is cached
        for entry in cache.glob("sqlite-*.pickle"):
            entry.unlink()

    time.sleep(2.5)  # the database just written is old enough to be cached (files_state)
    once(status, env, folder)  # the target file's parse is cached: its bytes do not change
    # "After a write": no read of the database's state is known to the cache. "Read again":
    # the state was read before (the first of the runs keeps it, the others load it).
    out["status after a write"] = timed(status, env, folder, runs, written)
    out["status read again"] = timed(status, env, folder, runs)
    out["status --by region after a write"] = timed(by_region, env, folder, 1, written)
    once(by_region, env, folder)  # the second read of a state keeps it (SqliteStore.latest)
    out["status --by region read again"] = timed(by_region, env, folder, 1)
    record = [*TLTRACK, "record", "t000001", "9", "--period", "2025-12", "--region", "旗县01",
              "--correct", "--explain", "复核", "--data-dir", str(folder)]  # fmt: skip
    out["record"] = timed(record, env, folder, runs)
    # A month of every region's figures, each correcting the one recorded: 180,000 rows.
    month = folder / "regions-2025-12.csv"
    with month.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        # Each correcting the figure recorded, some below November's: explained (核实说明).
        writer.writerow(["metric", "region", "period", "value", "核实说明"])
        for i in range(targets):
            writer.writerows(
                [f"t{i:06d}", f"旗县{n:02d}", "2025-12", 1000, "复核"] for n in range(9)
            )
    database = folder / "2025.records.sqlite"
    kept = folder / "kept.sqlite"
    shutil.copyfile(database, kept)

    def restore() -> None:
        for companion in ("-wal", "-shm"):
            database.with_name(database.name + companion).unlink(missing_ok=True)
        shutil.copyfile(kept, database)

    importing = [*TLTRACK, "import", str(month), "--correct", "--data-dir", str(folder)]
    out["import 180,000 region rows"] = timed(importing, env, folder, runs, restore)
    restore()
    return out


_LOAD = """
import sys
sys.path.insert(0, sys.argv[3])
import psycopg, province
from tltrack.stores.postgresql.store import PgStore
url, targets = sys.argv[1], int(sys.argv[2])
store = PgStore(url, 2025)
columns = ("year, metric, region, period, period_end, value, note, recorded_by, at,"
           " correction, revision")
count = 0
with psycopg.connect(url) as connection, connection.cursor() as cursor:
    with cursor.copy(f"COPY tltrack.figure ({columns}) FROM STDIN") as copy:
        for record in province.figures(targets, [f"旗县{n:02d}" for n in range(9)]):
            copy.write_row(store.row(record))
            count += 1
print(count)
"""


def postgresql_cases(targets: int, root: Path, env: dict[str, str], runs: int) -> dict[str, Any]:
    """The province in a throwaway PostgreSQL server (tests/pg_server.py): status, and 50
    offices recording at once."""
    import psycopg

    from pg_server import server

    folder = root / f"pg{targets}"
    subprocess.run(
        [sys.executable, str(HERE / "province.py"), str(folder), "--targets", str(targets),
         "--only-catalog"],
        check=True, capture_output=True,
    )  # fmt: skip
    out: dict[str, Any] = {}
    with server() as pg:
        pg.sql("CREATE DATABASE bench")
        pg.sql("CREATE ROLE office LOGIN")
        admin = {**env, "TLTRACK_STORE": pg.url("admin", "bench")}
        once([*TLTRACK, "db", "init", "--data-dir", str(folder)], admin, folder)
        once([*TLTRACK, "db", "grant", "office", "--all", "--data-dir", str(folder)], admin, folder)
        # Loaded by a process of its own, as the province is written (see sqlite_cases).
        loaded = subprocess.run(
            [sys.executable, "-c", _LOAD, pg.url("admin", "bench"), str(targets), str(HERE)],
            check=True, capture_output=True, text=True, env=env,
        )  # fmt: skip
        out["figures"] = int(loaded.stdout)
        office = {**env, "TLTRACK_STORE": pg.url("office", "bench")}
        status = [*TLTRACK, "status", "--data-dir", str(folder), "--as-of", "2025-07-20"]
        once(status, office, folder)
        out["status"] = timed(status, office, folder, runs)
        writers = [
            subprocess.Popen(
                [*TLTRACK, "record", f"t{n:06d}", "5", "--period", "2025-12", "--correct",
                 "--explain", "复核", "--data-dir", str(folder)],
                env=office, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            for n in range(50)
        ]  # fmt: skip
        codes = [w.wait() for w in writers]
        with psycopg.connect(pg.url("admin", "bench")) as connection:
            kept = connection.execute(
                "SELECT count(*) FROM tltrack.figure WHERE period = '2025-12' AND value = '5.0'"
                " AND region IS NULL"
            ).fetchone()[0]
        out["50 concurrent writers"] = {"exit 0": codes.count(0), "figures kept": kept}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--toml", type=int, nargs="*", default=[10000])
    parser.add_argument("--province", type=int, nargs="*", default=[20000])
    parser.add_argument("--postgresql", type=int, nargs="*", default=[])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=HERE / "scale.json")
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python": sys.version}}
    # From bytecode, as an installed copy runs (see bench/run.py).
    compileall.compile_dir(HERE.parent / "src" / "tltrack", quiet=1)
    with tempfile.TemporaryDirectory(prefix="tltrack-scale-") as tmp:
        root = Path(tmp)
        env = {**os.environ, "NO_COLOR": "1", "TLTRACK_LANG": "en", "COLUMNS": "160"}
        env["TLTRACK_CACHE_DIR"] = str(root / "cache")
        env["PYTHONPATH"] = str(HERE.parent / "src")
        env.pop("TLTRACK_DATA_DIR", None)
        env.pop("TLTRACK_STORE", None)
        for n in args.toml:
            results[f"toml {n}"] = toml_cases(n, root, env, args.runs)
            print(json.dumps({f"toml {n}": results[f"toml {n}"]}, indent=1), file=sys.stderr)
        for n in args.province:
            results[f"sqlite {n}x10"] = sqlite_cases(n, root, env, args.runs)
            print(json.dumps({f"sqlite {n}": results[f"sqlite {n}x10"]}, indent=1), file=sys.stderr)
        for n in args.postgresql:
            results[f"postgresql {n}x10"] = postgresql_cases(n, root, env, args.runs)
            shown = json.dumps({f"postgresql {n}": results[f"postgresql {n}x10"]}, indent=1)
            print(shown, file=sys.stderr)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
