"""The bulletin as Markdown: the default of `tltrack report`, to stdout."""

from __future__ import annotations

from tltrack.documents.bulletin import TOP_LAGGING, Bulletin, full_title, table_headers, table_row
from tltrack.documents.sections import (
    count_sentence,
    markdown_sections,
)
from tltrack.documents.words import lag_line
from tltrack.text.lang import Lang, text
from tltrack.text.safe import markdown_text
from tltrack.views.cells import summary_text


def markdown(b: Bulletin, lang: Lang) -> str:
    r = b.report
    out = [f"# {markdown_text(full_title(b, lang))}", ""]
    if b.options.issue is not None:
        out += [text(lang, "issue_no", issue=b.options.issue), ""]
    if b.options.issuer:
        out += [markdown_text(b.options.issuer), ""]
    out += [
        b.as_of_words(lang),
        "",
        f"## {text(lang, 'headline')}",
        "",
        markdown_text(b.lead(lang)),
        "",
        summary_text(lang, r.summary),
        "",
        count_sentence(lang, r.summary),
        "",
        f"### {text(lang, 'most_behind')}",
        "",
    ]
    if b.lagging:
        lagging = b.lagging[:TOP_LAGGING]
        out += [f"{i}. {markdown_text(lag_line(lang, a))}" for i, a in enumerate(lagging, 1)]
    else:
        out.append(text(lang, "none_behind"))
    stale = b.stale
    if stale:
        names = ", ".join(f"{a.target.name} ({a.period})" for a in stale)
        out += ["", markdown_text(text(lang, "stale_list", days=r.stale_after_days, names=names))]
    out += markdown_sections(lang, r, b.sections)
    for category, items in b.categories():
        out += [
            "",
            f"## {markdown_text(category)}",
            "",
            _md_table(table_headers(b, lang), [table_row(b, lang, a) for a in items]),
        ]
    if stale:
        out += ["", text(lang, "stale_note", mark="\\*", days=r.stale_after_days)]
    return "\n".join(out) + "\n"


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(markdown_text(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
