"""Charts drawn as SVG: accessible, honestly scaled, labelled, deterministic; and their PNG and data table."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from defusedxml import ElementTree as SafeET
from PIL import Image

from improve.core import document as doc
from improve.reporting import charts
from improve.reporting.tests.render_samples import ALL_CHARTS, FUNDING_CHART, RAG_CHART, REFERRALS_CHART, SPEND_CHART

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root: ET.Element = SafeET.fromstring(svg)
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def bars(root: ET.Element) -> list[ET.Element]:
    """The data bars (not the legend's swatches)."""
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "mark"]


@pytest.mark.parametrize("chart", ALL_CHARTS, ids=lambda c: c.chart)
def test_every_chart_is_an_accessible_svg(chart: doc.Chart) -> None:
    root = parse(charts.chart_svg(chart))
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == chart.title
    assert desc is not None and desc.text == chart.description
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "script" not in charts.chart_svg(chart)
    assert root.get("font-family") == "Helvetica, Arial, sans-serif"


@pytest.mark.parametrize("chart", ALL_CHARTS, ids=lambda c: c.chart)
def test_the_same_chart_gives_the_same_bytes(chart: doc.Chart) -> None:
    assert charts.chart_svg(chart) == charts.chart_svg(chart)


def test_two_charts_on_one_page_never_share_an_id() -> None:
    ids = [set(re.findall(r'id="([^"]+)"', charts.chart_svg(c))) for c in ALL_CHARTS]
    for i, first in enumerate(ids):
        for second in ids[i + 1 :]:
            assert not first & second


def test_text_is_escaped() -> None:
    chart = doc.Chart('Spend <& "costs">', "bar", ("A & B",), (doc.Series("x<y", (1,)),), "1 < 2 & 3")
    root = parse(charts.chart_svg(chart))
    assert root.find(f"{SVG}title").text == 'Spend <& "costs">'  # type: ignore[union-attr]
    assert "A & B" in texts(root)


def test_a_value_twice_as_large_draws_a_bar_twice_as_long_from_zero() -> None:
    chart = doc.Chart("Two", "bar", ("a", "b", "c"), (doc.Series("s", (100, 200, -50)),), "Two bars.", "£000")
    drawn = bars(parse(charts.chart_svg(chart)))
    assert len(drawn) == 3
    heights = [float(r.get("height", "0")) for r in drawn]
    assert heights[1] == pytest.approx(2 * heights[0], abs=0.02)
    assert heights[2] == pytest.approx(heights[0] / 2, abs=0.02)
    # the two positive bars stand on the zero line; the negative one hangs from it
    bottoms = [float(r.get("y", "0")) + float(r.get("height", "0")) for r in drawn[:2]]
    assert bottoms[0] == pytest.approx(bottoms[1], abs=0.01)
    assert float(drawn[2].get("y", "0")) == pytest.approx(bottoms[0], abs=0.01)


def test_stacked_segments_are_proportional_and_negatives_go_below_zero() -> None:
    chart = doc.Chart(
        "Stack",
        "stacked-bar",
        ("y1",),
        (doc.Series("a", (300,)), doc.Series("b", (150,)), doc.Series("c", (-75,))),
        "d",
    )
    a, b, c = bars(parse(charts.chart_svg(chart)))
    ha, hb, hc = (float(r.get("height", "0")) for r in (a, b, c))
    assert ha == pytest.approx(2 * hb, abs=0.02) and hb == pytest.approx(2 * hc, abs=0.02)
    zero = float(a.get("y", "0")) + ha
    assert float(b.get("y", "0")) + hb == pytest.approx(float(a.get("y", "0")), abs=0.01)  # b sits on a
    assert float(c.get("y", "0")) == pytest.approx(zero, abs=0.01)  # c hangs below zero


def test_axis_has_round_ticks_the_unit_and_a_zero_line() -> None:
    root = parse(charts.chart_svg(SPEND_CHART))
    shown = texts(root)
    assert "£000" in shown
    for tick in ("0", "250", "500", "750", "1,000", "1,250", "\u2212250"):
        assert tick in shown


