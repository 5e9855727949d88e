from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from improve.core.audit import Actor
from improve.core.models import AuditEvent
from improve.interchange import services
from improve.interchange.workbook import read_workbook
from improve.programmes.models import (
    Baseline,
    BaselineItem,
    Dependency,
    Owner,
    PlanItem,
    Programme,
    Project,
    Stage,
    Strand,
)

EXAMPLES = Path(settings.REPO_DIR) / "examples"
EXAMPLE_NAMES = ["barking-dagenham-2019", "havering-2019", "cambridgeshire-2016"]
ACTOR = Actor(user=None, via="workbook import")


def counts() -> dict[str, int]:
    """How many rows each table holds (to show that nothing was written)."""
    return {
        m.__name__: m.objects.count()
        for m in (Programme, Owner, Strand, Stage, Project, PlanItem, Dependency, Baseline, BaselineItem, AuditEvent)
    }


def wipe() -> None:
    """Empty the database of programmes and their trail."""
    AuditEvent.objects.all().delete()
    Dependency.objects.all().delete()
    PlanItem.objects.update(parent=None)
    PlanItem.objects.all().delete()
    Project.objects.all().delete()
    Programme.objects.all().delete()


def load(name: str) -> services.ImportResult:
    result = services.workbook_import(actor=ACTOR, sheets=read_workbook(EXAMPLES / name))
    assert result.ok, [str(p) for p in result.problems]
    return result


def example_sheets(name: str) -> dict[str, list[dict[str, Any]]]:
    return {n: s.as_dicts() for n, s in read_workbook(EXAMPLES / name).items()}


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    """Uploaded workbooks wait in this test's own folder."""
    settings.INTERCHANGE_UPLOAD_DIR = tmp_path / "uploads"
    return settings.INTERCHANGE_UPLOAD_DIR


@pytest.fixture
def havering() -> Programme:
    result = load("havering-2019")
    assert result.programme is not None
    return result.programme
