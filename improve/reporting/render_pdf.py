"""A board pack as a tagged PDF (PDF/UA-1), drawn by WeasyPrint from the pack's HTML.

WeasyPrint writes the structure tree from the HTML (headings, lists, tables with their header
cells, figures with their text alternative), the document's title (the HTML ``<title>``) and its
language (``lang``); ``pdf/ua-1`` asks for all of it. See decision 0019.
"""

from __future__ import annotations

from improve.core.document import Pack
from improve.reporting.render_html import pack_document_html

PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True, "custom_metadata": True}


def pack_pdf(pack: Pack) -> bytes:
    """The pack as PDF bytes: A4 portrait, cover, contents with page numbers, one section a page on."""
    from weasyprint import HTML  # imported here: it loads pango, which only the PDF needs

    data = HTML(string=pack_document_html(pack, "print")).write_pdf(**PDF_OPTIONS)
    assert data is not None
    return bytes(data)
