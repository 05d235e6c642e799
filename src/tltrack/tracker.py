"""What the commands do, free of any terminal concerns: each command is one call in here."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NamedTuple

from tltrack.domain.assess import Assessment, assess, counting, figures_by_period, status_counts
from tltrack.domain.catalog import Catalog
from tltrack.domain.figures import Record
from tltrack.domain.periods import Period, default_period, parse_period
from tltrack.domain.ranking import BY_CHOICES, By, Group, Ranking, rank_regions, ranked_groups
from tltrack.domain.responsibility import Missing, check_name, missing, owners_of, region_of
from tltrack.domain.rollup import assess_city, assess_region, series_of
from tltrack.domain.statuses import Status
from tltrack.domain.targets import Target
from tltrack.errors import NoInputError, TltrackError, UsageError
from tltrack.files.target_file import TARGET_FILE_RE, load_catalog, target_files, year_file
from tltrack.stores.base import RecordStore
from tltrack.stores.choice import STORE_ENV, open_store
from tltrack.stores.toml.read_ahead import reading_ahead
from tltrack.stores.toml.store import records_path

DATA_DIR_ENV = "TLTRACK_DATA_DIR"


def find_data_dir(given: Path | None, cwd: Path | None = None) -> Path:
    """--data-dir, else $TLTRACK_DATA_DIR, else the nearest targets/ in cwd or its parents."""
    if given is None and os.environ.get(DATA_DIR_ENV):
        given = Path(os.environ[DATA_DIR_ENV])
    if given is not None:
        if not given.is_dir():
            raise NoInputError("no_data_folder", folder=given)
        return given
    start = (cwd or Path.cwd()).resolve()
    if any(TARGET_FILE_RE.fullmatch(p.name) for p in start.iterdir() if p.is_file()):
        return start  # a data folder is known by its <year>.toml: `init DIR; cd DIR` works
    for folder in (start, *start.parents):
        candidate = folder / "targets"
        if candidate.is_dir():
            return candidate
    raise NoInputError("no_targets_folder", folder=start)


class Workspace(NamedTuple):
    """One year's target file and the store of its figures."""

    catalog: Catalog
    store: RecordStore

    @property
    def year(self) -> int:
        return self.catalog.year

    def records(self) -> list[Record]:
        return self.store.read()


def open_workspace(
    data_dir: Path | None,
    year: int | None,
    period_text: str | None = None,
    reads_all: bool = False,
) -> Workspace:
    """A year's target file and figures: `year`, else the year of `period_text` where the
    folder has its file (a late 2025-12 figure goes to 2025 when 2026 is the newest), else
    the newest. `reads_all`: the command will read every figure (status, check, report), so
    a big records file is read ahead."""
    folder = find_data_dir(data_dir)
    if year is None and period_text is not None:
        try:
            period_year = parse_period(period_text).year
        except TltrackError:
            period_year = None  # a bad period is said by the command that reads it
        if period_year is not None and (folder / f"{period_year}.toml").is_file():
            year = period_year
    path = year_file(folder, year)
    if reads_all and os.environ.get(STORE_ENV, "").strip() in ("", "toml"):
        with reading_ahead(records_path(path)) as ahead:
            catalog = load_catalog(path)
            if catalog.meta.store != "toml":
                ahead.cancel()  # a file left beside another store: not the figures
    else:
        catalog = load_catalog(path)
    return Workspace(catalog, open_store(catalog.path, catalog.meta.store))


def other_year(workspace: Workspace, year: int) -> Workspace | None:
    """The workspace of another year of the same folder, if the folder has its target file."""
    path = workspace.catalog.path.with_name(f"{year}.toml")
    if year == workspace.year or not path.is_file():
        return None
    catalog = load_catalog(path)
    return Workspace(catalog, open_store(catalog.path, catalog.meta.store))


def records_by_metric(records: Iterable[Record]) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = {}
    for record in records:
        grouped.setdefault(record.metric, []).append(record)
    return grouped


