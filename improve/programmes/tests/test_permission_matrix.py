"""The role × URL matrix, generated from the URL configuration.

Every URL must carry an access rule (set by the decorators in improve.programmes.permissions); a
new page without one fails here. Each role is then asked for each page and must get exactly what
the permission table grants.
"""

import datetime as dt
import importlib
from types import ModuleType

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlsafe_base64_encode

from improve.programmes.models import Baseline, Dependency, Membership, Owner, PlanItem, Project, Role
from improve.programmes.permissions import role_allows
from improve.programmes.tests.factories import MembershipFactory, UserFactory


def iter_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from iter_urls(p, ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}", p


def room_samplers() -> list[ModuleType]:
    """Each room's ``tests/matrix.py``, if it has one: the room fills its own URL keywords.

    Such a module defines ``world(programme)`` (creates the room's sample objects) and
    ``sample_value(name, key, programme)`` (a value for ``<key>`` in the URL ``name``, or None).
    """
    found = []
    for app in apps.get_app_configs():
        if not app.name.startswith("improve."):
            continue
        module = f"{app.name}.tests.matrix"
        try:
            found.append(importlib.import_module(module))
        except ModuleNotFoundError as exc:
            if exc.name not in (module, f"{app.name}.tests"):
                raise
    return found


ALL_URLS = sorted(iter_urls(), key=lambda t: t[0])
URL_NAMES = [name for name, _ in ALL_URLS]


def sample_kwargs(name: str, pattern: URLPattern, programme) -> dict:
    """Real objects for each URL keyword, so every page is asked for something that exists."""
    kwargs = {}
    for key in pattern.pattern.converters:
        if key == "slug":
            kwargs[key] = programme.slug
        elif key == "uid":
            kwargs[key] = "17"
        elif key == "uidb64":  # a password reset link: a real user's id, with a token that is not valid
            user_id = Membership.objects.filter(programme=programme).first().user_id
            kwargs[key] = urlsafe_base64_encode(str(user_id).encode())
        elif key == "kind":  # the history of one part of the definition: a strand's
            kwargs[key] = "strand"
        elif key == "key":
            kwargs[key] = "1"
        elif key == "token":
            kwargs[key] = "not-a-valid-token"
        elif key == "code" and "project" in name:
            kwargs[key] = Project.objects.get(programme=programme).code
        elif key == "code":
            kwargs[key] = "define" if "stage" in name else "1"
        elif key == "pk" and "member" in name:
            kwargs[key] = Membership.objects.get(programme=programme, user__email="other@example.org").pk
        elif key == "pk" and "owner" in name:
            kwargs[key] = Owner.objects.filter(programme=programme).first().pk
        elif key == "pk" and "dependency" in name:
            kwargs[key] = Dependency.objects.get(programme=programme).pk
        elif key == "pk" and "baseline" in name:
            kwargs[key] = Baseline.objects.get(programme=programme).pk
        else:
            values = (sampler.sample_value(name, key, programme) for sampler in room_samplers())
            value = next((v for v in values if v is not None), None)
            if value is None:
                raise AssertionError(
                    f"The matrix does not know how to fill <{key}> in {name}: "
                    "add it to the room's tests/matrix.py (sample_value)"
                )
            kwargs[key] = value
    return kwargs


@pytest.fixture
def world(programme):
    items = {i.uid: i for i in PlanItem.objects.filter(programme=programme)}
    Dependency.objects.create(programme=programme, predecessor=items["1"], successor=items["17"])
    Baseline.objects.create(programme=programme, name="Agreed plan", taken_on=dt.date(2019, 6, 1))
    Project.objects.create(programme=programme, strand=items["1"].strand, code="tom", name="Target Operating Model")
    MembershipFactory(user=UserFactory(email="other@example.org"), programme=programme, role="viewer")
    for sampler in room_samplers():
        sampler.world(programme)
    return programme


def test_every_url_has_an_access_rule():
    missing = [name for name, p in ALL_URLS if not hasattr(p.callback, "access_rule")]
    assert not missing, f"Pages without an access rule: {missing}"
    assert len(ALL_URLS) >= 20


# Pages anyone may open without signing in. Making a page public is a decision: add it here.
PUBLIC = {
    "accounts:login",
    "accounts:password-reset",
    "accounts:password-reset-done",
    "accounts:password-reset-confirm",
    "accounts:password-reset-complete",
}


def test_only_the_sign_in_and_password_reset_pages_are_public():
    assert {name for name, p in ALL_URLS if p.callback.access_rule == "public"} == PUBLIC


