"""Resetting a forgotten password by e-mail: Django's own views, our pages, audited."""

import os
import re
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from improve.core.models import AuditEvent
from improve.programmes.tests.factories import UserFactory

NEW_PASSWORD = "a brand new passphrase 2019"
LINK = re.compile(r"https?://[^/\s]+(/accounts/password-reset/[^\s]+/)")


@pytest.fixture
def pmo_user(db):
    return UserFactory(email="pmo@example.org", full_name="Priya Patel")


def ask_for_a_link(client: Client, email: str):
    return client.post(reverse("accounts:password-reset"), {"email": email})


def reset_link(mail) -> str:
    match = LINK.search(mail.body)
    assert match, mail.body
    return match.group(1)


def test_the_sign_in_page_links_to_the_reset_page(db):
    body = Client().get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("accounts:password-reset")}"' in body
    assert "Forgotten your password?" in body


def test_reset_by_e_mail_link_then_sign_in_with_the_new_password(pmo_user, mailoutbox):
    client = Client()
    page = client.get(reverse("accounts:password-reset"))
    assert page.status_code == 200 and "E-mail address" in page.content.decode()

    # The address in any case finds the account; the mail goes to the address as stored.
    response = ask_for_a_link(client, "Pmo@Example.org")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password-reset-done")
    assert "Check your e-mail" in client.get(response["Location"]).content.decode()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["pmo@example.org"]
    assert mail.subject == "Reset your Improvement Office password"
    assert "Priya Patel" in mail.body and "24 hours" in mail.body

    # The link swaps its token for a session and shows the form at a URL without the token.
    opened = client.get(reset_link(mail))
    assert opened.status_code == 302 and opened["Location"].endswith("/set-password/")
    form_page = client.get(opened["Location"])
    assert form_page.status_code == 200 and "Choose a new password" in form_page.content.decode()

    mismatch = client.post(opened["Location"], {"new_password1": NEW_PASSWORD, "new_password2": "something else"})
    assert mismatch.status_code == 200
    assert "Confirm new password must match New password" in mismatch.content.decode()

    done = client.post(opened["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("accounts:password-reset-complete")
    complete = client.get(done["Location"]).content.decode()
    assert "Your password has been reset" in complete and reverse("accounts:login") in complete

    pmo_user.refresh_from_db()
    assert pmo_user.check_password(NEW_PASSWORD) and not pmo_user.check_password("correct horse battery")
    signed = Client()
    signed.post(reverse("accounts:login"), {"username": "pmo@example.org", "password": NEW_PASSWORD})
    assert signed.get(reverse("programmes:home")).wsgi_request.user == pmo_user

    # The link works once.
    again = Client().get(reset_link(mail))
    assert again.status_code == 200 and "This link has expired or has already been used" in again.content.decode()


def test_request_and_reset_are_audited_without_the_password(pmo_user, mailoutbox):
    client = Client()
    ask_for_a_link(client, "pmo@example.org")
    requested = AuditEvent.objects.get(object_type="accounts.user", object_id=str(pmo_user.pk))
    assert requested.actor is None and requested.via == "password reset"
    assert requested.after == {"password": "(reset link e-mailed)"}

    form_url = client.get(reset_link(mailoutbox[0]))["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    reset = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(pmo_user.pk)).first()
    assert reset.pk != requested.pk
    assert reset.actor == pmo_user and reset.via == "password reset"
    assert reset.after == {"password": "(reset by e-mail link)"}
    trail = str(list(AuditEvent.objects.values_list("before", "after")))
    assert NEW_PASSWORD not in trail and mailoutbox[0].body.split("/")[-2] not in trail


def test_an_unknown_address_gets_the_same_page_and_no_mail(db, mailoutbox):
    response = ask_for_a_link(Client(), "nobody@example.org")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password-reset-done")
    assert mailoutbox == []
    assert not AuditEvent.objects.exists()


def test_a_malformed_address_names_the_field_and_what_is_accepted(db, mailoutbox):
    body = ask_for_a_link(Client(), "pmo at example").content.decode()
    assert "Enter an e-mail address in the correct format, like name@example.org" in body
    assert 'href="#id_email"' in body
    assert mailoutbox == []


def test_a_broken_link_says_so(pmo_user):
    url = reverse("accounts:password-reset-confirm", kwargs={"uidb64": "MQ", "token": "not-a-token"})
    response = Client().get(url)
    assert response.status_code == 200
    assert "This link has expired or has already been used" in response.content.decode()
    assert reverse("accounts:password-reset") in response.content.decode()


def test_the_demo_prints_the_mail_on_the_console_and_the_environment_can_change_it():
    """Without EMAIL_BACKEND the console backend prints the mail (as ``make demo`` shows it)."""

    def send(**env: str) -> subprocess.CompletedProcess:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
        return subprocess.run(  # noqa: S603 - our own command, fixed arguments
            [sys.executable, "-c", "from improve.cli import main; main()", "sendtestemail", "pmo@example.org"],
            env={**clean, **env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    console = send(DEFAULT_FROM_EMAIL="pmo-office@council.example")
    assert console.returncode == 0, console.stderr
    assert "To: pmo@example.org" in console.stdout and "From: pmo-office@council.example" in console.stdout
    dummy = send(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    assert dummy.returncode == 0, dummy.stderr
    assert "To: pmo@example.org" not in dummy.stdout