@dataclass(frozen=True)
class StatusReport:
    year: int
    as_of: date
    assessments: list[Assessment]
    stale_after_days: int
    # Figures for metrics the target file does not define: reported, never dropped silently.
    unknown_metrics: list[str] = field(default_factory=list)
    records_name: str = ""
    targets_name: str = ""
    region: str | None = None  # the region whose own figures these are; None: the city
    sample: bool = False  # illustrative figures (tltrack demo), said in every title
    other_years: tuple[int, ...] = ()  # the folder's other target files: --year picks one

    @property
    def summary(self) -> dict[Status, int]:
        return status_counts(self.assessments)


def assess_all(
    workspace: Workspace, records: Sequence[Record], as_of: date, region: str | None = None
) -> StatusReport:
    """Every target judged for the city, or with `region` every target split to that region,
    by the region's own figures against its share."""
    grouped = records_by_metric(records)
    catalog = workspace.catalog
    thresholds = catalog.meta.thresholds
    year = workspace.year
    assessments = []
    for t in catalog.targets:
        if region is not None and region not in t.regions:
            continue
        mine = series_of(grouped.get(t.id, ()))
        if region is None:
            assessments.append(assess_city(t, mine, year, as_of, thresholds))
        else:
            assessments.append(assess_region(t, region, mine, year, as_of, thresholds))
    return StatusReport(
        year,
        as_of,
        assessments,
        thresholds.stale_after_days,
        sorted(set(grouped) - set(catalog.by_id)),
        workspace.store.name,
        catalog.path.name,
        region,
        catalog.meta.sample,
        tuple(int(p.stem) for p in target_files(catalog.path.parent) if p != catalog.path),
    )


def status(
    workspace: Workspace,
    as_of: date,
    category: str | None = None,
    owner: str | None = None,
    statuses: Sequence[Status] = (),
    region: str | None = None,
    records: Sequence[Record] | None = None,
) -> StatusReport:
    """The targets judged at `as_of`, filtered; `records` when the caller has read them."""
    check_category(workspace, category)
    owner = check_owner(workspace, owner)
    region = check_region(workspace, region)
    read = workspace.store.latest(as_of) if records is None else records
    report = assess_all(workspace, read, as_of, region)
    kept = [
        a
        for a in report.assessments
        if (category is None or a.target.category == category)
        and (owner is None or a.target.owner == owner)
        and (not statuses or a.status in statuses)
    ]
    return dataclasses.replace(report, assessments=kept)


def check_owner(workspace: Workspace, owner: str | None) -> str | None:
    """A lead or supporting unit the file names; else "did you mean" (exit 2)."""
    if owner is None:
        return None
    targets = workspace.catalog.targets
    known = list(dict.fromkeys([*owners_of(targets), *(c for t in targets for c in t.co_owners)]))
    return check_name(owner, known, "owner")


def check_region(workspace: Workspace, region: str | None) -> str | None:
    if region is None:
        return None
    return check_name(region, workspace.catalog.meta.regions, "region")


@dataclass(frozen=True)
class UnitsReport:
    """The regions or lead units ranked (DESIGN §8), with each target's regions ranked."""

    year: int
    as_of: date
    by: By
    groups: list[Group]  # best first
    rankings: list[Ranking]  # by region only: one per target split among regions


def by_units(
    workspace: Workspace, as_of: date, by: By, records: Sequence[Record] | None = None
) -> UnitsReport:
    """One group per region (its own figures against its shares) or per lead unit (the city
    figures of the targets it leads), ranked by the share of its targets on pace."""
    if by not in BY_CHOICES:
        raise UsageError("by_choice", by=by, choices=", ".join(BY_CHOICES))
    catalog = workspace.catalog
    thresholds = catalog.meta.thresholds
    read = workspace.store.latest(as_of) if records is None else records
    grouped = records_by_metric(read)
    rankings: list[Ranking] = []
    if by == "owner":
        city = assess_all(workspace, read, as_of)
        members = {
            unit: [a for a in city.assessments if a.target.owner == unit]
            for unit in owners_of(catalog.targets)
        }
    else:
        members = {region: [] for region in catalog.meta.regions}
        for t in catalog.targets:
            if not t.split:
                continue
            mine = series_of(grouped.get(t.id, ()))
            judged = [
                assess_region(t, r, mine, workspace.year, as_of, thresholds, share)
                for r, share in t.split
            ]
            for item in judged:
                members[item.region or ""].append(item)
            rankings.append(rank_regions(t, judged))
    groups = ranked_groups([Group(name, items) for name, items in members.items()])
    return UnitsReport(workspace.year, as_of, by, groups, rankings)


