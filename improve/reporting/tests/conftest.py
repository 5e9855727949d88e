import pytest

from improve.core.audit import SYSTEM
from improve.governance import services as governance
from improve.interchange.tests.conftest import load
from improve.programmes.models import Programme
from improve.reporting import selectors
from improve.reporting.tests import sample_sections


@pytest.fixture
def samples():
    """The stand-in sections of other rooms (see sample_sections), registered for one test."""
    sample_sections.register()
    yield sample_sections.SECTIONS
    sample_sections.unregister()


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
