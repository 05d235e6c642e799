"""The views of the status table's commands: status, check and record (the status line of
the figure just recorded)."""

from __future__ import annotations

from typing import Any

from tltrack.app.check import CheckResult
from tltrack.app.missing import MissingReport
from tltrack.app.recording import RecordOutcome
from tltrack.app.status import StatusReport
from tltrack.text.lang import Lang, text
from tltrack.views.cells import (
    missing_line,
    review_notes,
    rollup_notes,
    summary_text,
    value_text,
)
from tltrack.views.view import (
    Section,
    View,
    assessment_json,
    assessment_sections,
    stale_notes,
    status_columns,
    status_row,
)


def unknown_metric_warnings(lang: Lang, report: StatusReport) -> list[str]:
    return [
        f"{text(lang, 'warning')}: "
        + text(
            lang,
            "unknown_records",
            records=report.records_name,
            metric=metric,
            targets=report.targets_name,
        )
        for metric in report.unknown_metrics
    ]


def status(report: StatusReport, lang: Lang, compact: bool) -> View:
    title = text(lang, "status_title", year=report.year, as_of=report.as_of.isoformat())
    if report.region is not None:
        title = text(lang, "region_title", region=report.region, title=title)
    if report.sample:
        title += text(lang, "sample_mark")
    return View(
        title=title,
        columns=status_columns(lang, compact),
        sections=assessment_sections(lang, report.assessments, compact, grouped=True),
        data=lambda: {
            "year": report.year,
            "as_of": report.as_of.isoformat(),
            "summary": report.summary,
            "targets": [assessment_json(a) for a in report.assessments],
        },
        summary=summary_text(lang, report.summary),
        notes=stale_notes(lang, report.assessments, report.stale_after_days)
        + other_years_note(lang, report),
        empty=text(lang, "no_match"),
        messages=unknown_metric_warnings(lang, report),
    )


def check(result: CheckResult, lang: Lang, compact: bool) -> View:
    report = result.report
    verdict = text(
        lang,
        "check_line",
        result=text(lang, "check_failed" if result.failed else "check_passed"),
        lagging=len(result.lagging),
        behind=report.summary["behind"],
        at_risk=report.summary["at_risk"],
        missed=report.summary["missed"],
        stale=len(result.stale),
        levels=",".join(result.fail_on),
    )
    notes = []
    if result.stale:
        names = ", ".join(f"{a.target.name} ({a.period})" for a in result.stale)
        notes.append(
            (text(lang, "stale_list", days=report.stale_after_days, names=names), "yellow")
        )
    notes += [(line, "yellow") for line in rollup_notes(lang, report.assessments)]
    notes += [(line, "yellow") for line in review_notes(lang, report.assessments)]
    notes += missing_notes(lang, result.missing)
    notes.append((verdict, ""))
    sample = text(lang, "sample_mark") if report.sample else ""
    return View(
        title=text(lang, "check_title", year=report.year, as_of=report.as_of.isoformat()) + sample,
        columns=status_columns(lang, compact),
        sections=assessment_sections(lang, result.lagging, compact, grouped=False),
        data={
            "year": report.year,
            "as_of": report.as_of.isoformat(),
            "fail_on": list(result.fail_on),
            "failed": result.failed,
            "summary": report.summary,
            "lagging": [assessment_json(a) for a in result.lagging],
            "stale": [assessment_json(a) for a in result.stale],
            "missing": missing_json(result.missing),
        },
        notes=notes,
        empty=text(lang, "no_lag"),
        messages=unknown_metric_warnings(lang, report),
    )


def other_years_note(lang: Lang, report: StatusReport) -> list[tuple[str, str]]:
    """Which year this is, when the folder holds others, and how to see another."""
    if not report.other_years:
        return []
    years = text(lang, "list_sep").join(str(year) for year in report.other_years)
    return [(text(lang, "other_years", year=report.year, years=years), "dim")]


def missing_json(report: MissingReport | None) -> dict[str, Any] | None:
    """`missing --format json`'s document (DESIGN §8)."""
    if report is None:
        return None
    return {
        "year": report.year,
        "period": None if report.period is None else report.period.label,
        "missing": [
            # "unit": the key of DESIGN §8's contract, which scripts read.
            {"unit": m.reporter, "by": m.by, "targets": [t.id for t in m.targets]}
            for m in report.missing
        ],
    }


def missing_notes(lang: Lang, report: MissingReport | None) -> list[tuple[str, str]]:
    """One line naming who has not reported, and how many figures each owes."""
    said = missing_line(lang, report)
    return [(said, "yellow")] if said else []


def record(result: RecordOutcome, lang: Lang, compact: bool) -> View:
    change, target = result.change, result.assessment.target
    r = change.record
    shown = value_text(lang, target, r.value)
    old = value_text(lang, target, change.previous.value) if change.previous else ""
    metric = (
        r.metric if r.region is None else text(lang, "of_region", metric=r.metric, region=r.region)
    )
    said = text(lang, change.outcome, metric=metric, period=r.period, value=shown, old=old)
    return View(
        title="",
        columns=status_columns(lang, compact),
        sections=[Section("", [status_row(lang, result.assessment, compact)])],
        data={"outcome": change.outcome, **assessment_json(result.assessment)},
        fields=[(text(lang, "region"), r.region)] if r.region is not None else [],
        notes=stale_notes(lang, [result.assessment], result.stale_after_days),
        messages=[said] if result.converted is None else [result.converted.say(lang), said],
    )
