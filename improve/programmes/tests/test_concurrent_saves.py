"""Twenty people save one plan line at the same moment, through the real edit page.

Each gets either "saved" (a redirect) or the conflict page that shows the other change — never a
server error (on SQLite: ``database is locked``) — and no save is lost: the line's version rises by
exactly the number of saves that were reported as saved, and each has its audit event.

The requests run in threads, each with its own test client and so its own database connection, so
the test needs committed data (``transaction=True``) and, on SQLite, a database file (see
``improve/conftest.py``); on PostgreSQL the same test runs against the real server.
"""

import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from improve.core.models import AuditEvent
from improve.programmes.models import PlanItem, Role
from improve.programmes.tests.factories import MembershipFactory, UserFactory

WRITERS = 20
ROUNDS = 3
CONFLICT = "Someone else changed this line while you were editing it."


def form_values(response) -> dict[str, str]:
    """The edit form's values as the browser would post them back."""
    form = response.context["form"]
    return {name: ("" if form[name].value() is None else str(form[name].value())) for name in form.fields}


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_saves_of_one_line_succeed_or_conflict_and_lose_nothing(programme):
    line = PlanItem.objects.get(programme=programme, uid="1")
    start_version = line.version
    url = reverse("programmes:item-edit", args=[programme.slug, "1"])
    clients = []
    for n in range(WRITERS):
        user = UserFactory(email=f"writer{n}@example.org")
        MembershipFactory(user=user, programme=programme, role=Role.PMO_OFFICER)
        client = Client(raise_request_exception=False)  # a server error is a 500 response, counted below
        client.force_login(user)
        clients.append(client)

    barrier = threading.Barrier(WRITERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        try:
            for r in range(ROUNDS):
                barrier.wait(timeout=60)  # everyone opens the form on the same version…
                opened = clients[n].get(url)
                values = form_values(opened) if opened.status_code == 200 else {}
                barrier.wait(timeout=60)  # …and presses Save together
                response = clients[n].post(url, {**values, "title": f"Title by writer {n} in round {r}"})
                if response.status_code == 302:
                    outcome = "saved"
                elif response.status_code == 200 and CONFLICT in response.content.decode():
                    outcome = "conflict"
                else:
                    outcome = f"HTTP {opened.status_code}/{response.status_code}"
                with lock:
                    outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)

    tally = Counter(outcomes)
    assert len(outcomes) == WRITERS * ROUNDS, tally
    assert set(tally) <= {"saved", "conflict"}, f"besides saves and conflicts: {tally}"
    line.refresh_from_db()
    assert tally["saved"] >= ROUNDS  # someone wins each round
    assert line.version == start_version + tally["saved"], (line.version, tally)
    assert (
        AuditEvent.objects.filter(object_type="programmes.planitem", object_id=str(line.pk)).count() == tally["saved"]
    )
