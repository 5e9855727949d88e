"""A register page in the browser: filter by HTMX swap, page, archive a strand and restore it."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from improve.programmes.models import Programme, Strand
from improve.programmes.tests.factories import StrandFactory

pytestmark = pytest.mark.browser


def _count(page):
    return page.locator("#strands-count").inner_text().strip()


def test_filter_page_archive_and_restore_a_strand(web, scenario):
    page = web.page
    programme = Programme.objects.get(slug=scenario.slug)
    for n in range(55):  # more strands than a page holds
        StrandFactory(programme=programme, code=f"extra-{n:02d}", name=f"Extra strand {n:02d}", order=100 + n)
    total = Strand.objects.filter(programme=programme).count()
    assert total > 50
    web.sign_in(scenario.editor)
    web.submit(page.get_by_role("link", name="All strands"), "strands register")
    expect(page.get_by_role("heading", level=1)).to_have_text("Strands")
    assert _count(page) == f"{total} strands; showing 1 to 50"
    web.screenshot("strands-register")

    web.submit(page.get_by_role("navigation", name="Pages of strands").get_by_role("link", name="Next"), "page 2")
    assert _count(page) == f"{total} strands; showing 51 to {total}"
    expect(page.locator("#strands-results tbody tr")).to_have_count(total - 50)

    search = page.get_by_label("Search names and codes")
    search.fill("Extra strand 07")
    web.htmx(lambda: search.press("Enter"), "search")
    assert _count(page) == "1 strand matches the filters"
    assert parse_qs(urlsplit(page.url).query) == {"q": ["Extra strand 07"]}  # the address keeps it, not page 2

    web.submit(page.get_by_role("link", name="Archive Extra strand 07"), "archive page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Archive Extra strand 07")
    web.screenshot("archive-confirm")
    page.get_by_label("Why is it being archived? (optional)").fill("Merged into another strand")
    web.submit(page.get_by_role("button", name="Archive"), "archived")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Strand Extra strand 07 archived")
    assert _count(page) == f"{total - 1} strands; showing 1 to 50"
    assert Strand.all_objects.get(programme=programme, code="extra-07").archive_reason == "Merged into another strand"

    web.htmx(lambda: page.get_by_label("Show archived strands only").check(), "show archived")
    assert _count(page) == "1 archived strand"
    row = page.locator("#strands-results tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Extra strand 07")
    web.submit(row.get_by_role("button", name="Restore Extra strand 07"), "restored")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Strand Extra strand 07 restored")
    assert _count(page) == f"{total} strands; showing 1 to 50"
    assert not Strand.all_objects.get(programme=programme, code="extra-07").archived

    search.fill("Extra strand 07")
    web.htmx(lambda: search.press("Enter"), "search again")
    web.submit(page.get_by_role("link", name="History Extra strand 07"), "history")
    expect(page.locator("main")).to_contain_text("Archived Extra strand 07")
    expect(page.locator("main")).to_contain_text("Restored Extra strand 07")
