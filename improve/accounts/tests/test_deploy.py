"""Production settings pass Django's deployment checks and refuse to start without a secret."""

import os
import subprocess
import sys

import pytest

PROD = {
    "PRODUCTION": "true",
    "SECURE": "true",
    "ALLOWED_HOSTS": "improve.example.org",
    "SECRET_KEY": "k" * 20 + "-production-secret-only-for-this-check-" + "z" * 20,
    "IMPROVE_PSEUDONYM_KEY": "p" * 20 + "-pseudonym-key-only-for-this-check-" + "q" * 20,
}


def improve(*args: str, **env: str) -> subprocess.CompletedProcess:
    unset = {"SECRET_KEY", "IMPROVE_PSEUDONYM_KEY", "PRODUCTION", "SECURE", "DEBUG"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-c", "from improve.cli import main; main()", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("database_url", ["", "postgres://improve:secret@db.internal:5432/improve"])
def test_check_deploy_is_clean(database_url):
    env = dict(PROD, DATABASE_URL=database_url) if database_url else PROD
    result = improve("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret():
    env = {k: v for k, v in PROD.items() if k != "SECRET_KEY"}
    result = improve("check", **env)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_pseudonym_key():
    """Child identifiers are hashed with this key: a production server never falls back to a known one."""
    env = {k: v for k, v in PROD.items() if k != "IMPROVE_PSEUDONYM_KEY"}
    result = improve("check", **env)
    assert result.returncode != 0 and "IMPROVE_PSEUDONYM_KEY must be set" in result.stderr
