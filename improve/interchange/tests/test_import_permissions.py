"""An upload changes only what the importer's role keeps: the money sheets by the finance lead and
the programme manager, closing a year's periods by the finance lead alone (docs/workbook.md)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from improve.core.models import AuditEvent
from improve.interchange import services
from improve.interchange.tests.conftest import load
from improve.interchange.tests.test_views import SESSION_KEY, upload
from improve.interchange.workbook import xlsx_bytes
from improve.programmes.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bd():
    return load("barking-dagenham-2019").programme


def signed_in(programme, role: str) -> Client:
    user = UserFactory(email=f"{role}@example.org")
    MembershipFactory(user=user, programme=programme, role=role)
    client = Client()
    client.force_login(user)
    return client


def preview(client: Client, programme, sheets) -> str:
    url = reverse("interchange:import", args=[programme.slug])
    response = client.post(url, {"file": upload("bd.xlsx", xlsx_bytes(sheets))})
    assert response.status_code == 200
    return response.content.decode()


def renamed_line(programme):
    sheets = services.workbook_export(programme=programme)
    line = next(r for r in sheets["budget_lines"] if r["code"] == "endorsed")
    before = line["name"]
    line["name"] = "CSG budget (renamed)"
    return sheets, before


def test_a_pmo_officer_may_not_change_the_money_by_import_and_nothing_is_written(bd):
    sheets, before = renamed_line(bd)
    plan = next(r for r in sheets["plan_items"] if r["uid"] == "1")
    plan["title"] = "A plan change the PMO officer may make"
    client = signed_in(bd, "pmo_officer")
    events = AuditEvent.objects.count()
    html = preview(client, bd, sheets)
    assert "There is a problem" in html
    assert (
        f"Changing name from {before} needs the permission to change budget lines, amounts, funding and "
        "allocations (finance lead, programme manager): leave it as exported"
    ) in html
    assert "budget_lines" in html
    assert SESSION_KEY not in client.session  # nothing to confirm
    assert AuditEvent.objects.count() == events


def test_a_pmo_officer_may_import_the_whole_workbook_changing_only_the_plan(bd):
    sheets = services.workbook_export(programme=bd)
    next(r for r in sheets["plan_items"] if r["uid"] == "1")["title"] = "A plan change the PMO officer may make"
    client = signed_in(bd, "pmo_officer")
    html = preview(client, bd, sheets)
    assert "Check the changes before you import them" in html
    token = client.session[SESSION_KEY]["token"]
    response = client.post(reverse("interchange:import-confirm", args=[bd.slug]), {"token": token})
    assert response.status_code == 302


def test_the_programme_manager_changes_the_money_but_only_the_finance_lead_closes_periods(bd):
    sheets, _ = renamed_line(bd)
    client = signed_in(bd, "programme_manager")
    assert "Check the changes before you import them" in preview(client, bd, sheets)

    year = sheets["financial_years"][0]
    year["closed_to"] = 3
    html = preview(client, bd, sheets)
    assert (
        "financial_years</td>" in html
        and "Changing closed_to from 0 needs the permission to close a period (finance lead)" in html
    )
