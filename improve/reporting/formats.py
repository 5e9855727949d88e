"""The formats a board pack is rendered in, and the one place each renderer is called from."""

from __future__ import annotations

from dataclasses import dataclass

from improve.core.document import Pack


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    extension: str
    content_type: str


FORMATS: dict[str, Format] = {
    f.key: f
    for f in (
        Format("pdf", "PDF", "pdf", "application/pdf"),
        Format("docx", "Word", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        Format("xlsx", "Excel", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        Format("html", "HTML", "html", "text/html; charset=utf-8"),
    )
}


class FormatUnavailableError(Exception):
    """A name that is not one of the pack's formats: the message lists them."""


def available(fmt: str) -> bool:
    return fmt in FORMATS


def render(pack: Pack, fmt: str) -> bytes:
    """The pack in ``fmt`` ("pdf", "docx", "xlsx" or "html") as bytes."""
    if fmt == "pdf":
        from improve.reporting.render_pdf import pack_pdf

        return pack_pdf(pack)
    if fmt == "html":
        from improve.reporting.render_html import pack_document_html

        return pack_document_html(pack, "page").encode("utf-8")
    if fmt == "docx":
        from improve.reporting.render_docx import pack_docx

        return pack_docx(pack)
    if fmt == "xlsx":
        from improve.reporting.render_xlsx import pack_xlsx

        return pack_xlsx(pack)
    raise FormatUnavailableError(f"'{fmt}' is not a pack format: choose one of {', '.join(FORMATS)}")
