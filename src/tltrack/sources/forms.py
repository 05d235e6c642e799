"""Returned fill-in forms (填报表) read back: their marks checked against the target file (the
office or region, the period, the year), and each row's figure taken where it may report it and
the locked cells are as sent."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from tltrack.domain.catalog import Catalog
from tltrack.domain.forms import (
    CSV_SEALED,
    FORM_SHEET,
    HEADERS,
    LOCKED,
    REPORTER_HEADER,
    Form,
    by_kind,
    carried,
    form_figure,
    reporters_of,
    seal_matches,
)
from tltrack.domain.periods import Period, parse_period
from tltrack.domain.targets import Target
from tltrack.domain.values import number
from tltrack.errors import DataError, Message, msg
from tltrack.files.form_key import KEY_NAME
from tltrack.sources.rows import MAX_CELL_CHARS, FormTable, SourceRow, cell_text


class ReturnedForm(NamedTuple):
    """A returned form's figures as import rows, and its problems by row number."""

    rows: list[SourceRow]
    problems: list[tuple[int, Message]]
    # A figure left blank with a note: the reason it is not reported, said back to the office.
    explained: list[Message]


def returned_form(
    catalog: Catalog, path: Path, table: FormTable, period: Period | None, key: bytes | None
) -> ReturnedForm:
    """A returned form's figures, checked against the target file. A form whose seal does not
    match (`key`: the data folder's, see files.form_key) is refused whole, as is one for
    another year or period, or for an office or region the target file does not name; a row
    that changed a locked cell or names a target it does not carry is a problem of that row."""
    if table.by not in REPORTER_HEADER:
        raise DataError("form_marks", file=path.name)
    key = _check_seal(path, table, key)
    form = _recognise(catalog, path, period, table.by, table.reporter, table.period, table.year)
    if table.header is None or [_cell(c) for c in table.header[:8]] != list(HEADERS):
        raise DataError("form_header", file=path.name, sheet=FORM_SHEET)
    snapshot = None
    if table.snapshot is not None:
        snapshot = {
            metric: tuple(_cell(c) for c in cells) for metric, cells in table.snapshot.items()
        }
    return _rows(catalog, path, form, table, snapshot, key)


def _check_seal(path: Path, table: FormTable, key: bytes | None) -> bytes:
    """The form's marks and locked cells are those it was sent with: its seal, made with the
    data folder's key when it was written, matches them (domain.forms.seal). The hidden
    sheet of an .xlsx is protected by no password an office cannot remove; the seal is what
    binds a form to its office or region."""
    if key is None:
        raise DataError("form_no_key", file=path.name, key=KEY_NAME)
    if table.row_marks is None:  # an .xlsx form: one seal over its marks sheet
        if not table.seal:
            raise DataError("form_unsealed", file=path.name)
        locked = [
            cell
            for cells in (table.snapshot or {}).values()
            for cell in [*cells, *[None] * len(LOCKED)][: len(LOCKED)]
        ]
        marks = (table.by, table.reporter, table.period, table.year)
        if not seal_matches(key, table.seal, *marks, *locked):
            raise DataError("form_seal", file=path.name)
        return key
    # A CSV form: a seal on each row, checked with the row (_rows), after its locked cells,
    # so that a changed cell is said as such.
    if not any(said for _, _, said in table.row_marks):
        raise DataError("form_unsealed", file=path.name)
    return key


def _recognise(
    catalog: Catalog,
    path: Path,
    period: Period | None,
    by: str,
    reporter: Any,
    period_mark: Any,
    year: Any,
) -> Form:
    """The form's own marks, checked against the target file and the period imported."""
    name = str(reporter or "")
    if name.startswith("'") and name[1:] in reporters_of(catalog, by_kind(by)):
        name = name[1:]  # written with an apostrophe so it cannot start a formula
    kind = by_kind(by)
    if name not in reporters_of(catalog, kind):
        raise DataError("form_reporter", file=path.name, reporter=name, by=msg(f"by_{kind}"))
    try:
        form_period = parse_period(str(period_mark or ""))
    except DataError:
        raise DataError("form_marks", file=path.name) from None
    try:
        form_year = int(year) if isinstance(year, int | float) else form_period.year
    except (OverflowError, ValueError):  # inf, nan
        raise DataError("form_marks", file=path.name) from None
    if form_year != catalog.year or form_period.year != catalog.year:
        raise DataError("form_year", file=path.name, year=form_year, expected=catalog.year)
    if period is not None and form_period.end != period.end:
        raise DataError(
            "form_period", file=path.name, period=form_period.label, expected=period.label
        )
    return Form(kind, name, form_period, catalog.year, [])


