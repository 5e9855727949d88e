"""The workbook pages: download, upload, preview, confirm; who may do what."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improve.accounts.models import User
from improve.core.models import AuditEvent
from improve.interchange import services
from improve.interchange.tests.conftest import ACTOR, counts
from improve.interchange.tests.test_workbook import CSV_ZIP, XLSX, bad_crc, bad_deflate
from improve.interchange.views import SESSION_KEY, XLSX_CONTENT
from improve.interchange.workbook import read_xlsx, xlsx_bytes
from improve.programmes.models import Membership, PlanItem

pytestmark = pytest.mark.django_db


def member(programme, role: str, email: str = "pmo@example.org") -> User:
    user = User.objects.create_user(email=email, password="a long pass phrase", full_name="Pat Officer")
    Membership.objects.create(user=user, programme=programme, role=role)
    return user


@pytest.fixture
def pmo(client, havering):
    user = member(havering, "pmo_officer")
    client.force_login(user)
    return user


def url(name, programme):
    return reverse(f"interchange:{name}", args=[programme.slug])


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX_CONTENT)


def changed_workbook(programme) -> bytes:
    sheets = services.workbook_export(programme=programme)
    row = next(r for r in sheets["plan_items"] if r["uid"] == "102")
    row["title"] = "Health Passport agreed with health partners"
    row["end"] = dt.date(2019, 12, 31)
    return xlsx_bytes(sheets)


def test_workbook_page_for_a_pmo_officer(client, pmo, havering):
    response = client.get(url("workbook", havering))
    assert response.status_code == 200
    html = response.content.decode()
    assert url("export", havering) in html
    assert f'action="{url("import", havering)}"' in html
    assert 'enctype="multipart/form-data"' in html
    assert '<label class="govuk-label govuk-label--s" for="id_file">' in html


def test_viewer_sees_neither_download_nor_upload(client, havering):
    client.force_login(member(havering, "viewer", "viewer@example.org"))
    html = client.get(url("workbook", havering)).content.decode()
    assert url("export", havering) not in html and url("import", havering) not in html
    assert client.get(url("export", havering)).status_code == 403
    assert client.post(url("import", havering)).status_code == 403
    assert client.post(url("import-confirm", havering)).status_code == 403


def test_workstream_lead_downloads_but_cannot_import(client, havering):
    client.force_login(member(havering, "workstream_lead", "lead@example.org"))
    html = client.get(url("workbook", havering)).content.decode()
    assert url("export", havering) in html and url("import", havering) not in html
    assert client.post(url("import", havering)).status_code == 403


def test_non_member_gets_not_found(client, havering):
    client.force_login(User.objects.create_user(email="x@example.org", password="pw long enough", full_name="X"))
    assert client.get(url("workbook", havering)).status_code == 404


def test_download(client, pmo, havering):
    response = client.get(url("export", havering))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT
    assert response["Content-Disposition"] == 'attachment; filename="havering-2019-workbook.xlsx"'
    sheets = read_xlsx(response.content)
    assert len(sheets["plan_items"].rows) == 54


def test_upload_preview_confirm(client, pmo, havering):
    before = counts()
    response = client.post(url("import", havering), {"file": upload("plan.xlsx", changed_workbook(havering))})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Check the changes before you import them" in html
    assert "Health Passport agreed with health partners" in html
    assert "31/12/2019" in html
    assert url("import-confirm", havering) in html
    assert counts() == before  # the preview wrote nothing
    token = client.session[SESSION_KEY]["token"]

    response = client.post(url("import-confirm", havering), {"token": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:overview", args=[havering.slug])
    item = PlanItem.objects.get(programme=havering, uid="102")
    assert item.title == "Health Passport agreed with health partners"
    assert item.end_date == dt.date(2019, 12, 31)
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.via, event.actor_id) == ("update", "workbook import", pmo.pk)
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "plan.xlsx was imported: 0 created, 1 changed, 0 removed." in page
    # The same token cannot be used twice.
    again = client.post(url("import-confirm", havering), {"token": token})
    assert "This upload has expired or has already been imported" in again.content.decode()


def test_confirm_shows_a_new_preview_if_the_programme_changed(client, pmo, havering):
    client.post(url("import", havering), {"file": upload("plan.xlsx", changed_workbook(havering))})
    token = client.session[SESSION_KEY]["token"]
    sheets = services.workbook_export(programme=havering)
    sheets["owners"].append({"name": "Someone Else", "kind": "person", "title": ""})
    services.workbook_import(actor=ACTOR, sheets=sheets)
    response = client.post(url("import-confirm", havering), {"token": token})
    assert response.status_code == 200
    assert "The programme changed after you checked the workbook" in response.content.decode()
    assert PlanItem.objects.get(programme=havering, uid="102").title == "Health Passport developed"


def test_upload_with_problems_shows_them_and_saves_nothing(client, pmo, havering):
    sheets = services.workbook_export(programme=havering)
    sheets["plan_items"][0]["owner"] = "Jane Doe"
    before = counts()
    response = client.post(url("import", havering), {"file": upload("plan.xlsx", xlsx_bytes(sheets))})
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#problems"' in html
    assert "<caption" in html and '<th scope="col" class="govuk-table__header">Sheet</th>' in html
    assert "&#x27;Jane Doe&#x27; is not in the owners sheet" in html
    assert SESSION_KEY not in client.session
    assert counts() == before


def test_upload_of_another_programmes_workbook(client, pmo, havering):
    sheets = services.workbook_export(programme=havering)
    sheets["programme"][0]["slug"] = "somewhere-else"
    html = client.post(url("import", havering), {"file": upload("plan.xlsx", xlsx_bytes(sheets))}).content.decode()
    assert "This workbook is for the programme &#x27;somewhere-else&#x27;, not &#x27;havering-2019&#x27;" in html


def test_unchanged_upload_says_no_changes(client, pmo, havering):
    data = services.workbook_export_xlsx(programme=havering)
    html = client.post(url("import", havering), {"file": upload("plan.xlsx", data)}).content.decode()
    assert "No changes" in html and url("import-confirm", havering) not in html


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.csv", b"uid,title\n1,A\n", "The selected file must be an Excel workbook (.xlsx)"),
        ("plan.xlsx", b"not really a workbook", "could not be read as an Excel workbook"),
        ("plan.zip", b"not really a zip", "The file is not a .zip archive"),
        ("plan.zip", b"PK\x05\x06" + b"\x00" * 18, "The .zip file has no .csv files in it"),
        ("plan.zip", bad_crc(CSV_ZIP, "book/owners.csv"), "book/owners.csv in the .zip file is damaged"),
        ("plan.zip", bad_deflate(CSV_ZIP, "book/owners.csv"), "book/owners.csv in the .zip file is damaged"),
        ("plan.xlsx", bad_crc(XLSX, "xl/worksheets/sheet1.xml"), "The Excel workbook is damaged"),
        ("plan.xlsx", XLSX[:-100], "could not be read as an Excel workbook"),
    ],
    ids=["csv", "not-xlsx", "not-zip", "empty-zip", "zip-crc", "zip-deflate", "xlsx-crc", "xlsx-truncated"],
)
def test_bad_uploads_are_form_errors(client, pmo, havering, name, data, message):
    before = counts()
    response = client.post(url("import", havering), {"file": upload(name, data)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and message in html
    assert "govuk-form-group--error" in html
    assert counts() == before


def test_upload_without_a_file(client, pmo, havering):
    html = client.post(url("import", havering), {}).content.decode()
    assert "Select a workbook to upload" in html


def test_get_on_post_only_pages_goes_back_to_the_workbook_page(client, pmo, havering):
    for name in ("import", "import-confirm"):
        response = client.get(url(name, havering))
        assert response.status_code == 302 and response["Location"] == url("workbook", havering)


def zipped_csv_folder(programme, tmp_path, change=None) -> bytes:
    """The programme's CSV folder export, zipped inside a folder as a file manager would."""
    import io
    import zipfile

    from improve.interchange.workbook import write_csv_folder

    sheets = services.workbook_export(programme=programme)
    if change:
        change(sheets)
    folder = write_csv_folder(sheets, tmp_path / "havering")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in sorted(folder.glob("*.csv")):
            archive.write(file, f"havering/{file.name}")
        archive.writestr("__MACOSX/havering/._plan_items.csv", b"\x00\x05junk")
    return buffer.getvalue()


