"""The trajectory and figure-check pages: B&D's Appendix B as printed, disagreements in words."""

import pytest
from django.test import Client
from django.urls import reverse

from improve.finance import selectors
from improve.finance.models import TrajectoryFigure
from improve.interchange.tests.conftest import load
from improve.programmes.models import Role
from improve.programmes.tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def bd(db):
    return load("barking-dagenham-2019").programme


def client_for(programme, role, email):
    user = UserFactory(email=email)
    MembershipFactory(user=user, programme=programme, role=role)
    client = Client()
    client.force_login(user)
    return client


def test_the_trajectory_shows_each_figure_as_printed_beside_what_its_parts_make(bd):
    page = client_for(bd, Role.VIEWER, "v@example.org").get(reverse("finance:trajectory", args=[bd.slug]))
    html = page.content.decode()
    assert page.status_code == 200
    for printed in ("£32.9m", "-£1.12m", "+£922k", "£34.4m", "£2.4m"):
        assert printed in html, printed
    # 2019/20's budget: 32.9 − 1.12 + 1 + 1.56 = £34.34m against £34.4m, within rounding.
    assert "£34.34m" in html
    # 2021/22's budget: 20/21 Budget £35.9m, no movements, against £34.4m: said in words, not only colour.
    assert "Disagrees</strong> from 20/21 Budget, no movements: −£1,500,000 apart" in html
    # The 20/21 TOM Cost Implications cell is blank in the paper and stays blank.
    assert "blank</span>" in html
    assert "Add a printed figure" not in html  # a viewer reads only


def test_the_figure_check_page_lists_every_disagreement_and_the_one_figure(bd):
    html = client_for(bd, Role.BOARD_MEMBER, "b@example.org").get(reverse("finance:figure-check", args=[bd.slug]))
    text = html.content.decode()
    assert "5 printed figures disagree with their parts by more than rounding explains" in text
    assert "21/22 Budget £34.4m: with £35.9m both disagreements go" in text
    assert text.count('<strong class="govuk-tag govuk-tag--red">Disagrees</strong>') == 5


def test_the_figure_check_page_asks_a_fixed_number_of_queries(bd):
    client = client_for(bd, Role.SRO, "s@example.org")
    url = reverse("finance:figure-check", args=[bd.slug])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    year = selectors.year_in(bd, "2021/22")
    from improve.finance import services
    from improve.finance.tests.world import SYSTEM

    for n in range(20, 40):  # twenty more printed cells
        services.trajectory_figure_save(
            actor=SYSTEM,
            programme=bd,
            data={"year": year, "order": n, "kind": "cost_movement", "label": f"Row {n}", "text": "£1k"},
        )
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_a_figure_is_typed_as_printed_and_bad_text_names_the_field(bd):
    client = client_for(bd, Role.FINANCE_LEAD, "f@example.org")
    url = reverse("finance:trajectory-create", args=[bd.slug])
    data = {"year": "2021/22", "order": "2", "kind": "budget_movement", "label": "Savings", "text": "abc"}
    page = client.post(url, data)
    assert page.status_code == 200
    assert "&#x27;abc&#x27; is not an amount of money" in page.content.decode()
    assert not TrajectoryFigure.objects.filter(programme=bd, label="Savings").exists()
    page = client.post(url, {**data, "text": "-£1.5m"})
    assert page.status_code == 302
    saved = TrajectoryFigure.objects.get(programme=bd, label="Savings")
    assert (saved.text, saved.value, saved.step) == ("-£1.5m", -1500000, 100000)
    # With the £1.5m saving the 21/22 budget agrees: the finding goes.
    html = client.get(reverse("finance:figure-check", args=[bd.slug])).content.decode()
    assert "4 printed figures disagree" in html


def test_a_year_prints_its_budget_once_and_an_order_once(bd):
    client = client_for(bd, Role.PROGRAMME_MANAGER, "p@example.org")
    url = reverse("finance:trajectory-create", args=[bd.slug])
    page = client.post(url, {"year": "2021/22", "order": "5", "kind": "budget", "label": "Budget", "text": "£1m"})
    text = page.content.decode()
    assert "Row 5 of 2021/22 is already &#x27;21/22 Budget&#x27;: choose another order" in text
    assert "2021/22 already has its budget (&#x27;21/22 Budget&#x27;)" in text


