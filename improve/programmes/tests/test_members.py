import pytest
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from django.urls import reverse

from improve.accounts.models import User
from improve.core.models import AuditEvent
from improve.programmes.models import Membership, Role
from improve.programmes.tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def manager(member):
    return member(Role.PROGRAMME_MANAGER)


def test_add_a_new_person_shows_a_temporary_password_once(programme, manager):
    url = reverse("programmes:member-add", args=[programme.slug])
    response = manager.post(url, {"email": "Gail.Clark@Example.org", "full_name": "Gail Clark", "role": "viewer"})
    assert response.status_code == 200
    temporary = response.context["temporary"]
    assert temporary and temporary in response.content.decode()
    user = User.objects.get(email="gail.clark@example.org")
    assert authenticate(RequestFactory().post("/"), username="gail.clark@example.org", password=temporary) == user
    assert Membership.objects.get(user=user, programme=programme).role == "viewer"
    assert AuditEvent.objects.filter(object_type="programmes.membership", action="create").exists()
    assert temporary not in str(list(AuditEvent.objects.values_list("before", "after")))


def test_add_an_existing_user_and_refuse_a_second_membership(programme, manager):
    UserFactory(email="april.bald@example.org", full_name="April Bald")
    url = reverse("programmes:member-add", args=[programme.slug])
    response = manager.post(url, {"email": "april.bald@example.org", "role": "board_member"})
    assert response.status_code == 200 and not response.context["temporary"]
    again = manager.post(url, {"email": "april.bald@example.org", "role": "viewer"})
    assert "already a member of this programme" in again.content.decode()
    assert Membership.objects.filter(user__email="april.bald@example.org").count() == 1


def test_new_person_needs_a_name_and_a_lead_needs_strands(programme, manager):
    url = reverse("programmes:member-add", args=[programme.slug])
    body = manager.post(url, {"email": "new@example.org", "role": "viewer"}).content.decode()
    assert "Enter their full name" in body
    body = manager.post(
        url, {"email": "new@example.org", "full_name": "New", "role": "workstream_lead"}
    ).content.decode()
    assert "Select the strands this workstream lead leads" in body
    assert not User.objects.filter(email="new@example.org").exists()


def test_change_a_role_to_workstream_lead_of_a_strand(programme, manager):
    m = MembershipFactory(user=UserFactory(email="lead@example.org"), programme=programme, role="viewer")
    strand = programme.strands.get(code="2")
    url = reverse("programmes:member-edit", args=[programme.slug, m.pk])
    assert manager.post(url, {"role": "workstream_lead", "strands": [strand.pk]}).status_code == 302
    m.refresh_from_db()
    assert m.role == "workstream_lead" and list(m.strands.all()) == [strand]
    client = Client()
    client.force_login(m.user)
    assert client.get(reverse("programmes:item-edit", args=[programme.slug, "23"])).status_code == 200
    assert client.get(reverse("programmes:item-edit", args=[programme.slug, "1"])).status_code == 403


def test_remove_a_member_and_not_yourself(programme, manager):
    m = MembershipFactory(user=UserFactory(email="gone@example.org"), programme=programme, role="viewer")
    manager.post(reverse("programmes:member-remove", args=[programme.slug, m.pk]))
    assert not Membership.objects.filter(pk=m.pk).exists()
    mine = Membership.objects.get(user=manager.user)
    response = manager.post(reverse("programmes:member-remove", args=[programme.slug, mine.pk]), follow=True)
    assert "You cannot remove yourself" in response.content.decode()
    assert Membership.objects.filter(pk=mine.pk).exists()


def test_change_password(programme, pmo):
    url = reverse("accounts:password")
    bad = pmo.post(url, {"old_password": "wrong", "new_password1": "x", "new_password2": "y"})
    assert "There is a problem" in bad.content.decode()
    ok = pmo.post(
        url,
        {
            "old_password": "correct horse battery",
            "new_password1": "Improvement-2019-plan",
            "new_password2": "Improvement-2019-plan",
        },
    )
    assert ok.status_code == 302
    assert (
        authenticate(RequestFactory().post("/"), username=pmo.user.email, password="Improvement-2019-plan") == pmo.user
    )


def test_access_reads_the_strands_a_member_leads_only_for_a_role_scoped_to_them(programme, django_assert_num_queries):
    from improve.programmes.permissions import Perm, programme_access

    strand = programme.strands.get(code="1")
    lead = MembershipFactory(programme=programme, role=Role.WORKSTREAM_LEAD)
    lead.strands.set([strand])
    officer = MembershipFactory(programme=programme, role=Role.PMO_OFFICER)
    officer.strands.set([strand])  # left over from an earlier role: means nothing now
    with django_assert_num_queries(2):
        access = programme_access(lead.user, programme.slug)
    assert access.strand_ids == {strand.pk} and access.can(Perm.EDIT_PLAN, strand_id=strand.pk)
    assert not access.can(Perm.EDIT_PLAN, strand_id=programme.strands.get(code="2").pk)
    with django_assert_num_queries(1):
        access = programme_access(officer.user, programme.slug)
    assert access.strand_ids == frozenset() and access.can(Perm.EDIT_PLAN, strand_id=programme.strands.get(code="2").pk)