def test_upload_a_zip_of_csv_files_preview_and_confirm(client, pmo, havering, tmp_path):
    def change(sheets):
        sheets["plan_items"][0]["title"] = "Retitled in a CSV file"

    data = zipped_csv_folder(havering, tmp_path, change)
    before = counts()
    response = client.post(url("import", havering), {"file": upload("havering.zip", data)})
    assert "Retitled in a CSV file" in response.content.decode() and counts() == before
    token = client.session[SESSION_KEY]["token"]
    assert client.post(url("import-confirm", havering), {"token": token}).status_code == 302
    assert PlanItem.objects.filter(programme=havering, title="Retitled in a CSV file").count() == 1


def test_zip_with_two_sheets_of_one_name_is_refused(client, pmo, havering):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a/owners.csv", "name,kind,title\n")
        archive.writestr("b/owners.csv", "name,kind,title\n")
    html = client.post(url("import", havering), {"file": upload("two.zip", buffer.getvalue())}).content.decode()
    assert "two files called owners.csv" in html


def test_upload_with_a_5000_digit_number_shows_a_problem_not_a_server_error(client, pmo, havering):
    sheets = services.workbook_export(programme=havering)
    sheets["plan_items"][0]["percent_complete"] = "9" * 5000  # text, as a probe would type it
    sheets["plan_items"][1]["order"] = "9" * 5000
    response = client.post(url("import", havering), {"file": upload("plan.xlsx", xlsx_bytes(sheets))})
    assert response.status_code == 200
    html = response.content.decode()
    assert "99999999… (5,000 digits) is outside 0–100: enter a whole number from 0 to 100" in html
    assert "99999999… (5,000 digits) is too large: enter a whole number from 0 to 2,147,483,647" in html


