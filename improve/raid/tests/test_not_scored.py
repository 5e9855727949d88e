"""A risk named in a paper without scores is recorded "not yet scored": refused only when half-scored,
shown so on every page, listed first on the register, beside the heat map, and safe for the appetite."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from improve.core.models import AuditEvent
from improve.interchange import services as interchange
from improve.interchange.tests.conftest import ACTOR as IMPORT
from improve.interchange.tests.conftest import load
from improve.raid import selectors, services
from improve.raid.models import Action, Risk
from improve.raid.tests.conftest import ACTOR


def url(name, programme, *args):
    return reverse(f"raid:{name}", args=[programme.slug, *args])


@pytest.fixture
def unscored(programme, risk):
    """Besides the scored R1 (12 Amber): R2, named but not yet scored."""
    services.appetite_set(actor=ACTOR, programme=programme, category="financial", max_score=4)
    return services.risk_create(
        actor=ACTOR,
        programme=programme,
        data={"reference": "R2", "title": "Recruitment could slip", "category": "financial"},
    )


def test_a_risk_without_scores_is_recorded_not_yet_scored(unscored):
    risk = Risk.objects.get(pk=unscored.pk)
    assert not risk.is_scored and risk.residual is None and risk.inherent_score is None
    assert risk.residual_score is None and risk.band == "" and not risk.above(4)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"residual_likelihood": 3}, "residual_impact", "Give both the likelihood and the impact now, or neither"),
        ({"inherent_impact": 2}, "inherent_likelihood", "likelihood and the impact before mitigation, or neither"),
        ({"target_likelihood": 1, "target_impact": 1}, "target_likelihood", "Score the risk now before"),
        ({"residual_likelihood": 6, "residual_impact": 2}, "residual_likelihood", "6 is outside the scale"),
    ],
)
def test_a_half_scored_risk_is_refused_naming_the_field_and_nothing_is_saved(programme, data, field, message):
    before = (Risk.all_objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as raised:
        services.risk_create(actor=ACTOR, programme=programme, data={"reference": "R9", "title": "Half", **data})
    assert message in " ".join(raised.value.message_dict[field])
    assert (Risk.all_objects.count(), AuditEvent.objects.count()) == before


def test_the_register_lists_risks_not_yet_scored_first_and_filters_them(programme, pmo, unscored):
    page = pmo.get(url("risks", programme)).content.decode()
    assert page.index("Recruitment could slip") < page.index("Demand could rise")
    assert page.count("Not yet scored") >= 2  # before and now, in words
    only = pmo.get(url("risks", programme) + "?not_scored=on").content.decode()
    assert "Recruitment could slip" in only and "Demand could rise" not in only
    above = pmo.get(url("risks", programme) + "?above_appetite=on").content.decode()
    assert "Recruitment could slip" not in above  # no score: not above its appetite (4)


def test_the_risk_page_says_not_yet_scored(programme, pmo, unscored):
    page = pmo.get(url("risk", programme, "R2")).content.decode()
    assert "This risk is not yet scored" in page and "Above appetite" not in page
    assert "likelihood  ×" not in page


def test_the_heat_map_names_the_risks_not_yet_scored_beside_the_grid(programme, pmo, unscored):
    grid = selectors.heat_map(programme)
    assert grid.total == 1 and [r.reference for r in grid.not_scored] == ["R2"]
    page = pmo.get(url("heat-map", programme)).content.decode()
    assert "1 open risk scored: 0 green, 1 amber, 0 red." in page
    assert "1 open risk not yet scored</a>, so not on the grid" in page
    assert "R2</a> Recruitment could slip" in page


def test_the_overview_counts_them_and_the_forms_accept_no_scores(programme, pmo, unscored):
    assert selectors.overdue(programme, today=dt.date(2019, 6, 1)).not_scored == 1
    response = pmo.post(
        url("risk-create", programme),
        {"reference": "R3", "title": "Named in a paper", "category": "delivery", "status": "open"},
    )
    assert response.status_code == 302 and not Risk.objects.get(reference="R3").is_scored
    half = pmo.post(
        url("risk-create", programme),
        {"reference": "R4", "title": "Half", "category": "delivery", "status": "open", "residual_impact": "H"},
    )
    assert half.status_code == 200 and "Give both the likelihood and the impact now" in half.content.decode()


def test_havering_and_cambridgeshire_risks_are_transcribed_not_yet_scored(db):
    havering = load("havering-2019").programme
    slip = Risk.objects.get(programme=havering, reference="R1")
    assert (
        slip.title == "Some risk of slippage due to having to recruit external resource for aspects of the initiative"
    )
    assert not slip.is_scored and slip.category == "financial"
    assert Action.objects.filter(risk=slip).count() == 2
    cambs = load("cambridgeshire-2016").programme
    risks = {r.reference: r for r in Risk.objects.filter(programme=cambs)}
    assert risks["R1"].title == "Risks in this area to individuals, communities and the Council's reputation are high"
    assert risks["R2"].title == "The risks associated with changing and developing services"
    assert not any(r.is_scored for r in risks.values())
    assert list(Action.objects.filter(risk=risks["R2"]).order_by("reference").values_list("title", flat=True)) == [
        "Careful programme management",
        "Wide consultation before making any significant operational changes",
    ]
    grid = selectors.heat_map(cambs)
    assert grid.total == 0 and len(grid.not_scored) == 2


def test_the_workbook_keeps_a_risk_not_yet_scored_and_refuses_a_half_scored_one(db):
    programme = load("havering-2019").programme
    first = interchange.workbook_export(programme=programme)
    row = first["risks"][0]
    assert [row[f"{b}_{s}"] for b in ("inherent", "residual") for s in ("likelihood", "impact")] == [None] * 4
    assert not interchange.workbook_import(actor=IMPORT, sheets=first).has_changes
    half = {**first, "risks": [{**row, "residual_likelihood": "M"}]}
    result = interchange.workbook_import(actor=IMPORT, sheets=half)
    assert not result.ok
    assert any(
        "risks / row 2 / residual_impact / Give both the likelihood and the impact now" in str(p)
        for p in result.problems
    )
