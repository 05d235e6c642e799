"""The long run of the folder-swap race (tests/folder_swap.py): root's writing commands, each
run many times while another user swaps a folder of her own for a link to a root-only folder.

    sudo python bench/folder_swap.py --tries 500

Prints, for each command, how often it ran, how often she swapped meanwhile, how each run
ended, and what changed in the root-only folder (it must be nothing); exits 1 if anything
did. Needs root, Linux and the user `nobody`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "src"), str(HERE.parent / "tests")]

from folder_swap import EXPECTED, race  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tries", type=int, default=500, help="runs of each command")
    parser.add_argument("commands", nargs="*", help="only these commands")
    options = parser.parse_args()
    started = time.monotonic()
    outcomes = race(options.tries, options.commands or None)
    bad = [
        name
        for name, outcome in outcomes.items()
        if outcome.changed or outcome.tracebacks or not set(outcome.exits) <= EXPECTED
    ]
    runs = sum(o.tries for o in outcomes.values())
    swaps = sum(o.swaps for o in outcomes.values())
    print(f"{runs} runs, {swaps} swaps, {time.monotonic() - started:.0f} s: ", end="")
    print(f"FAILED: {', '.join(bad)}" if bad else "nothing outside the folder changed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
