"""Signing in: the e-mail address in any case, and the lockout after repeated wrong passwords."""

import datetime as dt
import re

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


# --- lockout --------------------------------------------------------------------------------------

LOCKED = "You have entered a wrong password too many times"


def fail(client: Client, times: int, email: str = "pmo@example.org", ip: str = "192.0.2.10"):
    return [sign_in(client, email, "wrong horse battery", ip) for _ in range(times)]


def test_five_wrong_passwords_lock_sign_in_even_with_the_right_one(pmo_user):
    client = Client()
    first_four = fail(client, 4)
    assert all(r.status_code == 200 and LOCKED not in r.content.decode() for r in first_four)
    fifth = fail(client, 1)[0]
    assert fifth.status_code == 429
    response = sign_in(client, "pmo@example.org", PASSWORD)
    assert response.status_code == 429
    assert signed_in_as(client) is None
    # A GOV.UK page, not a bare message: the error summary, the wait, and the way out.
    body = response.content.decode()
    assert '<div class="govuk-error-summary"' in body
    assert LOCKED in body and "Try again in 30 minutes" in body
    assert f'<li><a href="{reverse("accounts:password-reset")}">{LOCKED}' in body
    assert "<title>Error: Sign in" in body


def test_the_lock_holds_for_the_address_in_any_case(pmo_user):
    client = Client()
    for typed in ["Pmo@Example.org", "PMO@example.org", "pmo@EXAMPLE.org", "pmo@example.ORG", "pmo@example.org"]:
        sign_in(client, typed, "wrong horse battery")
    assert sign_in(client, "Pmo@Example.org", PASSWORD).status_code == 429


def test_the_lock_is_on_the_person_and_the_address_together(pmo_user):
    UserFactory(email="board@example.org")
    fail(Client(), 5)
    # The same person from another network, and another person from the same one, still sign in.
    assert sign_in(Client(), "pmo@example.org", PASSWORD, ip="198.51.100.7").status_code == 302
    assert sign_in(Client(), "board@example.org", PASSWORD).status_code == 302


def test_the_lock_lifts_after_thirty_minutes(pmo_user):
    from axes.models import AccessAttempt

    fail(Client(), 5)
    assert sign_in(Client(), "pmo@example.org", PASSWORD).status_code == 429
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= dt.timedelta(minutes=31)
        attempt.save()
    assert sign_in(Client(), "pmo@example.org", PASSWORD).status_code == 302


def test_signing_in_clears_earlier_failures(pmo_user):
    fail(Client(), 4)
    assert sign_in(Client(), "pmo@example.org", PASSWORD).status_code == 302
    fail(Client(), 4)
    assert sign_in(Client(), "pmo@example.org", PASSWORD).status_code == 302


def test_resetting_the_password_lifts_the_lock(pmo_user, mailoutbox):
    client = Client()
    fail(client, 5)
    client.post(reverse("accounts:password-reset"), {"email": "pmo@example.org"})
    link = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    new = "a brand new passphrase 2019"
    assert client.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert sign_in(client, "pmo@example.org", new).status_code == 302


def test_behind_a_proxy_the_lock_is_on_the_forwarded_client_address(pmo_user, settings):
    """With PROXY_COUNT=1 the client is the last X-Forwarded-For entry (what the proxy saw); an
    address the client put in the header itself does not let it dodge the lock."""
    settings.PROXY_COUNT = 1
    proxy = "10.0.0.2"

    def via_proxy(password: str, forwarded: str):
        return Client().post(
            reverse("accounts:login"),
            {"username": "pmo@example.org", "password": password},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for n in range(5):
        via_proxy("wrong horse battery", f"203.0.113.{n}, 192.0.2.10")
    assert via_proxy(PASSWORD, "192.0.2.10").status_code == 429
    # A colleague behind the same proxy, from another address, is not locked out.
    assert via_proxy(PASSWORD, "192.0.2.99").status_code == 302


def test_without_a_proxy_a_forwarded_header_is_ignored(pmo_user):
    for n in range(5):
        Client().post(
            reverse("accounts:login"),
            {"username": "pmo@example.org", "password": "wrong"},
            REMOTE_ADDR="192.0.2.10",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    assert sign_in(Client(), "pmo@example.org", PASSWORD, ip="192.0.2.10").status_code == 429
