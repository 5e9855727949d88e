"""The floors (shared/DESIGN.md): modelling imports nothing of ours and no Django; finance only what is below it."""

import re
from pathlib import Path

import pytest
from django.conf import settings

IMPORT = re.compile(r"^\s*(?:from|import)\s+(improve\.\w+|django)\b", re.M)
ALLOWED = {
    "modelling": {"improve.modelling"},
    "finance": {
        "django",
        "improve.core",
        "improve.accounts",
        "improve.programmes",
        "improve.modelling",
        "improve.finance",
    },
}


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_a_floor_imports_only_what_is_below_it(app):
    wrong = []
    for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts):
            continue
        for name in IMPORT.findall(path.read_text(encoding="utf-8")):
            if name not in ALLOWED[app]:
                wrong.append(f"{path.name} imports {name}")
    assert not wrong, wrong
