"""The status words: shared by the core, the CLI and the output, and cheap to import."""

from __future__ import annotations

from typing import Literal

Status = Literal["achieved", "on_track", "behind", "at_risk", "missed", "no_data"]
STATUSES: tuple[Status, ...] = ("achieved", "on_track", "behind", "at_risk", "missed", "no_data")