def test_an_upload_over_20_mb_is_refused_unread(client, pmo, havering, monkeypatch):
    from improve.interchange import workbook

    def must_not_read(*args, **kwargs):
        raise AssertionError("an over-large upload must not be opened")

    monkeypatch.setattr(workbook, "read_xlsx", must_not_read)
    data = b"PK" + b"\x00" * (20 * 1024 * 1024 - 1)  # one byte over 20 MB
    before = counts()
    response = client.post(url("import", havering), {"file": upload("plan.xlsx", data)})
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-form-group--error" in html
    assert "The selected file is larger than 20 MB: a programme workbook is far smaller" in html
    assert SESSION_KEY not in client.session and counts() == before


def test_a_workbook_with_thousands_of_problems_lists_the_first_200(client, pmo, havering):
    sheets = services.workbook_export(programme=havering)
    first = sheets["plan_items"][0]
    sheets["plan_items"] += [{**first, "uid": str(5000 + n), "owner": "Nobody"} for n in range(1000)]
    response = client.post(url("import", havering), {"file": upload("plan.xlsx", xlsx_bytes(sheets))})
    html = response.content.decode()
    assert "The workbook has 1,000 problems. Nothing has been imported." in html
    assert html.count("&#x27;Nobody&#x27; is not in the owners sheet") == 200
    assert "and 800 more problems, not listed here: correct these and upload the workbook again" in html
    assert len(html) < 200_000


# --- uploads wait in a temporary file, not in the session ---------------------------------------------


def waiting_files(settings) -> list:
    folder = settings.INTERCHANGE_UPLOAD_DIR
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.exists() else []


def test_the_session_keeps_a_token_not_the_upload(client, pmo, havering, settings):
    data = changed_workbook(havering)
    client.post(url("import", havering), {"file": upload("plan.xlsx", data)})
    pending = client.session[SESSION_KEY]
    assert set(pending) == {"token", "slug", "filename", "fingerprint"}
    assert len(client.session.encode(dict(client.session.items()))) < 1000  # the workbook is some 20 KB
    [waiting] = waiting_files(settings)
    assert pending["token"] in waiting.name and data in waiting.read_bytes()
    assert waiting.stat().st_mode & 0o077 == 0  # only the server's own user may read it
    assert client.post(url("import-confirm", havering), {"token": pending["token"]}).status_code == 302
    assert waiting_files(settings) == []  # deleted on confirm


def test_an_upload_kept_over_an_hour_has_expired(client, pmo, havering, settings):
    client.post(url("import", havering), {"file": upload("plan.xlsx", changed_workbook(havering))})
    token = client.session[SESSION_KEY]["token"]
    [waiting] = waiting_files(settings)
    an_hour_ago = time.time() - 3601
    os.utime(waiting, (an_hour_ago, an_hour_ago))
    before = counts()
    response = client.post(url("import-confirm", havering), {"token": token})
    html = response.content.decode()
    assert response.status_code == 200
    assert "This upload has expired: an upload waits an hour at most. Upload the workbook again" in html
    assert counts() == before and SESSION_KEY not in client.session
    assert waiting_files(settings) == []


def test_expired_uploads_are_cleaned_up_and_others_kept(client, pmo, havering, settings):
    client.post(url("import", havering), {"file": upload("plan.xlsx", changed_workbook(havering))})
    [first] = waiting_files(settings)
    an_hour_ago = time.time() - 3601
    os.utime(first, (an_hour_ago, an_hour_ago))
    other = client_for(havering, "other@example.org")
    other.post(url("import", havering), {"file": upload("plan.xlsx", changed_workbook(havering))})
    [second] = waiting_files(settings)
    assert second != first  # the expired file went when the next upload was kept
    client.post(url("import", havering), {"file": upload("plan.xlsx", changed_workbook(havering))})
    assert second in waiting_files(settings) and len(waiting_files(settings)) == 2


def test_a_token_works_only_for_its_user_and_programme(client, pmo, havering, settings):
    client.post(url("import", havering), {"file": upload("plan.xlsx", changed_workbook(havering))})
    stolen = dict(client.session[SESSION_KEY])
    other = client_for(havering, "other@example.org")
    session = other.session
    session[SESSION_KEY] = stolen  # even with the session entry, another user cannot use the file
    session.save()
    html = other.post(url("import-confirm", havering), {"token": stolen["token"]}).content.decode()
    assert "This upload has expired or has already been imported" in html
    assert PlanItem.objects.get(programme=havering, uid="102").title == "Health Passport developed"
    assert len(waiting_files(settings)) == 1  # still there for its owner
    assert client.post(url("import-confirm", havering), {"token": stolen["token"]}).status_code == 302


def client_for(programme, email):
    from django.test import Client

    other = Client()
    other.force_login(member(programme, "pmo_officer", email))
    return other