def test_nice_ticks() -> None:
    assert charts.nice_ticks(Decimal(0), Decimal(953)) == [
        Decimal(0),
        Decimal(200),
        Decimal(400),
        Decimal(600),
        Decimal(800),
        Decimal(1000),
    ]
    assert charts.nice_ticks(Decimal(-35), Decimal(1012))[0] == Decimal(-250)
    assert charts.nice_ticks(Decimal(5), Decimal(9)) == [
        Decimal(0),
        Decimal(2),
        Decimal(4),
        Decimal(6),
        Decimal(8),
        Decimal(10),
    ]  # zero always included
    assert charts.nice_ticks(Decimal("0.12"), Decimal("0.43")) == [
        Decimal(0),
        Decimal("0.1"),
        Decimal("0.2"),
        Decimal("0.3"),
        Decimal("0.4"),
        Decimal("0.5"),
    ]
    assert charts.nice_ticks(Decimal(0), Decimal(0)) == [
        Decimal(0),
        Decimal("0.2"),
        Decimal("0.4"),
        Decimal("0.6"),
        Decimal("0.8"),
        Decimal(1),
    ]


def test_value_labels_are_written_with_negatives_as_minus() -> None:
    shown = texts(parse(charts.chart_svg(SPEND_CHART)))
    assert {"953", "1,012", "510", "\u221235", "0"} <= set(shown)


def test_a_missing_value_is_a_gap_not_a_zero() -> None:
    chart = doc.Chart("Gap", "bar", ("a", "b"), (doc.Series("s", (10, None)),), "d")
    assert len(bars(parse(charts.chart_svg(chart)))) == 1
    line = doc.Chart("Gap", "line", ("a", "b", "c", "d", "e"), (doc.Series("s", (1, 2, None, 4, 5)),), "d")
    root = parse(charts.chart_svg(line))
    (path,) = [p for p in root.iter(f"{SVG}path") if p.get("fill") == "none"]
    assert path.get("d", "").count("M") == 2  # two runs, nothing drawn across the gap


def test_series_differ_by_more_than_colour_and_the_legend_names_them() -> None:
    root = parse(charts.chart_svg(SPEND_CHART))
    fills = [r.get("fill", "") for r in bars(root)]
    assert len(set(fills)) == 3  # solid, and two patterns
    assert sum(f.startswith("url(#") for f in set(fills)) == 2
    pattern_ids = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    assert {f[5:-1] for f in fills if f.startswith("url(#")} <= pattern_ids
    assert {"Budget", "Forecast", "Actual to date"} <= set(texts(root))
    lines = parse(charts.chart_svg(REFERRALS_CHART))
    dashes = {p.get("stroke-dasharray") for p in lines.iter(f"{SVG}path") if p.get("fill") == "none"}
    assert len(dashes) == 3


def test_marks_contrast_at_least_three_to_one_with_white() -> None:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for colour in [*charts.PALETTE, *(charts.RAG_STYLE[r][0] for r in ("Red", "Green", "Blue"))]:
        assert (1.05) / (luminance(colour) + 0.05) >= 3, colour


def test_long_categories_are_wrapped_or_rotated_never_overlapping() -> None:
    short = doc.Chart("c", "bar", ("Practice and leadership", "Workforce"), (doc.Series("s", (1, 2)),), "d")
    root = parse(charts.chart_svg(short))
    assert not [t for t in root.iter(f"{SVG}text") if t.get("transform")]
    assert {"Practice and", "leadership"} <= set(texts(root)) or "Practice and leadership" in texts(root)
    many = doc.Chart(
        "c",
        "bar",
        tuple(f"Locality {n} children's centre cluster" for n in range(12)),
        (doc.Series("s", (1,) * 12),),
        "d",
    )
    rotated = [t for t in parse(charts.chart_svg(many)).iter(f"{SVG}text") if "rotate(-45" in t.get("transform", "")]
    assert len(rotated) == 12
    assert all(float(t.get("x", "0")) - charts.text_width(t.text or "", 13) * 0.71 >= -1 for t in rotated)


