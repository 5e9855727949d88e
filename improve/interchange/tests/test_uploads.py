"""Uploaded workbooks waiting in temporary files (no database)."""

from __future__ import annotations

import os
import time

import pytest

from improve.interchange import uploads
from improve.interchange.uploads import UploadGoneError, upload_discard, upload_keep, upload_read, uploads_clean


def test_kept_read_and_discarded(upload_dir):
    token = upload_keep(data=b"PK\x03\x04 workbook\n with a line break", user_id=7, slug="havering-2019")
    assert upload_dir.stat().st_mode & 0o777 == 0o700
    assert upload_read(token=token, user_id=7, slug="havering-2019") == b"PK\x03\x04 workbook\n with a line break"
    upload_discard(token)
    with pytest.raises(UploadGoneError) as info:
        upload_read(token=token, user_id=7, slug="havering-2019")
    assert not info.value.expired


@pytest.mark.parametrize(("user_id", "slug"), [(8, "havering-2019"), (7, "barking-dagenham-2019"), (None, "")])
def test_only_its_user_and_programme_can_read_it(user_id, slug):
    token = upload_keep(data=b"x", user_id=7, slug="havering-2019")
    with pytest.raises(UploadGoneError):
        upload_read(token=token, user_id=user_id, slug=slug)
    assert upload_read(token=token, user_id=7, slug="havering-2019") == b"x"


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "a" * 31, "a" * 32 + "/", "a/" + "b" * 30])
def test_a_token_is_never_a_path(token):
    with pytest.raises(UploadGoneError):
        upload_read(token=token, user_id=7, slug="havering-2019")
    upload_discard(token)  # nothing happens


def test_expiry_and_cleaning(upload_dir):
    old = upload_keep(data=b"old", user_id=7, slug="p")
    new = upload_keep(data=b"new", user_id=7, slug="p")
    files = {p.name: p for p in upload_dir.iterdir()}
    an_hour_ago = time.time() - 3601
    os.utime(files[f"{old}.upload"], (an_hour_ago, an_hour_ago))
    with pytest.raises(UploadGoneError) as info:
        upload_read(token=old, user_id=7, slug="p")
    assert info.value.expired
    assert not (upload_dir / f"{old}.upload").exists()  # reading an expired upload deletes it
    assert uploads_clean(now=time.time() + 3601) == 1
    assert list(upload_dir.iterdir()) == []
    assert uploads.upload_dir() == upload_dir  # the folder in settings.INTERCHANGE_UPLOAD_DIR
    with pytest.raises(UploadGoneError):
        upload_read(token=new, user_id=7, slug="p")
