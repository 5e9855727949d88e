"""The summary as .xlsx: its subtotals and totals are live formulas, and they give the page's figures."""

import io
import re
from decimal import Decimal as D  # noqa: N817 - the amounts read better

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from improve.finance import selectors, services
from improve.finance import summary as summary_table
from improve.finance.services import AmountEntry
from improve.finance.tests.world import SYSTEM, small_budget
from improve.finance.workbook_summary import summary_xlsx_bytes
from improve.interchange.tests.conftest import load
from improve.modelling.money import cabinet
from improve.programmes.models import Role

REF = re.compile(r"\$?([A-Z]+)\$?(\d+)")


class Sheet:
    """A tiny evaluator of the formulas the summary writes: =A1, +, -, SUM, SUMIF, MAX (exact, in Decimal)."""

    def __init__(self, ws):
        self.cells = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}

    def value(self, ref):
        raw = self.cells.get(ref.replace("$", ""))
        if raw is None:
            return None
        if isinstance(raw, str) and raw.startswith("="):
            return self.formula(raw[1:])
        if isinstance(raw, (int, float)):
            return D(repr(raw)) if isinstance(raw, float) else D(raw)
        return raw

    def cells_in(self, area):
        (c1, r1), (c2, r2) = (REF.fullmatch(part).groups() for part in area.split(":"))
        if r1 == r2 and len(c1) == len(c2) == 1:  # along a row
            return [f"{chr(c)}{r1}" for c in range(ord(c1), ord(c2) + 1)]
        assert c1 == c2, area  # down a column
        return [f"{c1}{r}" for r in range(int(r1), int(r2) + 1)]

    def formula(self, text):
        if m := re.fullmatch(r"SUM\(([^)]+)\)", text):
            return sum((self.value(c) or D(0) for c in self.cells_in(m.group(1))), D(0))
        if m := re.fullmatch(r'SUMIF\(([^,]+),"(\w+)",([^)]+)\)', text):
            kinds, values = self.cells_in(m.group(1)), self.cells_in(m.group(3))
            return sum(
                (self.value(v) or D(0) for k, v in zip(kinds, values, strict=True) if self.value(k) == m.group(2)),
                D(0),
            )
        if m := re.fullmatch(r"MAX\(0,(.+)\)", text):
            return max(D(0), self.formula(m.group(1)))
        total, sign = D(0), 1
        for token in re.findall(r"[+-]|[$A-Z]+\$?\d+", text):
            if token in "+-":
                sign = 1 if token == "+" else -1
            else:
                total += sign * (self.value(token) or D(0))
        return total

    def row_of(self, label, last=False):
        rows = [int(ref[1:]) for ref, v in self.cells.items() if ref.startswith("A") and v == label]
        return rows[-1] if last else rows[0]


def shown(sheet, row, columns):
    """A row's figures as the page shows them (£000, brackets), blank cells blank."""
    out = []
    for col in columns:
        ref = f"{col}{row}"
        out.append("" if ref not in sheet.cells else cabinet(sheet.value(ref)))
    return out


@pytest.fixture
def budget(programme):
    found = small_budget(programme)
    services.amounts_set(
        actor=SYSTEM,
        line=found["line"],
        year=found["y1"],
        entries=[
            AmountEntry(0, planned=D("953000.00"), projected=D("968000.00")),
            AmountEntry(1, actual=D("41250.00")),
        ],
    )
    return found


def test_every_subtotal_and_total_is_a_formula_and_gives_the_page_s_figures(programme, budget):
    summary = selectors.budget_summary(programme)
    book = load_workbook(io.BytesIO(summary_xlsx_bytes(summary, 2019)))
    ws = book["Summary"]
    sheet = Sheet(ws)
    rows = summary_table.table(summary, 2019)
    for page_row in rows:
        if page_row.kind == "group":
            continue
        row = sheet.row_of(page_row.label, last=page_row.kind != "line")  # a line may be called Contingency
        if page_row.kind != "line":
            formulas = [ws[f"{c}{row}"].value for c in "BCDEFG"]
            assert all(
                isinstance(f, str) and f.startswith(("=SUM", "=B", "=C", "=D", "=E", "=F", "=G")) for f in formulas
            ), (
                page_row.label,
                formulas,
            )
        expected = [cell or ("0" if page_row.kind != "line" else "") for cell in page_row.cells]
        assert shown(sheet, row, "BCDEFG") == expected, page_row.label
    assert ws["B" + str(sheet.row_of("Programme total"))].value == "=B9+B10"
    assert ws["B9"].value.startswith("=SUMIF($J$") and ws["B9"].number_format == "#,##0,;(#,##0,);0"
    # Funding against requirement, per year and in all.
    funding = summary_table.funding(summary)
    years = ["H", "I", "J"][: len(summary.years)]
    for page_row in funding:
        row = sheet.row_of(page_row.label)
        assert shown(sheet, row, [*years, "J"]) == page_row.cells, page_row.label
    additional = sheet.row_of("Additional funding required")
    assert ws[f"H{additional}"].value == f"=MAX(0,H{additional - 3}-H{additional - 1})"
    assert sheet.value(f"H{additional}") == D("1000.00")


def test_the_example_s_spreadsheet_gives_its_summary(db):
    programme = load("barking-dagenham-2019").programme
    summary = selectors.budget_summary(programme)
    sheet = Sheet(load_workbook(io.BytesIO(summary_xlsx_bytes(summary, 2019)))["Summary"])
    total = sheet.row_of("Programme total")
    assert shown(sheet, total, "C") == ["1,096"] and sheet.value(f"C{total}") == D("1096000.00")
    assert sheet.value(f"H{sheet.row_of('Available funding')}") == D("1095000.00")


def test_the_summary_page_links_to_its_spreadsheet(programme, budget, member):
    client = member(Role.VIEWER)
    page = client.get(reverse("finance:summary", args=[programme.slug]) + "?year=2020-21").content.decode()
    assert 'summary.xlsx?year=2020-21"' in page
    response = client.get(reverse("finance:summary-xlsx", args=[programme.slug]) + "?year=2020-21")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{programme.slug}-money-2020-21.xlsx"'
    ws = load_workbook(io.BytesIO(response.content))["Summary"]
    assert ws["A1"].value.endswith("programme budget, 2020/21 (£000)")
