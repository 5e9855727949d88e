"""``improve demo-users``: one demo user per role, a member of every loaded programme, and a programme
office administrator (who may start programmes) with no role in any of them."""

import os
import secrets
from typing import Any

from django.core.management.base import BaseCommand

from improve.accounts.services import user_ensure, user_set_programme_admin
from improve.core.audit import Actor
from improve.programmes import selectors
from improve.programmes.models import Programme, Role
from improve.programmes.services import membership_grant

DEMO_USERS = [
    ("sro@example.org", "Sam Rowe", "Director of Children's Services", Role.SRO),
    ("pm@example.org", "Priya Mann", "Improvement Programme Manager", Role.PROGRAMME_MANAGER),
    ("pmo@example.org", "Pat Morgan", "PMO Officer", Role.PMO_OFFICER),
    ("lead@example.org", "Lee Adams", "Head of Service (workstream lead)", Role.WORKSTREAM_LEAD),
    ("finance@example.org", "Fran Okafor", "Finance Business Partner", Role.FINANCE_LEAD),
    ("analyst@example.org", "Ana Lysenko", "Performance and Intelligence Analyst", Role.ANALYST),
    ("board@example.org", "Bob Reid", "Improvement Board member", Role.BOARD_MEMBER),
    ("viewer@example.org", "Vic Ewing", "Observer", Role.VIEWER),
]
ADMIN = ("admin@example.org", "Ada Mensah", "Programme office administrator")


class Command(BaseCommand):
    help = (
        "Create the demo users (one per role) and make them members of every programme, "
        "and a programme office administrator."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
        actor = Actor(user=None, via="demo-users")
        programmes = list(Programme.objects.all())
        for email, name, title, role in DEMO_USERS:
            user = user_ensure(actor=actor, email=email, full_name=name, password=password, job_title=title)
            for programme in programmes:
                strands = list(selectors.strands_for(programme))
                # The demo workstream lead leads the strand with the most plan lines.
                lead_of = sorted(strands, key=lambda s: -s.items.count())[:1] if role == Role.WORKSTREAM_LEAD else []
                membership_grant(actor=actor, user=user, programme=programme, role=role, strands=lead_of)
        email, name, title = ADMIN
        admin = user_ensure(actor=actor, email=email, full_name=name, password=password, job_title=title)
        user_set_programme_admin(actor=actor, user=admin, admin=True)
        self.stdout.write("Demo users (sign in with the e-mail address):")
        for email, name, _title, role in DEMO_USERS:
            self.stdout.write(f"  {email:<24} {name:<12} {Role(role).label}")
        self.stdout.write(f"  {ADMIN[0]:<24} {ADMIN[1]:<12} {ADMIN[2]} (starts programmes; no role in any)")
        if os.environ.get("DEMO_PASSWORD"):
            self.stdout.write("Password: the DEMO_PASSWORD you set")
        else:
            self.stdout.write(f"Password: {password}   (set DEMO_PASSWORD to choose your own)")
        self.stdout.write(f"Programmes: {', '.join(p.slug for p in programmes) or 'none loaded'}")
