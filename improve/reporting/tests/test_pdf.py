"""The PDF is tagged for screen readers (PDF/UA): structure tree, language, title, headings, tables, figures.

The PDF is read back with pikepdf (its structure) and pypdfium2 (its text), as a checker would.
"""

import datetime as dt
import io
from collections import Counter

import pikepdf
import pypdfium2
import pytest

from improve.reporting import formats, packs

pytestmark = pytest.mark.django_db


def _elements(node, found):
    if isinstance(node, pikepdf.Array):
        for kid in node:
            _elements(kid, found)
    elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
        found.append(node)
        if "/K" in node:
            _elements(node.K, found)


@pytest.fixture
def october_pdf(bd, cib, samples):
    pack = packs.pack_build(bd, cib, month=dt.date(2019, 10, 1))
    return pack, formats.render(pack, "pdf")


def test_the_pdf_is_tagged_with_its_language_title_and_structure(october_pdf):
    pack, data = october_pdf
    pdf = pikepdf.open(io.BytesIO(data))
    assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
    assert str(pdf.Root.Lang) == "en-GB"
    assert str(pdf.docinfo.Title) == "Children's Improvement Board: October 2019"
    assert bool(pdf.Root.ViewerPreferences.get("/DisplayDocTitle"))
    elements = []
    _elements(pdf.Root.StructTreeRoot.K, elements)
    kinds = Counter(str(e.S) for e in elements)
    assert kinds["/H1"] == 1 and kinds["/H2"] >= 1 + len(pack.sections)  # contents + each section
    assert kinds["/Table"] >= 2 and kinds["/TH"] >= 7 and kinds["/Figure"] >= 1
    figure = next(e for e in elements if str(e.S) == "/Figure")
    assert "strand 3: 0 red, 1 amber, 8 green" in str(figure.get("/Alt", ""))


def test_the_pdf_has_every_section_its_contents_and_page_numbers(october_pdf):
    pack, data = october_pdf
    document = pypdfium2.PdfDocument(data)
    pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    text = "\n".join(pages)
    for section in pack.sections:
        assert section.title in text
    assert "Contents" in pages[0] and "London Borough of Barking and Dagenham" in pages[0]
    assert f"Page 2 of {len(pages)}" in pages[1] and "Draft" in pages[1]
    # the plan table's header row is repeated on the page it runs on to
    assert sum("Variance" in page for page in pages) >= 2
    document.close()
