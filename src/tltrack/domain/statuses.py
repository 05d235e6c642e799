"""The status words: shared by the core, the CLI and the output, and cheap to import."""

from __future__ import annotations

from typing import Literal

Status = Literal["achieved", "ahead", "on_track", "behind", "at_risk", "missed", "no_data"]
STATUSES: tuple[Status, ...] = (
    "achieved",
    "ahead",
    "on_track",
    "behind",
    "at_risk",
    "missed",
    "no_data",
)
# Statuses of a target that keeps pace: the share of these among its judged targets ranks a
# region or lead office.
ON_PACE: tuple[Status, ...] = ("achieved", "ahead", "on_track")
