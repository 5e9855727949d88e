"""The formats a board pack is rendered in, and the one place each renderer is called from."""

from __future__ import annotations

import importlib
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

#: The Word and Excel renderers: module and function (the "docs" part of the reporting room).
_OFFICE = {
    "docx": ("improve.reporting.render_docx", "pack_docx"),
    "xlsx": ("improve.reporting.render_xlsx", "pack_xlsx"),
}


class FormatUnavailableError(Exception):
    """A format whose renderer is not installed: the message says which."""


def available(fmt: str) -> bool:
    if fmt not in _OFFICE:
        return fmt in FORMATS
    module, name = _OFFICE[fmt]
    try:
        return hasattr(importlib.import_module(module), name)
    except ModuleNotFoundError:
        return False


def render(pack: Pack, fmt: str) -> bytes:
    """The pack in ``fmt`` ("pdf", "docx", "xlsx" or "html") as bytes."""
    if fmt == "pdf":
        from improve.reporting.render_pdf import pack_pdf

        return pack_pdf(pack)
    if fmt == "html":
        from improve.reporting.render_html import pack_document_html

        return pack_document_html(pack, "page").encode("utf-8")
    if fmt in _OFFICE:
        if not available(fmt):
            module, name = _OFFICE[fmt]
            raise FormatUnavailableError(
                f"{FORMATS[fmt].label} packs are not available in this installation ({module}.{name} is missing)"
            )
        module, name = _OFFICE[fmt]
        data: bytes = getattr(importlib.import_module(module), name)(pack)
        return data
    raise FormatUnavailableError(f"'{fmt}' is not a pack format: choose one of {', '.join(FORMATS)}")