@pytest.mark.parametrize("name", URL_NAMES)
def test_anonymous_is_sent_to_sign_in(name, world):
    pattern = dict(ALL_URLS)[name]
    url = reverse(name, kwargs=sample_kwargs(name, pattern, world))
    response = Client().get(url)
    if pattern.callback.access_rule == "public":
        assert response.status_code == 200
    elif pattern.callback.access_rule == "secret_link":  # a secret address it does not know: nothing
        assert response.status_code == 404
    elif getattr(pattern.callback, "api", False):  # the read API: 401 with a JSON error, no sign-in page
        assert response.status_code == 401
        assert response.json()["detail"]
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


ROLES = [*Role.values, "non-member"]


@pytest.mark.parametrize("name", URL_NAMES)
def test_each_role_gets_what_the_table_grants(name, world, member):
    """Every role (and a signed-in non-member) asks for the page with GET and POST.

    The roles share the page's sample objects; each asks inside its own savepoint, rolled back
    afterwards, so what one role's POST changes is never seen by the next.
    """
    wrong = []
    for role in ROLES:
        with transaction.atomic():
            wrong += _ask(name, role, world, member)
            transaction.set_rollback(True)
    assert not wrong, wrong


def _ask(name, role, world, member) -> list[tuple[str, str, int, int]]:
    """What the role got for GET and POST, if that is not what the permission table grants."""
    pattern = dict(ALL_URLS)[name]
    rule = pattern.callback.access_rule
    strand_one = world.strands.get(code="1")
    if role == "non-member":
        client = Client()
        client.force_login(UserFactory(email="outsider@example.org"))
    else:
        client = member(role, strands=[strand_one] if role == Role.WORKSTREAM_LEAD else [])
    url = reverse(name, kwargs=sample_kwargs(name, pattern, world))
    get = client.get(url).status_code
    post = client.post(url, {}).status_code
    if rule == "public":
        ok = get in (200, 302)
    elif rule == "secret_link":  # the sample secret is not a real one: nobody is shown anything
        ok = get == 404 and post in (404, 405)
    elif rule == "signed_in":
        ok = get in (200, 302, 405)
    elif rule == "site_admin":  # no role in a programme opens an administrator's page
        ok = get == 403 and post == 403
    elif role == "non-member":
        ok = get == 404 and post == 404
    elif role_allows(role, rule, strand_ids=frozenset({strand_one.pk})):
        ok = get in (200, 302, 405) and post in (200, 302, 405)
    else:
        ok = get == 403 and post == 403
    return [] if ok else [(name, role, get, post)]


SITE_ADMIN_URLS = [name for name, p in ALL_URLS if p.callback.access_rule == "site_admin"]


def test_the_administrators_pages_are_site_admin():
    assert {"programmes:programme-start", "programmes:administrators"} <= set(SITE_ADMIN_URLS)


@pytest.mark.parametrize("name", SITE_ADMIN_URLS)
def test_a_programme_office_administrator_opens_site_admin_pages(name, world):
    """An administrator with no role in any programme opens them; the same person without the flag cannot."""
    pattern = dict(ALL_URLS)[name]
    url = reverse(name, kwargs=sample_kwargs(name, pattern, world))
    user = UserFactory(email="office@example.org", is_programme_admin=True)
    client = Client()
    client.force_login(user)
    assert client.get(url).status_code == 200
    user.is_programme_admin = False
    user.save()
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


def test_workstream_lead_cannot_edit_another_strands_line(programme, member):
    lead = member(Role.WORKSTREAM_LEAD, strands=[programme.strands.get(code="1")])
    other = PlanItem.objects.get(programme=programme, uid="23")  # strand 2
    assert lead.get(reverse("programmes:item-edit", args=[programme.slug, "17"])).status_code == 200
    assert lead.get(reverse("programmes:item-edit", args=[programme.slug, other.uid])).status_code == 403
    response = lead.post(reverse("programmes:item-archive", args=[programme.slug, other.uid]))
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.archived is False


def test_read_only_roles_change_nothing(programme, member):
    for role in (Role.BOARD_MEMBER, Role.VIEWER, Role.FINANCE_LEAD, Role.ANALYST):
        client = member(role)
        client.post(reverse("programmes:item-archive", args=[programme.slug, "1"]))
    assert not PlanItem.all_objects.filter(archived_at__isnull=False).exists()


def test_csrf_is_enforced(programme, member):
    pmo = member(Role.PMO_OFFICER)
    client = Client(enforce_csrf_checks=True)
    client.force_login(pmo.user)
    response = client.post(reverse("programmes:item-archive", args=[programme.slug, "1"]))
    assert response.status_code == 403
    assert not PlanItem.all_objects.filter(archived_at__isnull=False).exists()
