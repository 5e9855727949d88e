"""The demand pages: everyone sees counts (small ones suppressed); only analysts see rows."""

import datetime as dt

from django.urls import reverse

from improve.core.audit import Actor
from improve.demand import services
from improve.demand.tests.conftest import TWO_CHILDREN, write
from improve.demand.tests.test_load import BAD
from improve.programmes.models import Role


def _loaded(tmp_path, programme):
    return services.demand_load(
        actor=Actor(user=None, via="test"),
        programme=programme,
        folder=write(tmp_path / "r", BAD),
        strict=False,
        today=dt.date(2026, 11, 28),
    ).load


def test_the_analyst_sees_problems_row_by_row_and_the_children(tmp_path, programme, member):
    saved = _loaded(tmp_path, programme)
    analyst = member(Role.ANALYST)
    page = analyst.get(reverse("demand:quality", args=[programme.slug])).content.decode()
    assert "2020/21" in page and "Code not in the DfE list" in page and "fewer than 5" not in page
    detail = analyst.get(reverse("demand:load", args=[programme.slug, saved.pk])).content.decode()
    assert "&#x27;U9&#x27; is not a PLACE code" in detail and "episodes.csv" in detail
    children = analyst.get(reverse("demand:children", args=[programme.slug])).content.decode()
    assert "01/05/2020–01/09/2020 V2 U6" in children


def test_others_see_counts_with_small_numbers_suppressed(tmp_path, programme, member):
    saved = _loaded(tmp_path, programme)
    for role in (Role.SRO, Role.PROGRAMME_MANAGER, Role.BOARD_MEMBER):
        client = member(role)
        page = client.get(reverse("demand:quality", args=[programme.slug])).content.decode()
        assert "fewer than 5" in page and "Children and their episodes" not in page
        detail = client.get(reverse("demand:load", args=[programme.slug, saved.pk])).content.decode()
        assert "is not a PLACE code" not in detail and "Code not in the DfE list: fewer than 5" in detail
        assert client.get(reverse("demand:children", args=[programme.slug])).status_code == 403


def test_the_pages_before_anything_is_loaded(programme, member):
    page = member(Role.ANALYST).get(reverse("demand:quality", args=[programme.slug])).content.decode()
    assert "No return has been loaded yet" in page


def test_another_programme_s_load_is_not_found(tmp_path, programme, member):
    saved = _loaded(tmp_path, programme)
    assert member(Role.ANALYST).get(reverse("demand:load", args=[programme.slug, saved.pk + 1])).status_code == 404


def test_the_children_page_is_flat_in_queries(tmp_path, programme, member, django_assert_max_num_queries):
    _loaded(tmp_path, programme)
    analyst = member(Role.ANALYST)
    with django_assert_max_num_queries(12):
        analyst.get(reverse("demand:children", args=[programme.slug]))
    services.demand_load(
        actor=Actor(user=None, via="test"),
        programme=programme,
        folder=write(
            tmp_path / "r2",
            {"2019-20/" + k: v.replace("2020", "2019").replace("2021", "2020") for k, v in TWO_CHILDREN.items()},
        ),
        strict=False,
        today=dt.date(2026, 11, 28),
    )
    with django_assert_max_num_queries(12):
        analyst.get(reverse("demand:children", args=[programme.slug]))
