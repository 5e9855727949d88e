"""The roles table in docs/roles.md says what the permission table grants."""

from django.conf import settings

from improve.programmes.models import Role
from improve.programmes.permissions import RULES, Perm

GRANTS = {rule.name: rule.roles for rule in RULES}

COLUMNS = [
    Perm.VIEW,
    Perm.EDIT_PLAN,
    Perm.EDIT_PROGRAMME,
    Perm.MANAGE_BASELINES,
    Perm.IMPORT,
    Perm.EXPORT,
    Perm.MANAGE_MEMBERS,
]


def test_roles_page_matches_the_grants():
    text = (settings.REPO_DIR / "docs" / "roles.md").read_text()
    rows = [line.strip("|").split("|") for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    header, *body = rows
    assert len(header) == len(COLUMNS) + 1
    labels = {r.label: r for r in Role}
    seen = set()
    for cells in body:
        name = cells[0].strip().replace(" (SRO)", "")
        role = labels[name]
        seen.add(role)
        for perm, cell in zip(COLUMNS, cells[1:], strict=True):
            documented = cell.strip() != "no"
            assert documented == (role in GRANTS[perm]), f"docs/roles.md: {name} / {perm}"
    assert seen == set(Role)
