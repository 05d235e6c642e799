"""The views of commands about files: what an import did, and what validate found."""

from __future__ import annotations

from collections.abc import Mapping

from tltrack.app.importing import ImportResult
from tltrack.app.recording import Change
from tltrack.app.validation import ValidationResult
from tltrack.domain.values import number
from tltrack.text.lang import Lang, text
from tltrack.views.view import (
    Cell,
    Column,
    Row,
    Section,
    View,
)


def imported(
    result: ImportResult,
    lang: Lang,
    names: Mapping[str, str] | None = None,
    listed: bool = True,
) -> View:
    """What an import did; `names` (id: name) shows each target by the name people wrote.
    Without `listed` people get the counts only: a month of 10,000 rows is not read row by
    row on a terminal (scripts get every row in JSON and CSV all the same)."""
    names = names or {}
    counts = {o: result.tally(o) for o in ("added", "unchanged", "corrected")}
    columns = [
        Column("outcome", text(lang, "col_outcome")),
        Column("source", text(lang, "col_source"), wraps=True, min_width=10),
        Column("metric", text(lang, "name"), wraps=True, min_width=8),
        Column(
            "region", text(lang, "region"), in_table=any(c.record.region for c in result.changes)
        ),
        Column("period", text(lang, "period")),
        Column("value", text(lang, "value"), numeric=True),
        Column("previous", text(lang, "col_previous"), numeric=True),
    ]

    def row(c: Change) -> Row:
        return {
            "outcome": Cell(c.outcome, text(lang, f"outcome_{c.outcome}")),
            "source": Cell(
                None if c.source is None else str(c.source),
                "" if c.source is None else c.source.say(lang),
            ),
            "metric": Cell(c.record.metric, names.get(c.record.metric, c.record.metric)),
            "region": Cell(c.record.region, c.record.region or ""),
            "period": Cell(c.record.period, c.record.period),
            "value": Cell(c.record.value, number(c.record.value)),
            "previous": Cell(
                c.previous.value if c.previous else None,
                number(c.previous.value) if c.previous else "",
            ),
        }

    key = "import_dry" if result.dry_run else "import_done"
    files = [path.name for path in result.paths]
    shown_files = files[0] if len(files) == 1 else text(lang, "n_files", count=len(files))
    payload = {"file": files[0], "files": files, "dry_run": result.dry_run, **counts}
    # Rows are made only where they are shown: JSON and CSV, or a listed table.
    shown = [row(c) for c in result.changes if c.outcome != "unchanged"] if listed else []
    return View(
        title="",
        columns=columns,
        sections=[Section("", shown)],
        data=lambda: {
            **payload,
            "changes": [{k: cell.value for k, cell in row(c).items()} for c in result.changes],
        },
        messages=[
            *(said.say(lang) for said in result.explained),
            *(said.say(lang) for said in result.converted),
            text(lang, key, file=shown_files, **counts),
            *(
                [text(lang, "import_explained", count=explained)]
                if (explained := result.tally("explained"))
                else []
            ),
        ],
    )


def validation(result: ValidationResult, lang: Lang) -> View:
    keys = ("file", "line", "target", "field", "message")
    columns = [Column(k, text(lang, f"col_{k}"), k == "line", k == "message") for k in keys]
    rows: list[Row] = [
        {
            "file": Cell(p.file, p.file),
            "line": Cell(p.line, "" if p.line is None else str(p.line)),
            "target": Cell(p.target_id, p.target_id or ""),
            "field": Cell(p.field, p.field or ""),
            "message": Cell(str(p.message), p.message.say(lang)),
        }
        for p in result.problems
    ]
    messages = [f"{text(lang, 'note_prefix')}: {note.say(lang)}" for note in result.notes]
    if result.problems:
        files = len({p.file for p in result.problems})
        messages.append(text(lang, "problems_found", count=len(result.problems), files=files))
    else:
        messages += [text(lang, "valid_file", file=name, count=n) for name, n in result.files]
    return View(
        title="",
        columns=columns,
        sections=[Section("", rows)],
        data={
            "valid": not result.problems,
            "notes": [str(note) for note in result.notes],
            "files": [{"file": name, "entries": n} for name, n in result.files],
            "problems": [{**{k: row[k].value for k in keys}} for row in rows],
        },
        messages=messages,
        lines=[p.say(lang) for p in result.problems],
    )
