"""Starting a programme from the web, and the programme office administrators who may."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from improve.accounts.models import User
from improve.core.audit import Actor, Via
from improve.core.models import AuditEvent
from improve.programmes import services
from improve.programmes.models import Membership, Programme, Role
from improve.programmes.tests.factories import ProgrammeFactory, UserFactory

START = reverse("programmes:programme-start")
ADMINS = reverse("programmes:administrators")

DATA = {
    "slug": "havering-2024",
    "council": "Havering",
    "name": "Children's Services Improvement",
    "strand_term": "theme",
    "start_date": dt.date(2024, 4, 1),
    "end_date": dt.date(2026, 3, 31),
}


@pytest.fixture
def admin(db):
    return UserFactory(email="office@example.org", full_name="Olu Office", is_programme_admin=True)


@pytest.fixture
def admin_client(admin):
    client = Client()
    client.force_login(admin)
    return client


def form_data(**overrides):
    data = {
        "slug": "havering-2024",
        "council": "Havering",
        "name": "Children's Services Improvement",
        "strand_term": "theme",
        "start_date": "01/04/2024",
        "end_date": "31/03/2026",
        "status_date": "",
        "sro_email": "sro@havering.example",
        "sro_name": "Sam Rowe",
        "manager_email": "pm@havering.example",
        "manager_name": "Priya Mann",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- the service --------------------------------------------------------------------------------


def test_an_administrator_starts_a_programme_with_its_members(admin):
    existing = UserFactory(email="pm@havering.example", full_name="Priya Mann")
    programme, added = services.programme_start(
        actor=Actor(user=admin),
        data=DATA,
        members=[
            ("sro@havering.example", "Sam Rowe", Role.SRO),
            ("PM@havering.example", "ignored", Role.PROGRAMME_MANAGER),
        ],
    )
    assert programme.slug == "havering-2024" and programme.strand_word == "Theme"
    roles = {m.user.email: (m.role, bool(temporary)) for m, temporary in added}
    # Someone new gets a temporary password; an existing user keeps theirs and their name.
    assert roles == {"sro@havering.example": (Role.SRO, True), "pm@havering.example": (Role.PROGRAMME_MANAGER, False)}
    existing.refresh_from_db()
    assert existing.full_name == "Priya Mann"
    new = User.objects.get(email="sro@havering.example")
    assert new.check_password(added[0][1])


def test_the_programme_its_memberships_and_new_users_are_audited_as_the_administrator(admin):
    programme, _ = services.programme_start(
        actor=Actor(user=admin), data=DATA, members=[("sro@havering.example", "Sam Rowe", Role.SRO)]
    )
    events = AuditEvent.objects.filter(actor_id=admin.pk, action=AuditEvent.Action.CREATE)
    assert {e.object_type for e in events} == {"programmes.programme", "programmes.membership", "accounts.user"}
    made = events.get(object_type="programmes.programme")
    assert made.programme_id == programme.pk and made.after["name"] == "Children's Services Improvement"
    assert events.get(object_type="accounts.user").after["email"] == "sro@havering.example"
    assert events.get(object_type="programmes.membership").programme_id == programme.pk
    assert all(e.via == Via.WEB for e in events)


@pytest.mark.parametrize("flag", [False, None])
def test_only_an_administrator_can_start_a_programme(db, flag):
    actor = Actor(user=UserFactory(is_programme_admin=False)) if flag is False else Actor(user=None, via=Via.COMMAND)
    with pytest.raises(ValidationError, match="Only a programme office administrator"):
        services.programme_start(actor=actor, data=DATA, members=[("sro@havering.example", "Sam Rowe", Role.SRO)])
    assert not Programme.objects.exists() and not User.objects.filter(email="sro@havering.example").exists()


@pytest.mark.parametrize(
    ("second", "key", "message"),
    [
        (("new@havering.example", "", Role.PROGRAMME_MANAGER), "members.1.full_name", "Enter their full name"),
        (("not an address", "Pat", Role.PROGRAMME_MANAGER), "members.1.email", "not an e-mail address"),
        (("sro@havering.example", "Sam Rowe", Role.PROGRAMME_MANAGER), "members.1.email", "already a member"),
        (("new@havering.example", "Pat", "emperor"), "members.1.role", "is not a role"),
    ],
)
def test_nothing_is_half_saved_when_a_member_is_wrong(admin, second, key, message):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as info:
        services.programme_start(
            actor=Actor(user=admin), data=DATA, members=[("sro@havering.example", "Sam Rowe", Role.SRO), second]
        )
    assert message in " ".join(info.value.message_dict[key])
    assert not Programme.objects.exists()
    assert not Membership.objects.exists()
    assert not User.objects.filter(email__in=["sro@havering.example", "new@havering.example"]).exists()
    assert AuditEvent.objects.count() == before


# --- the page -----------------------------------------------------------------------------------


def test_the_start_page_starts_the_programme_and_shows_each_new_password_once(admin_client):
    response = admin_client.post(START, form_data(join="on"))
    assert response.status_code == 200
    programme = Programme.objects.get(slug="havering-2024")
    assert (programme.start_date, programme.end_date, programme.strand_term) == (
        dt.date(2024, 4, 1),
        dt.date(2026, 3, 31),
        "theme",
    )
    roles = dict(Membership.objects.filter(programme=programme).values_list("user__email", "role"))
    assert roles == {
        "sro@havering.example": Role.SRO,
        "pm@havering.example": Role.PROGRAMME_MANAGER,
        "office@example.org": Role.PMO_OFFICER,
    }
    page = response.content.decode()
    assert page.count('class="io-temporary-password"') == 2  # the two new people; not the administrator
    assert reverse("programmes:overview", args=["havering-2024"]) in page
    assert admin_client.get(reverse("programmes:overview", args=["havering-2024"])).status_code == 200


def test_an_administrator_who_does_not_join_is_told_they_cannot_open_it(admin_client):
    response = admin_client.post(START, form_data(manager_email="", manager_name=""))
    assert response.status_code == 200
    assert "You are not a member of" in response.content.decode()
    assert reverse("programmes:overview", args=["havering-2024"]) not in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"slug": "Havering 2024"}, "slug", "Short name must be lower-case letters, digits and hyphens"),
        ({"slug": "havering-"}, "slug", "Short name must be lower-case letters"),
        ({"slug": "new"}, "slug", "Short name cannot be 'new'"),
        ({"slug": "administrators"}, "slug", "Short name cannot be 'administrators'"),
        ({"slug": "taken-2019"}, "slug", "Short name 'taken-2019' is already another programme's"),
        ({"council": ""}, "council", "Enter the council"),
        ({"start_date": "31/02/2024"}, "start_date", "Enter a real date, like 01/04/2019"),
        ({"end_date": ""}, "end_date", "Enter the end date"),
        ({"end_date": "31/03/2023"}, "end_date", "End date must be the same as or after the start date"),
        ({"status_date": "2024-13-01"}, "status_date", "Enter a real date"),
        ({"sro_email": "sam at havering"}, "sro_email", "Enter the SRO's e-mail address in the right form"),
        ({"sro_name": ""}, "sro_name", "Enter the SRO's full name"),
        ({"manager_email": "SRO@havering.example"}, "manager_email", "someone other than the SRO"),
        ({"manager_name": ""}, "manager_name", "Enter the programme manager's full name"),
        ({"manager_email": ""}, "manager_email", "Enter the programme manager's e-mail address, or clear"),
        ({"strand_term": "pillar"}, "strand_term", "Select a valid choice"),
    ],
)
def test_form_errors_name_the_field_and_nothing_is_saved(admin_client, overrides, field, message):
    ProgrammeFactory(slug="taken-2019")
    response = admin_client.post(START, form_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field]), errors
    assert 'class="govuk-error-summary"' in response.content.decode()
    assert not Programme.objects.filter(slug="havering-2024").exists()
    assert not User.objects.filter(email="sro@havering.example").exists()


def test_a_problem_the_service_finds_with_a_member_is_shown_on_that_members_field(admin_client):
    # The form cannot know this address is an existing user without a name on record; the service
    # refuses a new person with no name. Here: the manager is new, and their name is only spaces.
    response = admin_client.post(START, form_data(manager_name="   "))
    assert "Enter the programme manager's full name" in " ".join(response.context["form"].errors["manager_name"])
    assert not Programme.objects.exists()


def test_a_slug_taken_between_opening_and_saving_is_reported_on_the_slug(admin_client, monkeypatch):
    from improve.programmes import selectors

    monkeypatch.setattr(selectors, "programme_slugs", lambda: set())
    ProgrammeFactory(slug="havering-2024")
    response = admin_client.post(START, form_data())
    assert response.status_code == 200
    assert "already exists" in " ".join(response.context["form"].errors["slug"])
    assert not User.objects.filter(email="sro@havering.example").exists()


def test_the_slug_new_does_not_shadow_the_start_page(admin_client):
    assert admin_client.get("/programmes/new/").templates[0].name == "programmes/programme_start.html"


# --- the home page ------------------------------------------------------------------------------


def test_an_administrator_in_one_programme_stays_on_home_and_sees_start(admin, admin_client, programme):
    Membership.objects.create(user=admin, programme=programme, role=Role.VIEWER)
    response = admin_client.get(reverse("programmes:home"))
    assert response.status_code == 200
    assert START in response.content.decode() and ADMINS in response.content.decode()


def test_others_are_not_offered_start_and_one_programme_still_redirects(member, programme):
    client = member(Role.PROGRAMME_MANAGER)
    assert client.get(reverse("programmes:home")).status_code == 302
    Programme.objects.exclude(pk=programme.pk).delete()
    other = Client()
    other.force_login(UserFactory())
    assert START not in other.get(reverse("programmes:home")).content.decode()


# --- the administrators page --------------------------------------------------------------------


def test_an_administrator_makes_someone_else_one_and_removes_them(admin, admin_client):
    colleague = UserFactory(email="colleague@example.org", full_name="Cal League")
    response = admin_client.post(ADMINS, {"action": "grant", "email": "Colleague@Example.org"})
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_programme_admin
    page = admin_client.get(ADMINS).content.decode()
    assert "Cal League" in page and "Olu Office" in page
    admin_client.post(ADMINS, {"action": "revoke", "user": str(colleague.pk)})
    colleague.refresh_from_db()
    assert not colleague.is_programme_admin
    changes = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(colleague.pk), actor_id=admin.pk)
    assert [(e.before["is_programme_admin"], e.after["is_programme_admin"]) for e in changes.order_by("pk")] == [
        (False, True),
        (True, False),
    ]


def test_an_administrator_cannot_remove_themselves(admin, admin_client):
    response = admin_client.post(ADMINS, {"action": "revoke", "user": str(admin.pk)}, follow=True)
    admin.refresh_from_db()
    assert admin.is_programme_admin
    assert "You cannot stop being an administrator yourself" in response.content.decode()


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.org", "Nobody with the e-mail address nobody@example.org has an account"),
        ("office@example.org", "is already an administrator"),
        ("", "Enter the e-mail address of the person to make an administrator"),
    ],
)
def test_making_an_administrator_reports_the_problem_on_the_email(admin_client, email, message):
    response = admin_client.post(ADMINS, {"action": "grant", "email": email})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["email"])


def test_revoking_someone_who_does_not_exist_changes_nothing(admin_client):
    response = admin_client.post(ADMINS, {"action": "revoke", "user": "99999"}, follow=True)
    assert "That person was not found" in response.content.decode()
