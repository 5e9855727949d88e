"""Subscribing to the governance calendar from Outlook: a member's secret address, shown once, revocable."""

import re

from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from improve.core.audit import SYSTEM, history_for
from improve.core.models import AuditEvent
from improve.governance import services
from improve.governance.models import FeedToken
from improve.governance.tests.factories import YEAR, b_and_d_chain
from improve.programmes import services as plan_services
from improve.programmes.models import Membership, Role

ADDRESS = re.compile(r"http://testserver(/governance/feeds/[^<\s]+\.ics)")


def _subscribe(client, programme, action="issue"):
    return client.post(reverse("governance:subscribe", args=[programme.slug]), {"action": action})


def _addresses(response):
    return ADDRESS.findall(response.content.decode())


def test_a_member_subscribes_without_signing_in_and_the_address_is_shown_once(programme, member):
    b_and_d_chain(programme)
    services.calendar_generate(actor=SYSTEM, programme=programme, start=YEAR[0], end=YEAR[1])
    board_member = member(Role.BOARD_MEMBER)
    page = _subscribe(board_member, programme)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    addresses = _addresses(page)
    assert len(addresses) == 1 + 4  # every board, then each of B&D's four
    outlook = Client()  # a calendar program: no session, no cookies
    everything = outlook.get(addresses[0])
    assert everything.status_code == 200 and everything["Cache-Control"] == "private, no-store"
    assert len(Calendar.from_ical(everything.content).walk("VEVENT")) == 48
    one_board = Calendar.from_ical(outlook.get(addresses[1]).content).walk("VEVENT")
    assert len(one_board) == 12
    # Only a digest is kept: the secret is in no row and no audit event.
    secret = addresses[0].split("/")[3]
    token = FeedToken.objects.get()
    assert secret not in token.digest and len(token.digest) == 64
    assert not any(secret in str(e.after) for e in AuditEvent.objects.all())
    assert history_for(token).get().action == "create"
    # Coming back shows that an address exists, never the address itself.
    again = board_member.get(reverse("governance:subscribe", args=[programme.slug]))
    assert not _addresses(again) and "still works" in again.content.decode()


def test_a_new_address_or_stopping_it_ends_the_old_one(programme, member):
    b_and_d_chain(programme)
    pmo = member(Role.PMO_OFFICER)
    first = _addresses(_subscribe(pmo, programme))[0]
    second = _addresses(_subscribe(pmo, programme))[0]
    assert first != second
    assert Client().get(first).status_code == 404 and Client().get(second).status_code == 200
    assert _subscribe(pmo, programme, "revoke").status_code == 302
    assert Client().get(second).status_code == 404
    assert FeedToken.objects.filter(revoked_at__isnull=True).count() == 0
    assert [e.action for e in AuditEvent.objects.filter(object_type="governance.feedtoken").order_by("pk")] == [
        "create",
        "update",
        "create",
        "update",
    ]


def test_a_member_who_leaves_loses_the_feed(programme, member):
    b_and_d_chain(programme)
    viewer = member(Role.VIEWER)
    address = _addresses(_subscribe(viewer, programme))[0]
    assert Client().get(address).status_code == 200
    membership = Membership.objects.get(user=viewer.user, programme=programme)
    plan_services.member_remove(actor=SYSTEM, membership=membership)
    assert Client().get(address).status_code == 404


def test_a_guessed_address_or_another_programme_s_board_shows_nothing(programme, member):
    b_and_d_chain(programme)
    pmo = member(Role.PMO_OFFICER)
    address = _addresses(_subscribe(pmo, programme))[1]
    secret = address.split("/")[3]
    assert Client().get(reverse("governance:board-feed", args=[secret, "no-such-board"])).status_code == 404
    assert Client().get(reverse("governance:feed", args=["x" * 43])).status_code == 404
    assert Client().get(reverse("governance:feed", args=["x" * 500])).status_code == 404
    # Signed in makes no difference: the secret is the only key.
    assert pmo.get(reverse("governance:feed", args=["x" * 43])).status_code == 404


def test_a_programme_manager_stops_another_member_s_address_and_it_answers_404(programme, member):
    b_and_d_chain(programme)
    board_member = member(Role.BOARD_MEMBER)
    address = _addresses(_subscribe(board_member, programme))[0]
    assert Client().get(address).status_code == 200
    manager = member(Role.PROGRAMME_MANAGER)
    page = reverse("governance:feed-addresses", args=[programme.slug])
    listed = manager.get(page).content.decode()
    assert "Test board_member" in listed and "Board member" in listed
    assert (
        "Members' calendar addresses"
        in manager.get(reverse("governance:subscribe", args=[programme.slug])).content.decode()
    )
    done = manager.post(page, {"member": board_member.user.pk}, follow=True)
    assert "That calendar address no longer works" in done.content.decode()
    assert Client().get(address).status_code == 404
    assert Client().get(address.replace("calendar.ics", "boards/cib.ics")).status_code == 404
    event = history_for(FeedToken.objects.get(user=board_member.user)).first()
    assert (event.action, event.actor_id, event.before["revoked_at"]) == ("update", manager.user.pk, None)
    assert "No member has a live calendar address" in manager.get(page).content.decode()
    # The member can make a new one; stopping a stopped address says so and writes nothing.
    events = AuditEvent.objects.count()
    again = manager.post(page, {"member": board_member.user.pk}, follow=True).content.decode()
    assert "has no calendar address for this programme" in again and AuditEvent.objects.count() == events


def test_only_an_sro_or_programme_manager_stops_another_member_s_address(programme, member):
    b_and_d_chain(programme)
    viewer = member(Role.VIEWER)
    address = _addresses(_subscribe(viewer, programme))[0]
    page = reverse("governance:feed-addresses", args=[programme.slug])
    for role in (Role.PMO_OFFICER, Role.BOARD_MEMBER, Role.VIEWER):
        client = viewer if role == Role.VIEWER else member(role)
        assert client.post(page, {"member": viewer.user.pk}).status_code == 403
        assert (
            "Members' calendar addresses"
            not in client.get(reverse("governance:subscribe", args=[programme.slug])).content.decode()
        )
    assert Client().get(address).status_code == 200
    assert member(Role.SRO).post(page, {"member": viewer.user.pk}).status_code == 302
    assert Client().get(address).status_code == 404
