"""`status`: every target judged at a date, for the city or one region, filtered; and the
regions or lead offices ranked (`--by`). Returns data for the views, never text."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from tltrack.domain.assess import Assessment, status_counts
from tltrack.domain.figures import Record, records_by_metric
from tltrack.domain.ranking import BY_CHOICES, By, Group, Ranking, rank_regions, ranked_groups
from tltrack.domain.responsibility import check_name, owners_of
from tltrack.domain.rollup import assess_city, assess_region, series_of, sum_held
from tltrack.domain.statuses import Status
from tltrack.domain.targets import Target
from tltrack.errors import UsageError
from tltrack.files.target_file import target_files
from tltrack.workspace.folder import Workspace


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
        review = t.review_limits(catalog.meta.review)
        if region is None:
            assessments.append(assess_city(t, mine, year, as_of, thresholds, review))
        else:
            out = sum_held(t, mine, year, as_of, review)
            assessments.append(
                assess_region(t, region, mine, year, as_of, thresholds, None, review, out)
            )
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
    """A lead or supporting office the file names; else "did you mean" (exit 2)."""
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
class GroupsReport:
    """The regions or lead offices ranked (DESIGN §8), with each target's regions ranked."""

    year: int
    as_of: date
    by: By
    groups: list[Group]  # best first
    rankings: list[Ranking]  # by region only: one per target split among regions


def by_groups(
    workspace: Workspace, as_of: date, by: By, records: Sequence[Record] | None = None
) -> GroupsReport:
    """One group per region (its own figures against its shares) or per lead office (the city
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
            office: [a for a in city.assessments if a.target.owner == office]
            for office in owners_of(catalog.targets)
        }
    else:
        members = {region: [] for region in catalog.meta.regions}
        for t in catalog.targets:
            if not t.split:
                continue
            mine = series_of(grouped.get(t.id, ()))
            review = t.review_limits(catalog.meta.review)
            out = sum_held(t, mine, workspace.year, as_of, review)
            judged = [
                assess_region(t, r, mine, workspace.year, as_of, thresholds, share, review, out)
                for r, share in t.split
            ]
            for item in judged:
                members[item.region or ""].append(item)
            rankings.append(rank_regions(t, judged))
    groups = ranked_groups([Group(name, items) for name, items in members.items()])
    return GroupsReport(workspace.year, as_of, by, groups, rankings)


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
