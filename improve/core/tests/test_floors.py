"""The house's floors (shared/DESIGN.md): no room imports a room above it, and migrations agree."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db.migrations.loader import MigrationLoader

ALLOWED = {
    "modelling": set(),
    "core": set(),
    "accounts": {"core"},
    "programmes": {"core", "accounts", "modelling"},
    "raid": {"core", "accounts", "programmes", "modelling"},
    "governance": {"core", "accounts", "programmes", "modelling"},
    "finance": {"core", "accounts", "programmes", "modelling"},
    # reporting reads every room (through their selectors); nothing imports reporting
    "reporting": {"core", "accounts", "programmes", "modelling", "raid", "governance", "finance"},
    "demand": {"core", "accounts", "modelling"},
    "interchange": {"core", "accounts", "programmes", "modelling"},
}
IMPORT = re.compile(r"^\s*(?:from|import)\s+improve\.(\w+)", re.M)


def _sources(app):
    for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
        parts = set(path.parts)
        if not parts & {"tests", "migrations"}:
            yield path


@pytest.mark.parametrize("app", sorted(a for a in ALLOWED if (Path(settings.BASE_DIR) / a).is_dir()))
def test_a_room_imports_only_the_floors_below_it(app):
    wrong = [
        f"{path.relative_to(settings.BASE_DIR)} imports improve.{other}"
        for path in _sources(app)
        for other in IMPORT.findall(path.read_text(encoding="utf-8"))
        if other != app and other not in ALLOWED[app]
    ]
    assert not wrong, wrong


def test_accounts_never_names_the_programme_room():
    named = [str(p) for p in _sources("accounts") if re.search(r"\bprogrammes[.:]", p.read_text(encoding="utf-8"))]
    assert not named, named


def test_no_migration_depends_on_a_room_above_its_own(db):
    """The swappable models named by a setting are the dependencies a floor may have besides its own.

    The user model (``AUTH_USER_MODEL``) for any floor; the programme model
    (``IMPROVE_PROGRAMME_MODEL``) for the rooms on the programme room's floor and above.
    """
    user_app = settings.AUTH_USER_MODEL.split(".")[0]
    programme_app = settings.IMPROVE_PROGRAMME_MODEL.split(".")[0]
    on_programme_floor = {"demand"}
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    for app, name in graph.nodes:
        if app not in ALLOWED:
            continue
        for dep_app, _dep in (parent.key for parent in graph.node_map[(app, name)].parents):
            if dep_app == programme_app and app in on_programme_floor:
                continue
            if dep_app in ALLOWED and dep_app not in (app, user_app):
                assert dep_app in ALLOWED[app], f"{app}.{name} depends on {dep_app}"
