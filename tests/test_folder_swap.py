"""Root's writes in a folder others can write, raced against a user swapping a folder of
her own for a link to a root-only folder (tests/folder_swap.py; bench/folder_swap.py runs the
long version)."""

from __future__ import annotations

import os

import pytest

from folder_swap import EXPECTED, race

TRIES = 25  # each command; on the code before folders were opened once, 7 of the 8 commands
# changed the root-only folder within 30 tries


@pytest.mark.linux_only
def test_no_write_lands_outside_the_folder_however_her_folder_is_swapped() -> None:
    if os.geteuid() != 0:
        pytest.skip("the attack is on a root run")
    outcomes = race(TRIES, log=lambda line: None)
    assert sorted(outcomes) == sorted(_names())
    for name, outcome in outcomes.items():
        assert outcome.changed == [], (name, outcome.changed)
        assert outcome.tries == TRIES
        assert outcome.swaps > TRIES, (name, "the user never swapped")
        assert set(outcome.exits) <= EXPECTED, (name, outcome.exits, outcome.said)
        assert outcome.tracebacks == 0, (name, outcome.said)
        if name == "migrate":  # into SQLite, which opens files by name: refused in her folder
            assert outcome.exits[0] == 0
            # 77 where her folder was found; where her link led to root's file as SQLite opened
            # it: 73 (swapped while opened) or 65 (no database)
            assert set(outcome.exits) <= {65, 73, 77}, outcome.said
            if 77 in outcome.exits:  # her folder found: SQLite's refusal, or her link's
                refused = outcome.said[77]
                assert (
                    "SQLite opens its own files" in refused or "a link of another user" in refused
                )
        else:
            assert outcome.exits[0] > 0, (name, "never went through under the race", outcome.said)


def _names() -> list[str]:
    return ["record", "import", "repair", "migrate", "template", "report", "init", "demo"]
