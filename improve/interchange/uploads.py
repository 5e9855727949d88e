"""Uploaded workbooks waiting for the user to confirm the preview, each in a temporary file.

The file is named by a random token, holds the user and programme it was uploaded for, and expires
after :data:`~improve.interchange.limits.UPLOAD_WAITS_AT_MOST`. The session keeps only the token (with
the file name and the preview's fingerprint). Expired files are deleted whenever an upload is kept
or read. The folder is ``settings.INTERCHANGE_UPLOAD_DIR`` (environment ``INTERCHANGE_UPLOAD_DIR``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

from improve.interchange.limits import UPLOAD_WAITS_AT_MOST

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")
SUFFIX = ".upload"


class UploadGoneError(Exception):
    """The upload is not waiting any more: ``expired``, or used, or never this user's."""

    def __init__(self, *, expired: bool) -> None:
        super().__init__("expired" if expired else "not found")
        self.expired = expired


def upload_dir() -> Path:
    folder = Path(settings.INTERCHANGE_UPLOAD_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path:
    if not TOKEN_RE.match(token):  # never a path of the caller's making
        raise UploadGoneError(expired=False)
    return upload_dir() / f"{token}{SUFFIX}"


def _expired(path: Path, now: float) -> bool:
    return now - path.stat().st_mtime > UPLOAD_WAITS_AT_MOST.total_seconds()


def uploads_clean(*, now: float | None = None) -> int:
    """Delete the expired uploads; how many were deleted."""
    now = time.time() if now is None else now
    deleted = 0
    for path in upload_dir().glob(f"*{SUFFIX}"):
        with contextlib.suppress(FileNotFoundError):  # another process got there first
            if _expired(path, now):
                path.unlink()
                deleted += 1
    return deleted


def upload_keep(*, data: bytes, user_id: int | None, slug: str) -> str:
    """Keep ``data`` for ``user_id`` on programme ``slug``; the token to read it back with."""
    uploads_clean()
    token = secrets.token_urlsafe(24)
    header = json.dumps({"user": user_id, "slug": slug}).encode() + b"\n"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(_path(token), flags, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(header + data)
    return token


def upload_read(*, token: str, user_id: int | None, slug: str) -> bytes:
    """The upload kept under ``token`` for this user and programme; :class:`UploadGoneError` if not."""
    path = _path(token)
    try:
        if _expired(path, time.time()):
            path.unlink(missing_ok=True)
            raise UploadGoneError(expired=True)
        header, _, data = path.read_bytes().partition(b"\n")
    except FileNotFoundError as exc:
        raise UploadGoneError(expired=False) from exc
    owner = json.loads(header)
    if owner != {"user": user_id, "slug": slug}:
        raise UploadGoneError(expired=False)
    return data


def upload_discard(token: str) -> None:
    """Delete the upload kept under ``token`` (if it is still there)."""
    with contextlib.suppress(UploadGoneError):
        _path(token).unlink(missing_ok=True)
