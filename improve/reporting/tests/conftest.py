import pytest

from improve.core.audit import SYSTEM
from improve.core.registry import registry
from improve.governance import services as governance
from improve.interchange.tests.conftest import load
from improve.programmes.models import Programme
from improve.reporting import selectors
from improve.reporting.tests import sample_sections


def _offer_only(monkeypatch, keep) -> None:
    """Let the pack see only the summary and ``keep`` of the registry's sections (for one test)."""
    offered = [s for s in registry.pack_sections() if s.key == "summary" or s.key in keep]
    monkeypatch.setattr(registry, "pack_sections", lambda: list(offered))


@pytest.fixture
def samples(monkeypatch):
    """The stand-in sections of sample_sections, and no other room's, registered for one test.

    The pack's machinery is tested against sections whose content the test knows; the rooms'
    own sections are tested in their rooms and together in test_real_pack.py.
    """
    sample_sections.register()
    _offer_only(monkeypatch, {s.key for s in sample_sections.SECTIONS})
    yield sample_sections.SECTIONS
    sample_sections.unregister()


@pytest.fixture
def summary_only(monkeypatch):
    """No room offers a section: the pack has only its summary."""
    _offer_only(monkeypatch, set())


@pytest.fixture
def bd(db) -> Programme:
    """The Barking and Dagenham example, loaded."""
    programme = load("barking-dagenham-2019").programme
    assert programme is not None
    return programme


@pytest.fixture
def cib(bd):
    board = selectors.board_named(bd, "childrens-improvement-board")
    assert board is not None
    return board


@pytest.fixture
def board(programme):
    """A board of the test programme (improve/conftest.py)."""
    return governance.board_save(
        actor=SYSTEM, programme=programme, data={"code": "cib", "name": "Children's Improvement Board"}
    )
