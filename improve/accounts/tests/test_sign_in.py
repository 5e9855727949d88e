"""Signing in: the e-mail address in any case, and the lockout after repeated wrong passwords."""

import pytest
from django.test import Client
from django.urls import reverse

from improve.programmes.tests.factories import UserFactory

PASSWORD = "correct horse battery"


@pytest.fixture
def pmo_user(db):
    return UserFactory(email="pmo@example.org", full_name="Priya Patel")


def sign_in(client: Client, email: str, password: str, ip: str = "192.0.2.10"):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def signed_in_as(client: Client) -> str | None:
    user = client.get(reverse("programmes:home")).wsgi_request.user
    return user.email if user.is_authenticated else None


@pytest.mark.parametrize("typed", ["Pmo@Example.org", "PMO@EXAMPLE.ORG", "  pmo@example.org "])
def test_sign_in_ignores_the_case_of_the_email_address(pmo_user, typed):
    client = Client()
    response = sign_in(client, typed, PASSWORD)
    assert response.status_code == 302, response.content.decode()
    assert signed_in_as(client) == "pmo@example.org"


def test_wrong_password_message_does_not_claim_the_email_is_case_sensitive(pmo_user):
    body = sign_in(Client(), "pmo@example.org", "wrong").content.decode()
    assert "Enter a correct e-mail address and password. The password is case-sensitive." in body