def check_category(workspace: Workspace, category: str | None) -> None:
    """An unknown category is a mistake to report (exit 2), not an empty table."""
    if category is not None and not any(t.category == category for t in workspace.catalog.targets):
        categories = dict.fromkeys(t.category for t in workspace.catalog.targets)
        raise UsageError("no_category", category=category, categories=", ".join(categories))


def targets(
    workspace: Workspace, category: str | None = None, owner: str | None = None
) -> list[Target]:
    check_category(workspace, category)
    owner = check_owner(workspace, owner)
    return [
        t
        for t in workspace.catalog.targets
        if (category is None or t.category == category) and (owner is None or t.owner == owner)
    ]


class RecordHistory(NamedTuple):
    record: Record
    current: bool  # False when a later entry for the same period supersedes it


class TargetDetail(NamedTuple):
    target: Target
    history: list[RecordHistory]
    assessment: Assessment
    stale_after_days: int


def show(workspace: Workspace, metric: str, as_of: date, region: str | None = None) -> TargetDetail:
    """A target's details and every figure recorded for the city, or for one region."""
    target = workspace.catalog.find(metric)
    region = region_of(workspace.catalog.meta.regions, target, region)
    mine = series_of(workspace.store.read_of({target.id}))
    own = mine.city if region is None else mine.regions.get(region, [])
    history = []
    for _, figures in sorted(figures_by_period(own, workspace.year).items()):
        current = counting(figures)
        history += [RecordHistory(f.record, f is current) for f in figures]
    thresholds = workspace.catalog.meta.thresholds
    if region is None:
        judged = assess_city(target, mine, workspace.year, as_of, thresholds)
    else:
        judged = assess_region(target, region, mine, workspace.year, as_of, thresholds)
    return TargetDetail(target, history, judged, thresholds.stale_after_days)


class PeriodFigure(NamedTuple):
    period: Period
    current: Record
    superseded: list[Record]  # earlier figures for the period, oldest first
    assessment: Assessment  # the target as its figure stood when the period ended


def history(
    workspace: Workspace, metric: str, region: str | None = None
) -> tuple[Target, list[PeriodFigure]]:
    """Every period's figure of a target, oldest period first, with its corrections: the
    city's, or one region's against its share."""
    target = workspace.catalog.find(metric)
    region = region_of(workspace.catalog.meta.regions, target, region)
    judged_as = target if region is None else target.for_region(region)
    mine = [r for r in workspace.store.read_of({target.id}) if r.region == region]
    thresholds = workspace.catalog.meta.thresholds
    figures = []
    for period, recorded in sorted(figures_by_period(mine, workspace.year).items()):
        chosen = counting(recorded)
        current = chosen.record
        earlier = [f.record for f in recorded if f is not chosen]  # in the file's order
        judged = assess(judged_as, [current], workspace.year, period.end, thresholds)
        figures.append(PeriodFigure(period, current, earlier, judged))
    return judged_as, figures


# The statuses each --fail-on level fails on; "stale" fails on stale figures as well.
FAIL_LEVELS: dict[str, tuple[Status, ...]] = {
    "behind": ("behind", "at_risk", "missed"),
    "at_risk": ("at_risk", "missed"),
    "missed": ("missed",),
}
FAIL_ON_CHOICES = (*FAIL_LEVELS, "stale")
_SEVERITY: dict[Status, int] = {"missed": 0, "at_risk": 1, "behind": 2}


def worst_first(assessments: Iterable[Assessment]) -> list[Assessment]:
    """The targets that lag: missed, then at risk, then behind; the largest gap first."""
    return sorted(
        (a for a in assessments if a.status in _SEVERITY),
        key=lambda a: (_SEVERITY[a.status], a.gap if a.gap is not None else 0.0),
    )


