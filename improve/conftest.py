"""Shared fixtures: a small programme and one signed-in client per role.

On SQLite the tests run against a database file, as the application does, not SQLite's shared
in-memory database: locking, the write-ahead log and the busy timeout behave differently in memory
(tables are locked, and a busy writer fails at once), so concurrent tests would prove nothing there.
"""

import datetime as dt

import pytest
from django.test import Client

from improve.programmes.models import Role
from improve.programmes.tests.factories import (
    MembershipFactory,
    OwnerFactory,
    PlanItemFactory,
    ProgrammeFactory,
    StageFactory,
    StrandFactory,
    UserFactory,
)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A test database file per test process (each xdist worker has its own temporary folder)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Uploaded files (savings evidence) go to a temporary folder, never the checkout's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with nothing kept from another (whose database, rolled back, reused its ids)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def programme(db):
    p = ProgrammeFactory(slug="test-council-2019", council="Test Council")
    s1 = StrandFactory(programme=p, code="1", name="Practice Improvement", order=1)
    s2 = StrandFactory(programme=p, code="2", name="Service Design", order=2)
    sean = OwnerFactory(programme=p, name="Sean Girty", title="Head of Service Development")
    board = OwnerFactory(programme=p, name="Workforce Board", kind="board")
    StageFactory(
        programme=p,
        code="define",
        name="Defining a Programme",
        start_date=dt.date(2019, 4, 1),
        end_date=dt.date(2019, 6, 30),
    )
    d1 = PlanItemFactory(
        strand=s1,
        uid="1",
        title="TOM2 Design Pack Completed",
        owner=sean,
        start_date=dt.date(2018, 6, 1),
        end_date=dt.date(2019, 4, 18),
    )
    PlanItemFactory(
        strand=s1,
        uid="17",
        title="Endorsed by Workforce Board",
        kind="gate",
        gate_type="endorsement",
        level=2,
        parent=d1,
        owner=board,
        team="Governance",
        start_date=dt.date(2019, 7, 25),
        end_date=dt.date(2019, 7, 25),
        status="not_started",
        rag="",
        percent_complete=0,
    )
    PlanItemFactory(
        strand=s2,
        uid="23",
        title="Stakeholder Analysis and Communications Plan",
        owner=sean,
        start_date=None,
        start_tbd=True,
        end_date=None,
        end_tbd=True,
        status="not_started",
        rag="",
        percent_complete=0,
    )
    return p


@pytest.fixture
def member(programme):
    """``member(role, strands=[...])`` -> a signed-in test client for that role."""

    def make(role: str, strands=()) -> Client:
        user = UserFactory(email=f"{role}@example.org", full_name=f"Test {role}")
        m = MembershipFactory(user=user, programme=programme, role=role)
        m.strands.set(strands)
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return make


@pytest.fixture
def pmo(member):
    return member(Role.PMO_OFFICER)