def _cell(value: Any) -> str:
    """A locked cell as text to compare: a number as the form wrote it."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if isinstance(value, int) and value.bit_length() > 64:
            return cell_text(value)
        if math.isfinite(value):
            return number(float(value), 6)
    return cell_text(value)


def _rows(
    catalog: Catalog,
    path: Path,
    form: Form,
    table: FormTable,
    snapshot: dict[str, tuple[str, ...]] | None,
    key: bytes,
) -> ReturnedForm:
    mine = {t.id: t for t in carried(catalog, form.by, form.reporter)}
    rows: list[SourceRow] = []
    problems: list[tuple[int, Message]] = []
    explained: list[Message] = []
    number_in_file = 0
    marks: Sequence[tuple[Any, Any, Any] | None] = [*(table.row_marks or [])]
    marks = [*marks, *[None] * (len(table.body) - len(marks))]
    whys: list[Any] = [*(table.explanations or [])][: len(table.body)]
    whys = [*whys, *[None] * (len(table.body) - len(whys))]
    for (where, cells), row_marks, explanation in zip(table.body, marks, whys, strict=True):
        cells = [*cells, *[None] * (8 - len(cells))][:8]
        texts = [_cell(c) for c in cells]
        texts[6:] = [cell_text(c) for c in cells[6:]]  # the figure as typed, never rounded
        if not any(texts):
            continue  # a blank row
        number_in_file += 1
        label = SourceRow(number_in_file, where, {}).label
        if any(len(t) > MAX_CELL_CHARS for t in texts):
            raise DataError("cell_too_long", file=path.name, row=label, length=max(map(len, texts)),
                            limit=MAX_CELL_CHARS)  # fmt: skip

        def refuse(message: Message, n: int = number_in_file, at: Message = label) -> None:
            problems.append((n, msg("row_problem", file=path.name, row=at, problem=message)))

        metric = texts[0]
        if metric not in mine:
            known = catalog.by_id.get(metric)
            if known is not None:
                refuse(
                    msg("form_not_carried", metric=known.name, id=metric, reporter=form.reporter)
                )
            else:
                refuse(msg("form_unknown_metric", metric=metric))
            continue
        if snapshot is None:
            expected: tuple[str, ...] | None = _catalog_cells(mine[metric], form)
        else:
            expected = snapshot.get(metric)
        changed = _changed(texts, expected)
        if changed:
            refuse(msg("form_locked", column=changed))
            continue
        if row_marks is not None:  # a CSV form's row: sealed with its office and period
            reporter, period_mark, said = row_marks
            if not seal_matches(key, said, table.by, reporter, period_mark, *cells[:CSV_SEALED]):
                raise DataError("form_seal", file=path.name)
        if not texts[6]:  # not reported this period: `missing` lists it
            if texts[7]:
                name = mine[metric].name
                said = msg("blank_explained", file=path.name, row=label, metric=name, note=texts[7])
                explained.append(said)
            continue
        fields = {
            "metric": metric,
            "period": form.period.label,
            "value": texts[6],
            "note": texts[7],
            "unit": "",
            "region": form.reporter if form.by == "region" else "",
            "reporter": form.reporter,
            "explanation": cell_text(explanation),
        }
        rows.append(SourceRow(number_in_file, where, fields))
    return ReturnedForm(rows, problems, explained)


def _catalog_cells(target: Target, form: Form) -> tuple[str, ...]:
    """The locked cells a CSV form must still hold: what the target file says of them."""
    goal = target.target if form.by == "owner" else dict(target.split)[form.reporter]
    return (target.id, target.name, target.unit, form_figure(goal))


def _changed(texts: Sequence[str], expected: tuple[str, ...] | None) -> str | None:
    """The header of the first locked cell whose text differs from what the form was sent
    with (a CSV form: from the target file, for the cells it fixes)."""
    if expected is None:
        return LOCKED[0]
    for header, now, then in zip(LOCKED, texts, expected, strict=False):
        # A text cell that would start a formula was written with a leading apostrophe.
        if now != then and now != "'" + then:
            return header
    return None
