"""The read API: what it gives (against the workbook export), paging, filters, tokens, CSV, queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improve.core.audit import Actor
from improve.core.dates import TBD
from improve.core.models import AuditEvent
from improve.core.registry import registry
from improve.interchange import services as interchange_services
from improve.interchange.api import selectors, services
from improve.interchange.api.listing import BOM
from improve.interchange.api.models import ApiToken
from improve.interchange.api.tests.conftest import bearer
from improve.programmes.models import Role
from improve.programmes.tests.factories import PlanItemFactory, UserFactory
from improve.tests_room.models import Note
from improve.tests_room.room import ROOM as NOTES_ROOM


def url(programme, register: str, **params) -> str:
    base = reverse("api:register", args=[programme.slug, register])
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{base}?{query}" if query else base


def _expected(value, column_type: str):
    if isinstance(value, dt.date):
        return value.isoformat()
    if column_type in ("int", "date", "plandate"):
        return value
    return "" if value is None else str(value)  # text; money as the exact amount (a Decimal's text)


def all_rows(client: Client, programme, register: str) -> list[dict]:
    rows, address = [], url(programme, register, page_size=1000)
    while address:
        page = client.get(address).json()
        rows += page["results"]
        address = page["next"]
    return rows


# --- what the API gives ------------------------------------------------------------------------------


def test_every_register_gives_the_workbook_export_typed_for_json(bd, token_for):
    """Each sheet of every room (plan lines, strands, dependencies, risks, decisions, budget lines …)."""
    _user, secret = token_for(bd)
    client = bearer(secret)
    export = interchange_services.workbook_export(programme=bd)
    for spec in registry.sheets():
        types = {c.name: c.type for c in spec.columns}
        expected = [
            {c: _expected(row.get(c), types[c]) for c in spec.column_names} for row in export.get(spec.name, [])
        ]
        got = all_rows(client, bd, spec.name)
        assert got == expected, spec.name
        assert all(list(row) == spec.column_names for row in got), spec.name
    for name in ("plan_items", "strands", "dependencies", "risks", "issues", "decisions", "budget_lines"):
        assert export[name], f"B&D has {name}"


def test_values_are_typed_dates_iso_numbers_numbers_money_exact_text(bd, token_for):
    _user, secret = token_for(bd)
    client = bearer(secret)
    line = next(r for r in all_rows(client, bd, "plan_items") if r["uid"] == "1")
    assert line["start"] == "2018-06-01" and line["end"] == "2019-04-18"
    assert line["level"] == 1 and line["percent_complete"] == 100  # numbers, not text
    budget = {r["code"]: r for r in all_rows(client, bd, "budget_lines")}
    assert budget["endorsed"]["original_estimate"] == "953000.00"  # £953k printed in the PID, as exact text
    assert b"953000.00" in client.get(url(bd, "budget_lines")).content  # never a float such as 953000.0


def test_a_plan_date_still_to_be_decided_is_tbd(programme, member):
    PlanItemFactory(strand=programme.strands.get(code="1"), uid="90", start_date=None, start_tbd=True)
    client = member(Role.ANALYST)
    rows = {r["uid"]: r for r in all_rows(client, programme, "plan_items")}
    assert rows["90"]["start"] == TBD


def test_the_lists_of_programmes_and_registers(bd, programme, token_for):
    _user, secret = token_for(bd)
    client = bearer(secret)
    listed = client.get(reverse("api:programmes")).json()["results"]
    assert [p["slug"] for p in listed] == [bd.slug]  # only the programmes the caller belongs to
    registers = client.get(reverse("api:programme", args=[bd.slug])).json()["registers"]
    assert [r["name"] for r in registers] == [s.name for s in interchange_services.sheet_specs()]
    plan = next(r for r in registers if r["name"] == "plan_items")
    assert plan["url"].endswith(f"/api/programmes/{bd.slug}/plan_items/")
    assert plan["csv"].endswith("plan_items/?format=csv")
    assert client.get(reverse("api:programme", args=[programme.slug])).status_code == 404  # not a member


@pytest.fixture
def notes_room():
    registry.register(NOTES_ROOM)
    yield NOTES_ROOM
    registry.unregister(NOTES_ROOM.label)


def test_a_room_that_arrives_brings_its_register(programme, member, notes_room):
    """The test-only room registers a "notes" sheet; the API serves and describes it without naming it."""
    Note.objects.create(programme=programme, code="n1", text="=1+1")
    client = member(Role.ANALYST)
    assert client.get(url(programme, "notes")).json()["results"] == [{"code": "n1", "text": "=1+1"}]
    assert "'=1+1" in client.get(url(programme, "notes", format="csv")).content.decode()
    schema = client.get(reverse("api:schema")).json()
    assert "/api/programmes/{slug}/notes/" in schema["paths"]
    assert list(schema["components"]["schemas"]["Notes"]["properties"]) == ["code", "text"]


def test_an_unknown_register_is_404_naming_the_registers(programme, member):
    response = member(Role.ANALYST).get(url(programme, "nothing"))
    assert response.status_code == 404
    assert response.json()["detail"].startswith("There is no register called 'nothing': the registers are programme")


# --- paging and filters ------------------------------------------------------------------------------


def test_pages_follow_each_other_in_a_stable_order(bd, token_for):
    _user, secret = token_for(bd)
    client = bearer(secret)
    whole = client.get(url(bd, "plan_items", page_size=1000)).json()
    first = client.get(url(bd, "plan_items", page_size=30)).json()
    assert (first["count"], first["pages"], first["page"], first["previous"]) == (whole["count"], 3, 1, None)
    assert first["next"].endswith("page_size=30&page=2") or "page=2" in first["next"]
    paged, address = [], url(bd, "plan_items", page_size=30)
    while address:
        page = client.get(address).json()
        paged += page["results"]
        address = page["next"]
    assert paged == whole["results"]
    last = client.get(url(bd, "plan_items", page_size=30, page=3)).json()
    assert last["next"] is None and "page=2" in last["previous"]
    assert client.get(url(bd, "plan_items")).json()["page_size"] == 100  # the default


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": 0}, "page: '0' is not allowed: use a whole number from 1"),
        ({"page_size": 1001}, "page_size: '1001' is not allowed: use a whole number from 1 to 1,000"),
        ({"end_from": "31/02/2019"}, "end_from: '31/02/2019' is not a date: use yyyy-mm-dd"),
        ({"modifed": "x"}, "modifed: this register takes no such parameter: it takes page, page_size, format"),
        ({"format": "xlsx"}, "format: 'xlsx' is not allowed: use json or csv"),
    ],
)
def test_a_query_that_cannot_be_read_is_400_naming_the_parameter(programme, member, params, message):
    response = member(Role.ANALYST).get(url(programme, "plan_items", **params))
    assert response.status_code == 400
    assert response.json()["detail"].startswith(message)


def test_a_page_past_the_last_is_404(programme, member):
    response = member(Role.ANALYST).get(url(programme, "plan_items", page=9))
    assert response.status_code == 404
    assert response.json()["detail"] == "page: there is no page 9: this register has 1 page"


def test_date_columns_filter_the_register(bd, token_for):
    _user, secret = token_for(bd)
    client = bearer(secret)
    every = all_rows(client, bd, "plan_items")
    got = client.get(url(bd, "plan_items", end_from="2019-04-01", end_to="30/06/2019", page_size=1000)).json()
    expected = [r for r in every if r["end"] not in (None, TBD) and "2019-04-01" <= r["end"] <= "2019-06-30"]
    assert 0 < got["count"] == len(expected) < len(every)
    assert got["results"] == expected
    empty = client.get(url(bd, "plan_items", end_from="2019-06-01", end_to="2019-05-01")).json()
    assert empty["count"] == 0 and empty["results"] == []


# --- tokens ------------------------------------------------------------------------------------------


def test_a_token_is_kept_hashed_and_its_making_and_revoking_audited(programme):
    user = UserFactory(email="analyst@example.org")
    token, secret = services.api_token_create(actor=Actor(user=user), user=user, name="Power BI")
    assert secret.startswith("io_") and len(secret) > 40
    stored = ApiToken.objects.values().get(pk=token.pk)
    assert secret not in str(stored) and stored["digest"] == services.token_digest(secret)
    services.api_token_revoke(actor=Actor(user=user), token=token)
    actions = list(AuditEvent.objects.filter(object_type="interchange_api.apitoken").values_list("action", flat=True))
    assert sorted(actions) == ["archive", "create"]
    assert secret not in str(list(AuditEvent.objects.values("before", "after")))


def test_a_token_carries_its_users_role(bd, token_for):
    _user, analyst = token_for(bd, Role.ANALYST)
    _user, viewer = token_for(bd, Role.VIEWER)
    assert bearer(analyst).get(url(bd, "risks")).status_code == 200
    response = bearer(viewer).get(url(bd, "risks"))  # a viewer may not download the workbook
    assert response.status_code == 403 and response.json()["detail"]


def test_revoked_unknown_or_misplaced_tokens_are_refused_with_401(programme, token_for):
    user, secret = token_for(programme)
    assert bearer(secret).get(url(programme, "strands")).status_code == 200
    token = ApiToken.objects.get(user=user)
    assert token.last_used_at is not None
    for client in (
        bearer("io_not-a-token"),
        Client(HTTP_AUTHORIZATION=f"Token {secret}"),
        Client(HTTP_AUTHORIZATION="Bearer"),
    ):
        response = client.get(url(programme, "strands"))
        assert response.status_code == 401
        assert response.json()["detail"]
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert Client().get(url(programme, "strands") + f"?token={secret}").status_code == 401  # not in the address
    services.api_token_revoke(actor=Actor(user=user), token=token)
    response = bearer(secret).get(url(programme, "strands"))
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_last_use_is_stamped_at_most_once_a_minute(programme, token_for):
    user, secret = token_for(programme)
    bearer(secret).get(url(programme, "strands"))
    token = ApiToken.objects.get(user=user)
    first = token.last_used_at
    services.api_token_touch(token=token, now=first + dt.timedelta(seconds=30))
    token.refresh_from_db()
    assert token.last_used_at == first
    services.api_token_touch(token=token, now=first + dt.timedelta(minutes=2))
    token.refresh_from_db()
    assert token.last_used_at == first + dt.timedelta(minutes=2)


def test_the_session_works_and_the_api_is_read_only(programme, member):
    client = member(Role.PMO_OFFICER)
    assert client.get(url(programme, "strands")).status_code == 200
    assert client.post(url(programme, "strands"), {}).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(client.user)  # type: ignore[attr-defined]
    assert strict.post(url(programme, "strands"), {}).status_code == 403  # CSRF stays on for writes


# --- the token page ----------------------------------------------------------------------------------


def test_the_token_page_makes_shows_once_and_revokes(programme, member):
    client = member(Role.ANALYST)
    page = reverse("api:tokens")
    home = client.get(reverse("programmes:home"), follow=True).content.decode()
    assert f'<a class="io-header__link" href="{page}">API tokens</a>' in home  # every page's header
    assert "You have no API tokens" in client.get(page).content.decode()
    response = client.post(page, {"name": "Power BI dashboard"}, follow=True)
    text = response.content.decode()
    token = ApiToken.objects.get()
    secret = text.split('id="new-token"')[1].split(">")[1].split("<")[0]
    assert token.digest == services.token_digest(secret) and "Power BI dashboard" in text
    again = client.get(page).content.decode()
    assert secret not in again and token.prefix in again and "Never" in again
    bearer(secret).get(url(programme, "strands"))
    assert "Never" not in client.get(page).content.decode()
    response = client.post(page, {"revoke": token.pk}, follow=True)
    assert "has been revoked" in response.content.decode()
    assert ApiToken.all_objects.get().revoked


def test_the_token_page_says_what_is_wrong_and_guards_others_tokens(programme, member):
    client = member(Role.ANALYST)
    response = client.post(reverse("api:tokens"), {"name": ""})
    assert response.status_code == 400 and "Enter a name for the token" in response.content.decode()
    other = UserFactory(email="other@example.org")
    token, _secret = services.api_token_create(actor=Actor(user=other), user=other, name="theirs")
    assert client.post(reverse("api:tokens"), {"revoke": token.pk}).status_code == 404
    assert not ApiToken.all_objects.get(pk=token.pk).revoked


# --- CSV ---------------------------------------------------------------------------------------------


def test_csv_has_a_bom_uk_dates_exact_money_and_no_formulas(bd, programme, member, token_for):
    PlanItemFactory(strand=programme.strands.get(code="1"), uid="91", title='=HYPERLINK("http://x")')
    PlanItemFactory(strand=programme.strands.get(code="1"), uid="92", title="@SUM(A1)", team="+44 20")
    PlanItemFactory(strand=programme.strands.get(code="1"), uid="93", title="-2+3", notes="\tcmd")
    response = member(Role.ANALYST).get(url(programme, "plan_items", format="csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="test-council-2019-plan_items.csv"' in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith(BOM + "uid,level,kind")
    assert "'=HYPERLINK" in body and "'@SUM(A1)" in body and "'+44 20" in body and "'-2+3" in body and "'\tcmd" in body
    assert "18/04/2019" in body  # dates dd/mm/yyyy
    _user, secret = token_for(bd)
    money = bearer(secret).get(url(bd, "budget_lines", format="csv")).content.decode("utf-8")
    assert ",953000.00," in money
    assert bearer(secret).get(url(bd, "budget_lines"), HTTP_ACCEPT="text/csv").content.decode().startswith(BOM)


# --- queries -----------------------------------------------------------------------------------------


def _queries(client: Client, address: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx.captured_queries)


def test_the_query_count_stays_flat_as_the_register_grows(programme, token_for):
    from django.core.cache import cache

    _user, secret = token_for(programme)
    client = bearer(secret)
    address = url(programme, "plan_items", page_size=1000)
    client.get(address)  # the token's last use is stamped (at most once a minute)
    cache.clear()
    selectors._KEPT.clear()
    small = _queries(client, address)
    kept = _queries(client, address)  # the export is kept until the programme changes
    strand = programme.strands.get(code="2")
    for n in range(60):
        PlanItemFactory(strand=strand, uid=f"g{n}")
    cache.clear()
    selectors._KEPT.clear()
    assert _queries(client, address) == small
    assert _queries(client, address) == kept < small
