"""The board pack's document model freezes to JSON and back exactly, and the registry lists sections."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from improve.core import document as doc
from improve.core.registry import PackSection, Registry, Room


def _section() -> doc.Section:
    return doc.Section(
        key="money",
        title="Money",
        summary="As at 31/10/2019",
        blocks=(
            doc.Heading("Revenue position"),
            doc.Paragraph("Spend is on plan."),
            doc.BulletList(("one", "two")),
            doc.Status("Overall", "Amber", "two lines over"),
            doc.Note("Two figures disagree", tone="warning"),
            doc.table(
                "Programme resources",
                ["Role", doc.Column("Cost", numeric=True)],
                [
                    ["Practice lead", doc.Cell(Decimal("95312.50"), "money", unit="£", places=2)],
                    [doc.Cell("Total", total=True), doc.Cell(Decimal("-1095.4"), "money", unit="£000", total=True)],
                    ["Start", doc.Cell(dt.date(2019, 4, 1), "date")],
                ],
            ),
            doc.Chart(
                "Spend by month",
                "bar",
                ("Apr", "May"),
                (doc.Series("Actual", (Decimal("12.3"), None)), doc.Series("Plan", (10, 11))),
                "Actual spend was 12.3 in April against a plan of 10.",
                unit="£000",
                category_label="Month",
                series_label="Measure",
            ),
        ),
    )


def test_a_section_survives_freezing_through_json_exactly() -> None:
    section = _section()
    frozen = json.loads(json.dumps(doc.section_to_data(section)))
    thawed = doc.section_from_data(frozen)
    assert thawed == section
    table = next(b for b in thawed.blocks if isinstance(b, doc.Table))
    assert table.rows[0][1].value == Decimal("95312.50")
    assert isinstance(table.rows[2][1].value, dt.date)


def test_a_pack_survives_freezing_through_json_exactly() -> None:
    pack = doc.Pack(
        title="Children's Improvement Board: October 2019",
        programme="Children's Improvement Programme",
        council="London Borough of Barking and Dagenham",
        board="Children's Improvement Board",
        as_at=dt.date(2019, 10, 31),
        period_start=dt.date(2019, 10, 1),
        status="Draft",
        sections=(_section(),),
    )
    assert doc.pack_from_data(json.loads(json.dumps(doc.pack_to_data(pack)))) == pack


def test_the_registry_lists_every_rooms_sections_in_order_and_refuses_a_key_twice() -> None:
    reg = Registry()
    reg.register(Room("a", "A", sections=(PackSection("late", "Late", build=lambda ctx: None, order=50),)))
    reg.register(Room("b", "B", sections=(PackSection("early", "Early", build=lambda ctx: None, order=10),)))
    assert [s.key for s in reg.pack_sections()] == ["early", "late"]
    reg.register(Room("c", "C", sections=(PackSection("early", "Again", build=lambda ctx: None),)))
    with pytest.raises(ValueError, match="'early'"):
        reg.pack_sections()
