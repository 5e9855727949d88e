"""IDs, codes and dates: what the forms accept, and pages that survive stored data that breaks the rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from improve.programmes.models import Dependency, PlanItem, Programme, Project, Role, Stage, Strand
from improve.programmes.tests.factories import PlanItemFactory
from improve.programmes.tests.test_views import edit_data

DATE_RANGE = "Enter a date between 01/01/1990 and 31/12/2100"
BAD_KEYS = ["9/1", "..", ".", "a b", "x" * 41, "1?2"]


def errors_of(response) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    return response.context["form"].errors


# --- IDs and codes ------------------------------------------------------------------------------


@pytest.mark.parametrize("uid", BAD_KEYS)
def test_a_line_id_a_url_cannot_carry_is_refused(programme, pmo, uid):
    item = PlanItem.objects.get(programme=programme, uid="23")
    response = pmo.post(reverse("programmes:item-create", args=[programme.slug]), edit_data(item, uid=uid))
    assert "letters, digits" in " ".join(errors_of(response)["uid"])
    assert not PlanItem.objects.filter(uid=uid).exists()


@pytest.mark.parametrize("uid", ["1.2", "A-1_b", "101", "TOM2"])
def test_ids_like_the_examples_are_accepted(programme, pmo, uid):
    item = PlanItem.objects.get(programme=programme, uid="23")
    response = pmo.post(reverse("programmes:item-create", args=[programme.slug]), edit_data(item, uid=uid))
    assert response.status_code == 302
    assert pmo.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("programmes:strand-create", {"code": "s/1", "name": "Strand S", "order": "3"}),
        ("programmes:stage-create", {"code": "s/1", "name": "Stage S", "order": "3"}),
        ("programmes:project-create", {"code": "p/1", "name": "Project P"}),
        ("programmes:strand-create", {"code": "..", "name": "Strand S", "order": "3"}),
    ],
)
def test_codes_a_url_cannot_carry_are_refused(programme, pmo, url_name, data):
    if url_name == "programmes:project-create":
        data["strand"] = str(Strand.objects.get(programme=programme, code="1").pk)
    response = pmo.post(reverse(url_name, args=[programme.slug]), data)
    assert "letters, digits" in " ".join(errors_of(response)["code"])
    assert pmo.get(reverse("programmes:overview", args=[programme.slug])).status_code == 200
    assert not Strand.objects.filter(code=data["code"]).exists()
    assert not Stage.objects.filter(code=data["code"]).exists()
    assert not Project.objects.filter(code=data["code"]).exists()


def test_the_model_refuses_a_bad_id_too(programme):
    item = PlanItem.objects.get(programme=programme, uid="1")
    item.uid = "9/1"
    with pytest.raises(ValidationError) as exc:
        item.full_clean()
    assert "uid" in exc.value.message_dict


@pytest.fixture
def stored_bad_keys(programme):
    """A plan whose IDs and codes were stored before they were checked (bypassing validation)."""
    s1 = Strand.objects.get(programme=programme, code="1")
    bad = PlanItemFactory(strand=s1, uid="tmp1", title="Bad slash line", status="not_started", rag="red")
    dots = PlanItemFactory(strand=s1, uid="tmp2", title="Bad dots line", kind="gate", gate_type="decision")
    good = PlanItem.objects.get(programme=programme, uid="1")
    PlanItem.objects.filter(pk=bad.pk).update(
        uid="9/1", parent=good, end_date=dt.date(2019, 1, 1), start_date=dt.date(2018, 1, 1)
    )
    PlanItem.objects.filter(pk=dots.pk).update(uid="..", end_date=dt.date.today() + dt.timedelta(days=10))
    PlanItem.objects.filter(pk=good.pk).update(parent=None)
    PlanItem.objects.filter(programme=programme, uid="17").update(parent=bad)
    Dependency.objects.create(programme=programme, predecessor=good, successor=bad, type="FS", lag_days=400)
    Dependency.objects.create(programme=programme, predecessor=bad, successor=good)
    Project.objects.create(programme=programme, strand=s1, code="p/1", name="Project with a slash")
    Stage.objects.filter(programme=programme).update(code="s/1")
    Strand.objects.filter(pk=s1.pk).update(code="x/1")
    return programme


@pytest.mark.parametrize(
    ("url_name", "args"),
    [
        ("programmes:overview", []),
        ("programmes:plan", []),
        ("programmes:timeline", []),
        ("programmes:owners", []),
        ("programmes:item", ["1"]),
        ("programmes:item", ["17"]),
        ("programmes:item-edit", ["17"]),
    ],
)
def test_pages_survive_stored_ids_a_url_cannot_carry(stored_bad_keys, pmo, url_name, args):
    response = pmo.get(reverse(url_name, args=[stored_bad_keys.slug, *args]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "/9/1/" not in body and "/../" not in body and "/p/1/" not in body and "/s/1/" not in body


def test_lines_with_bad_ids_are_still_shown_without_a_link(stored_bad_keys, pmo):
    slug = stored_bad_keys.slug
    plan = pmo.get(reverse("programmes:plan", args=[slug])).content.decode()
    assert "Bad slash line" in plan and "Bad dots line" in plan
    item = pmo.get(reverse("programmes:item", args=[slug, "17"])).content.decode()
    assert "9/1 Bad slash line" in item


def test_baseline_page_survives_stored_bad_ids(stored_bad_keys, pmo):
    slug = stored_bad_keys.slug
    response = pmo.post(reverse("programmes:baseline-create", args=[slug]), {"name": "Before"})
    PlanItem.objects.filter(programme=stored_bad_keys, uid="9/1").update(end_date=dt.date(2019, 6, 1))
    assert pmo.get(response["Location"]).status_code == 200


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize("date", ["31/12/9999", "01/01/0001", "31/12/1989", "01/01/2101"])
def test_plan_dates_outside_the_programme_range_are_refused(programme, pmo, date):
    item = PlanItem.objects.get(programme=programme, uid="1")
    url = reverse("programmes:item-edit", args=[programme.slug, "1"])
    assert errors_of(pmo.post(url, edit_data(item, end=date)))["end"] == [DATE_RANGE]
    assert errors_of(pmo.post(url, edit_data(item, start=date)))["start"] == [DATE_RANGE]
    item.refresh_from_db()
    assert item.end_date == dt.date(2019, 4, 18) and item.version == 1


@pytest.mark.parametrize("date", ["01/01/1990", "31/12/2100"])
def test_the_ends_of_the_range_are_accepted(programme, pmo, date):
    item = PlanItem.objects.get(programme=programme, uid="23")
    url = reverse("programmes:item-edit", args=[programme.slug, "23"])
    data = edit_data(item, start="", end=date)
    assert pmo.post(url, data).status_code == 302


def test_stage_and_programme_dates_are_checked_too(programme, pmo):
    stage = pmo.post(
        reverse("programmes:stage-create", args=[programme.slug]),
        {"code": "late", "name": "Late", "start": "01/01/2019", "end": "31/12/9999", "order": "2"},
    )
    assert errors_of(stage)["end"] == [DATE_RANGE]
    data = {"council": "Test", "name": "P", "strand_term": "strand", "start_date": "01/01/0001", "version": "1"}
    assert errors_of(pmo.post(reverse("programmes:edit", args=[programme.slug]), data))["start_date"] == [DATE_RANGE]
    programme.refresh_from_db()
    assert programme.start_date == dt.date(2019, 4, 1)


def test_the_model_refuses_a_date_out_of_range(programme):
    item = PlanItem.objects.get(programme=programme, uid="1")
    item.end_date = dt.date(9999, 12, 31)
    with pytest.raises(ValidationError) as exc:
        item.full_clean()
    assert exc.value.message_dict["end_date"] == [DATE_RANGE]


@pytest.mark.parametrize("extreme", [dt.date(9999, 12, 31), dt.date(1, 1, 1)])
def test_timeline_survives_stored_dates_out_of_range(programme, pmo, extreme):
    PlanItem.objects.filter(programme=programme, uid="1").update(end_date=extreme, start_date=extreme)
    PlanItem.objects.filter(programme=programme, uid="17").update(end_date=extreme)
    Stage.objects.filter(programme=programme).update(end_date=extreme)
    Programme.objects.filter(pk=programme.pk).update(end_date=extreme)
    response = pmo.get(reverse("programmes:timeline", args=[programme.slug]))
    assert response.status_code == 200
    assert len(response.content) < 500_000  # not a chart two thousand years wide


# --- smaller ------------------------------------------------------------------------------------


def test_owner_zero_is_not_found_not_an_add_form(programme, pmo):
    assert pmo.get(reverse("programmes:owner-edit", args=[programme.slug, 0])).status_code == 404


def test_each_strand_links_to_its_change_page_for_those_who_may_edit(programme, pmo, member):
    url = reverse("programmes:overview", args=[programme.slug])
    change = reverse("programmes:strand-edit", args=[programme.slug, "1"])
    assert change in pmo.get(url).content.decode()
    assert pmo.get(change).status_code == 200
    viewer = member(Role.VIEWER)
    assert change not in viewer.get(url).content.decode()


@pytest.fixture
def lead(programme, member):
    """A workstream lead of strand 1 only (line 23 is in strand 2)."""
    return member(Role.WORKSTREAM_LEAD, strands=[Strand.objects.get(programme=programme, code="1")])


def test_a_lead_cannot_put_their_line_under_a_line_in_a_strand_they_do_not_lead(programme, lead):
    item = PlanItem.objects.get(programme=programme, uid="1")
    url = reverse("programmes:item-edit", args=[programme.slug, "1"])
    errors = errors_of(lead.post(url, edit_data(item, parent="23")))
    assert errors["parent"] == [
        "Line 23 is in Service Design, which you do not lead: choose a line in a strand you lead"
    ]
    item.refresh_from_db()
    assert item.parent is None and item.version == 1
    created = lead.post(
        reverse("programmes:item-create", args=[programme.slug]), edit_data(item, uid="99", parent="23")
    )
    assert "parent" in errors_of(created) and not PlanItem.objects.filter(uid="99").exists()


def test_a_lead_keeps_a_parent_set_by_someone_else_and_may_use_their_own_lines(programme, lead):
    item = PlanItem.objects.get(programme=programme, uid="17")
    PlanItem.objects.filter(pk=item.pk).update(parent=PlanItem.objects.get(programme=programme, uid="23"))
    item.refresh_from_db()
    url = reverse("programmes:item-edit", args=[programme.slug, "17"])
    assert lead.post(url, edit_data(item, title="Kept under 23")).status_code == 302
    assert lead.post(url, edit_data(item, parent="1", version=2)).status_code == 302


def test_a_lead_cannot_make_their_line_depend_on_a_line_in_another_strand(programme, lead):
    url = reverse("programmes:dependency-add", args=[programme.slug, "1"])
    response = lead.post(url, {"predecessor": "23", "type": "FS", "lag_days": "0"})
    assert errors_of(response)["predecessor"] == [
        "Line 23 is in Service Design, which you do not lead: choose a line in a strand you lead"
    ]
    assert not Dependency.objects.exists()
    assert lead.post(url, {"predecessor": "17", "type": "FS", "lag_days": "0"}).status_code == 302
