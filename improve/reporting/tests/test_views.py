"""The board-pack pages: open a pack, download it, issue it, choose its sections."""

import datetime as dt

from django.urls import reverse

from improve.core.audit import SYSTEM
from improve.programmes.models import Role
from improve.reporting import services
from improve.reporting.models import BoardPack, PackSectionChoice


def _url(name, programme, *args):
    return reverse(f"reporting:{name}", args=[programme.slug, *args])


def test_the_list_opens_a_pack_for_a_board_and_month(programme, board, member):
    viewer = member(Role.VIEWER)
    page = viewer.get(_url("packs", programme)).content.decode()
    assert "childrens-improvement-board" in page and "No pack has been issued yet." in page
    assert "Choose sections" not in page  # a viewer reads; plan keepers build
    response = viewer.get(_url("packs", programme), {"board": "cib", "month": "2019-10"})
    assert response.status_code == 302 and response["Location"] == _url("pack", programme, "cib", "2019-10")
    bad = viewer.get(_url("packs", programme), {"board": "cib", "month": "Oct 2019"}).content.decode()
    assert "&#x27;Oct 2019&#x27; is not a month: write it as YYYY-MM, e.g. 2019-10" in bad


def test_a_draft_pack_shows_live_and_can_be_issued_once(programme, board, pmo, samples):
    url = _url("pack", programme, "cib", "2019-10")
    page = pmo.get(url).content.decode()
    assert "Children&#x27;s Improvement Board: October 2019" in page and "Draft: built from the data" in page
    assert 'href="#section-summary"' in page and "Issue this pack" in page
    response = pmo.post(_url("pack-issue", programme, "cib", "2019-10"), follow=True)
    page = response.content.decode()
    assert "issued. It will not change" in page and "Issue this pack" not in page
    assert BoardPack.objects.filter(board=board, status="issued").count() == 1
    again = pmo.post(_url("pack-issue", programme, "cib", "2019-10"), follow=True).content.decode()
    assert "was already issued" in again and BoardPack.objects.count() == 1
    listing = pmo.get(_url("packs", programme)).content.decode()
    assert url in listing and _url("pack-download", programme, "cib", "2019-10", "pdf") in listing


def test_downloads_give_each_format_or_say_it_is_not_there(programme, board, pmo):
    html = pmo.get(_url("pack-download", programme, "cib", "2019-10", "html"))
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
    assert "test-council-2019-childrens-improvement-board-2019-10-draft.html" in html["Content-Disposition"]
    assert pmo.get(_url("pack-download", programme, "cib", "2019-10", "odt")).status_code == 404
    assert pmo.get(_url("pack-download", programme, "cib", "2019-99", "html")).status_code == 404
    assert pmo.get(_url("pack", programme, "nope", "2019-10")).status_code == 404


def test_an_issued_pack_is_downloaded_as_it_was_kept(programme, board, pmo):
    issued = services.pack_issue(actor=SYSTEM, programme=programme, board=board, month=dt.date(2019, 10, 1))
    pdf = pmo.get(_url("pack-download", programme, "cib", "2019-10", "pdf"))
    assert pdf.status_code == 200 and pdf.content == bytes(issued.pdf)
    assert "-issued.pdf" in pdf["Content-Disposition"]


def test_the_board_chooses_its_sections_by_ticking_and_numbering(programme, board, pmo, samples):
    url = _url("pack-sections", programme, "cib")
    page = pmo.get(url).content.decode()
    assert 'name="sections" type="checkbox" value="sample-plan" checked' in page
    response = pmo.post(url, {"sections": ["summary", "sample-notes"], "order-sample-notes": "1", "order-summary": "2"})
    assert response.status_code == 302
    chosen = {c.key: (c.included, c.order) for c in PackSectionChoice.objects.filter(board=board)}
    assert chosen["sample-notes"] == (True, 1) and chosen["summary"] == (True, 2)
    assert chosen["sample-plan"][0] is False
    bad = pmo.post(url, {"sections": ["summary"], "order-summary": "first"}).content.decode()
    assert "Give the place of &#x27;Summary&#x27; in the pack as a whole number from 1 to 999" in bad


def test_the_list_of_issued_packs_reads_the_same_few_queries_as_it_grows(
    programme, board, pmo, django_assert_max_num_queries
):
    url = _url("packs", programme)
    for month in (dt.date(2019, 8, 1), dt.date(2019, 9, 1)):
        services.pack_issue(actor=SYSTEM, programme=programme, board=board, month=month)
    pmo.get(url)
    with django_assert_max_num_queries(12) as small:
        pmo.get(url)
    services.pack_issue(actor=SYSTEM, programme=programme, board=board, month=dt.date(2019, 10, 1))
    services.pack_issue(actor=SYSTEM, programme=programme, board=board, month=dt.date(2019, 11, 1))
    with django_assert_max_num_queries(len(small.captured_queries)):
        pmo.get(url)
