"""The bulletin's bytes in the format asked for: each format's renderer, chosen by name."""

from __future__ import annotations

from tltrack.documents.bulletin import Bulletin
from tltrack.documents.markdown import markdown
from tltrack.text.lang import Lang


def document(b: Bulletin, fmt: str, lang: Lang) -> bytes:
    """The bulletin's bytes in a document format: markdown, html, pdf, xlsx or docx."""
    if fmt == "markdown":
        return markdown(b, lang).encode("utf-8")
    if fmt in ("html", "pdf"):
        from tltrack.documents.page import html_document, pdf_bytes  # each format loads its own

        page = html_document(b, lang)
        return pdf_bytes(page) if fmt == "pdf" else page.encode("utf-8")
    if fmt == "xlsx":
        from tltrack.documents.workbook import xlsx_bytes  # XlsxWriter, only for a workbook

        return xlsx_bytes(b, lang)
    from tltrack.documents.word import docx_bytes  # python-docx and lxml, only for Word

    return docx_bytes(b, lang)
