"""A year's targets as its target file gives them, found by id or exact Chinese name."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tltrack.domain.targets import Meta, Target
from tltrack.errors import (
    UsageError,
    msg,
)

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Catalog:
    path: Path
    meta: Meta
    targets: tuple[Target, ...]
    by_id: dict[str, Target] = field(repr=False)
    by_name: dict[str, Target] = field(repr=False)

    @property
    def year(self) -> int:
        return self.meta.year

    def find(self, metric: str) -> Target:
        """A target by its id or its exact Chinese name; otherwise say what was probably meant."""
        wanted = metric.strip()
        found = self.by_id.get(wanted) or self.by_name.get(wanted)
        if found is not None:
            return found
        candidates = [*self.by_id, *self.by_name]
        if len(wanted) > 200:  # no name is that long; and difflib would take its time
            raise UsageError("unknown_metric_long", length=len(wanted), file=self.path.name)
        import difflib  # only for the message

        close = difflib.get_close_matches(wanted, candidates, n=3, cutoff=0.5)
        if not close:
            close = [c for c in candidates if wanted and (wanted in c or c in wanted)][:3]
        unknown = msg("unknown_metric", metric=wanted, file=self.path.name)
        if close:
            raise UsageError("did_you_mean", message=unknown, names=", ".join(close))
        raise UsageError("see_list", message=unknown)
