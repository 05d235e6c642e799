"""The view of `tltrack review`: the figures a review rule finds unusual, a section for each
unit that sent them, each with what the rules found and its explanation or 待核实."""

from __future__ import annotations

from typing import Any

from tltrack.app.review import ReviewReport
from tltrack.domain.figures import source_parts
from tltrack.domain.review import Finding
from tltrack.text.lang import Lang, text
from tltrack.views.cells import source_words, value_text
from tltrack.views.view import Cell, Column, Row, Section, View


def review(report: ReviewReport, lang: Lang, compact: bool) -> View:
    columns = [
        Column("unit", text(lang, "col_reporter"), in_table=False),
        Column("id", "id", in_table=False),
        Column("name", text(lang, "name"), wraps=True),
        Column("region", text(lang, "region"), in_table=False),
        Column("period", text(lang, "period")),
        Column("value", text(lang, "actual"), numeric=True),
        Column("rules", text(lang, "col_review_found"), wraps=True),
        Column("explanation", text(lang, "col_explanation"), wraps=True),
        Column("review", "review", in_table=False),
        Column("by", text(lang, "by"), in_table=not compact),
        Column("source", text(lang, "col_source"), wraps=True, in_table=not compact),
        Column("sha256", "sha256", in_table=False),
    ]
    sections: dict[str, list[Row]] = {}
    for unit, finding in report.findings:
        sections.setdefault(unit, []).append(_row(lang, unit, finding))
    waiting = sum(1 for _, f in report.findings if not f.explained)
    title = (
        text(lang, "review_title", year=report.year)
        if report.period is None
        else text(lang, "review_title_period", year=report.year, period=report.period.label)
    )
    return View(
        title=title,
        columns=columns,
        sections=[Section(unit or text(lang, "the_city"), rows) for unit, rows in sections.items()],
        data=lambda: _json(report),
        summary=text(lang, "review_summary", count=len(report.findings), waiting=waiting)
        if report.findings
        else "",
        empty=text(lang, "review_none"),
    )


def _row(lang: Lang, unit: str, finding: Finding) -> Row:
    record, target = finding.record, finding.target
    name, digest = source_parts(record.source)
    said = text(lang, "review_join").join(s.say(lang) for s in finding.said)
    status = "explained" if finding.explained else "pending"
    return {
        "unit": Cell(unit, unit),
        "id": Cell(target.id, target.id),
        "name": Cell(target.name, target.name),
        "region": Cell(record.region, record.region or ""),
        "period": Cell(finding.period.label, finding.period.label),
        "value": Cell(record.value, value_text(lang, target, record.value)),
        "rules": Cell(";".join(finding.rules), said),
        "explanation": Cell(
            record.explanation or None,
            record.explanation or text(lang, "pending_review"),
            "" if finding.explained else "bold yellow",
        ),
        "review": Cell(status, status),
        "by": Cell(record.by, record.by),
        "source": Cell(name or None, source_words(lang, record.source)),
        "sha256": Cell(digest, digest or ""),
    }


def _json(report: ReviewReport) -> dict[str, Any]:
    figures = []
    for unit, finding in report.findings:
        record = finding.record
        name, digest = source_parts(record.source)
        figures.append(
            {
                "unit": unit,
                "id": finding.target.id,
                "name": finding.target.name,
                "region": record.region,
                "period": finding.period.label,
                "value": record.value,
                "rules": list(finding.rules),
                "found": [s.say("en") for s in finding.said],
                "review": "explained" if finding.explained else "pending",
                "explanation": record.explanation or None,
                "by": record.by,
                "source": name or None,
                "sha256": digest,
            }
        )
    period = None if report.period is None else report.period.label
    return {"year": report.year, "period": period, "figures": figures}