def test_a_figure_is_changed_on_its_own_page(bd):
    client = client_for(bd, Role.FINANCE_LEAD, "f2@example.org")
    url = reverse("finance:trajectory-edit", args=[bd.slug, "2021-22", 5])
    page = client.get(url)
    assert "£34.4m" in page.content.decode()
    form = {"year": "2021/22", "order": "5", "kind": "budget", "label": "21/22 Budget", "text": "£35.9m"}
    cell = TrajectoryFigure.objects.get(programme=bd, year__start_year=2021, order=5)
    assert client.post(url, {**form, "source": "corrected", "version": cell.version}).status_code == 302
    assert TrajectoryFigure.objects.get(pk=cell.pk).text == "£35.9m"
    html = client.get(reverse("finance:figure-check", args=[bd.slug])).content.decode()
    assert "3 printed figures disagree" in html  # only section 3's three pressures are left
    assert client.get(reverse("finance:trajectory-edit", args=[bd.slug, "2021-22", 99])).status_code == 404


def test_a_programme_with_nothing_printed_is_told_so(db, programme):
    client = client_for(programme, Role.ANALYST, "a@example.org")
    html = client.get(reverse("finance:figure-check", args=[programme.slug])).content.decode()
    assert "Nothing is kept as printed yet" in html and "Every printed figure agrees" not in html


def test_a_trajectory_row_is_archived_on_the_page_audited_and_restored(bd):
    from improve.core.models import AuditEvent
    from improve.finance import figurecheck

    client = client_for(bd, Role.FINANCE_LEAD, "f@example.org")
    page = client.get(reverse("finance:trajectory", args=[bd.slug])).content.decode()
    url = reverse("finance:trajectory-archive", args=[bd.slug, "2021-22", 5])
    assert f'href="{url}"' in page
    figure = TrajectoryFigure.objects.get(programme=bd, year__start_year=2021, order=5)
    assert figure.label == "21/22 Budget"
    confirm = client.get(url).content.decode()
    assert "Archive 21/22 Budget £34.4m" in confirm
    done = client.post(url, {"reason": "Entered twice"})
    assert done.status_code == 302
    figure.refresh_from_db()
    assert figure.archived and figure.archive_reason == "Entered twice"
    event = AuditEvent.objects.filter(action=AuditEvent.Action.ARCHIVE).latest("pk")
    assert event.after["reason"] == "Entered twice"
    # gone from the page, the check (its two findings with it) and the workbook
    page = client.get(reverse("finance:trajectory", args=[bd.slug])).content.decode()
    assert "21/22 Budget £34.4m archived" in page  # the message
    assert '<th scope="row" class="govuk-table__header">21/22 Budget</th>' not in page
    assert "21/22 Budget" not in {f.figure.row for f in figurecheck.run(bd).findings}
    # a second post never restores; a post to ?restore=1 does, audited
    client.post(url, {"reason": "again"})
    figure.refresh_from_db()
    assert figure.archived
    client.post(url + "?restore=1")
    figure.refresh_from_db()
    assert not figure.archived
    assert AuditEvent.objects.filter(action=AuditEvent.Action.RESTORE).exists()


def test_an_archived_row_whose_place_was_taken_is_not_restored_over_it(bd):
    from improve.finance import services
    from improve.finance.tests.world import SYSTEM

    client = client_for(bd, Role.FINANCE_LEAD, "f@example.org")
    url = reverse("finance:trajectory-archive", args=[bd.slug, "2021-22", 5])
    client.post(url)
    year = selectors.year_in(bd, "2021/22")
    services.trajectory_figure_save(
        actor=SYSTEM,
        programme=bd,
        data={"year": year, "order": 5, "kind": "budget", "label": "21/22 Budget", "text": "£35.9m"},
    )
    # the archive page now shows the current row at that place; the archived one cannot come back over it
    archived = TrajectoryFigure.all_objects.get(programme=bd, year=year, order=5, archived_at__isnull=False)
    with pytest.raises(Exception, match="already"):
        services.finance_restore(actor=SYSTEM, instance=archived)
    assert "Archive 21/22 Budget £35.9m" in client.get(url).content.decode()


def test_only_those_who_change_money_archive_a_trajectory_row(bd):
    url = reverse("finance:trajectory-archive", args=[bd.slug, "2021-22", 5])
    assert client_for(bd, Role.VIEWER, "v@example.org").post(url).status_code == 403
    assert not TrajectoryFigure.all_objects.filter(archived_at__isnull=False).exists()