def test_wrap_breaks_at_spaces_and_refuses_what_cannot_fit() -> None:
    assert charts.wrap("Early help and front door", 100, 13) == ["Early help and", "front door"]
    assert charts.wrap("Supercalifragilistic", 40, 13) is None


def test_rag_grid_writes_each_status_and_has_a_legend() -> None:
    root = parse(charts.chart_svg(RAG_CHART))
    shown = texts(root)
    assert {"R", "A", "G", "B", "\u2013"} <= set(shown)
    assert {"Red", "Amber", "Green", "Blue (complete)", "Not given"} <= set(shown)
    letters = [t for t in shown if t in ("R", "A", "G", "B", "\u2013")]
    cells = len(RAG_CHART.series) * len(RAG_CHART.categories)
    assert len(letters) == cells + 5  # every cell, and the legend's five
    assert "2. Workforce development and" in shown  # long row names wrap


def test_rag_grid_refuses_a_value_that_is_not_a_status() -> None:
    bad = doc.Chart("Status", "rag-grid", ("Apr",), (doc.Series("Strand 1", (7,)),), "d")
    with pytest.raises(ValueError, match="Strand 1.*Apr.*RAG_ORDER"):
        charts.chart_svg(bad)


def test_a_series_of_the_wrong_length_is_refused_with_its_name() -> None:
    bad = doc.Chart("Spend", "bar", ("a", "b"), (doc.Series("Budget", (1,)),), "d")
    with pytest.raises(ValueError, match="'Budget' has 1 values for 2 categories"):
        charts.chart_svg(bad)


@pytest.mark.parametrize("chart", ALL_CHARTS, ids=lambda c: c.chart)
def test_png_opens_at_twice_the_size(chart: doc.Chart) -> None:
    image = Image.open(io.BytesIO(charts.chart_png(chart, width=500)))
    assert image.format == "PNG"
    assert image.size[0] == 1000
    assert image.getextrema() != ((255, 255), (255, 255), (255, 255), (255, 255))  # something drawn


def test_chart_rows_for_money() -> None:
    columns, rows = charts.chart_rows(SPEND_CHART)
    assert [c.label for c in columns] == ["Category", "Budget (£000)", "Forecast (£000)", "Actual to date (£000)"]
    assert [c.numeric for c in columns] == [False, True, True, True]
    assert rows[0][0] == doc.Cell("1. Practice and leadership")
    assert rows[3][2] == doc.Cell(Decimal("-35"), "money", unit="£000")
    assert rows[2][2] == doc.Cell(None, "money", unit="£000")


def test_chart_rows_for_a_stack_add_a_total() -> None:
    columns, rows = charts.chart_rows(FUNDING_CHART)
    assert columns[-1].label == "Total (£000)"
    assert rows[1][-1].value == Decimal("900.5")
    assert rows[1][-1].places == 1


def test_chart_rows_for_a_rag_grid_write_the_status() -> None:
    columns, rows = charts.chart_rows(RAG_CHART)
    assert [c.label for c in columns] == ["Series", *RAG_CHART.categories]
    assert rows[0][1] == doc.Cell("Amber", "rag")
    assert rows[3][1] == doc.Cell("Not given")


def test_chart_rows_for_numbers_keep_the_unit_in_the_heading() -> None:
    columns, rows = charts.chart_rows(REFERRALS_CHART)
    assert columns[1].label == "B&D (%)"
    assert rows[0][1] == doc.Cell(22, "number", unit="%")


@pytest.mark.parametrize("kind", ["bar", "stacked-bar", "line", "rag-grid"])
def test_a_chart_with_nothing_to_show_still_draws(kind: str) -> None:
    for chart in (
        doc.Chart("Empty", kind, (), (), "No data yet."),  # type: ignore[arg-type]
        doc.Chart("Blank", kind, ("Apr", "May"), (doc.Series("s", (None, None)),), "Not reported."),  # type: ignore[arg-type]
    ):
        root = parse(charts.chart_svg(chart))
        assert not bars(root)
        assert charts.chart_rows(chart)[0]
        assert Image.open(io.BytesIO(charts.chart_png(chart))).format == "PNG"
