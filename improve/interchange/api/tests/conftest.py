from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from improve.core.audit import Actor
from improve.interchange.api import selectors, services
from improve.interchange.tests.conftest import load
from improve.programmes.models import Programme, Role
from improve.programmes.tests.factories import MembershipFactory, UserFactory

BD = "barking-dagenham-2019"


@pytest.fixture(autouse=True)
def _nothing_kept():
    """Each test starts with no register rows kept in the process (see selectors.register_rows)."""
    selectors._KEPT.clear()


@pytest.fixture
def bd(db) -> Programme:
    result = load(BD)
    assert result.programme is not None
    return result.programme


@pytest.fixture
def token_for() -> Callable[..., tuple[Any, str]]:
    """``token_for(programme, role)``: a member of the programme with that role, and a token of theirs."""

    def make(programme: Programme, role: str = Role.ANALYST, *, email: str = "") -> tuple[Any, str]:
        user = UserFactory(email=email or f"{role}@example.org")
        MembershipFactory(user=user, programme=programme, role=role)
        _token, secret = services.api_token_create(actor=Actor(user=user), user=user, name="Power BI")
        return user, secret

    return make


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