class CheckResult(NamedTuple):
    report: StatusReport
    fail_on: tuple[str, ...]
    lagging: list[Assessment]  # behind, at risk or missed: the worst first
    stale: list[Assessment]
    failed: bool
    units: UnitsReport | None = None  # check --by: the units, the worst first
    failing_units: tuple[str, ...] = ()
    # Who has not reported for the last complete month: None when no unit or region is named.
    missing: MissingReport | None = None


def check(
    workspace: Workspace,
    as_of: date,
    fail_on: Sequence[str] = (),
    by: By | None = None,
    region: str | None = None,
    owner: str | None = None,
) -> CheckResult:
    """What lags at `as_of`, and whether that fails the check.

    The status level is the most lenient level given (default: behind); `stale` adds
    failing on stale figures. With `by`, each region or lead unit is judged by its own
    targets and the units come worst first.
    """
    unknown = [level for level in fail_on if level not in FAIL_ON_CHOICES]
    if unknown:
        raise UsageError("fail_on_level", level=unknown[0], levels=", ".join(FAIL_ON_CHOICES))
    levels = [level for level in FAIL_LEVELS if level in fail_on] or ["behind"]
    failing_statuses = FAIL_LEVELS[levels[0]]
    with_stale = "stale" in fail_on

    def fails(items: Sequence[Assessment]) -> bool:
        return any(a.status in failing_statuses or (with_stale and a.stale) for a in items)

    records = workspace.records()  # read once for the report, the units and who is missing
    report = status(workspace, as_of, owner=owner, region=region, records=records)
    lagging = worst_first(report.assessments)
    stale = [a for a in report.assessments if a.stale]
    chosen = (levels[0], *(("stale",) if with_stale else ()))
    catalog = workspace.catalog
    unreported = None
    if catalog.meta.regions or owners_of(catalog.targets):
        period = default_period(workspace.year, as_of).label
        unreported = missing_figures(workspace, period, records=records)
        if region is not None or owner is not None:  # only the unit asked about
            wanted = [m for m in unreported.missing if m.unit in (region, owner)]
            unreported = unreported._replace(missing=wanted)
    if by is None:
        failed = fails(report.assessments)
        return CheckResult(report, chosen, lagging, stale, failed, missing=unreported)
    units = by_units(workspace, as_of, by, records)
    worst = sorted(units.groups, key=_lag_order)
    failing = tuple(g.name for g in worst if fails(g.assessments))
    units = dataclasses.replace(units, groups=worst)
    return CheckResult(report, chosen, lagging, stale, bool(failing), units, failing, unreported)


def _lag_order(group: Group) -> tuple[int, ...]:
    """Worst first: the most targets missed, then at risk, then behind; then the lowest share
    on pace."""
    counts = group.summary
    share = group.on_pace_share
    return (
        -counts["missed"],
        -counts["at_risk"],
        -counts["behind"],
        round((share if share is not None else 1.0) * 1e6),
    )


class MissingReport(NamedTuple):
    year: int
    period: Period
    missing: list[Missing]


def missing_figures(
    workspace: Workspace,
    period_text: str | None,
    by: By | None = None,
    records: Sequence[Record] | None = None,
) -> MissingReport:
    """Who has not reported which target for a period (未报送): lead units for the city
    figures, regions for their own."""
    period = (
        default_period(workspace.year, date.today())
        if period_text is None
        else parse_period(period_text, workspace.year)
    )
    if by is not None and by not in BY_CHOICES:
        raise UsageError("by_choice", by=by, choices=", ".join(BY_CHOICES))
    grouped = records_by_metric(workspace.records() if records is None else records)
    catalog = workspace.catalog
    found = missing(
        catalog.targets,
        catalog.meta.regions,
        lambda metric: series_of(grouped.get(metric, ())),
        workspace.year,
        period,
        BY_CHOICES if by is None else (by,),
    )
    return MissingReport(workspace.year, period, found)


class RepairResult(NamedTuple):
    store: str
    backup: Path | None  # the hand-edited original, kept; None when nothing needed repair
    figures: int


def repair(workspace: Workspace, now: datetime | None = None) -> RepairResult:
    """Rewrite a hand-edited records file in tltrack's own form, keeping every figure it
    holds and a copy of the edited original beside it."""
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    outcome = workspace.store.repair(moment)
    return RepairResult(workspace.store.name, outcome.backup, outcome.figures)
