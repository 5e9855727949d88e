"""The plan page: filtering by HTMX swap and by a plain GET, and the timeline of every line."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from improve.programmes.models import PlanItem, Programme

pytestmark = pytest.mark.browser

CLOSED = {"complete", "cancelled"}


def plan_line_count(n, filtered):
    """The text of ``#plan-count`` for ``n`` lines."""
    return f"{n} plan line{'' if n == 1 else 's'}" + (f" match{'es' if n == 1 else ''} the filters" if filtered else "")


def _lines(scenario):
    """Every live line, read straight from the models (not through the selectors under test)."""
    return list(PlanItem.objects.filter(programme__slug=scenario.slug).select_related("strand", "owner"))


def _overdue(item, today):
    return item.end_date is not None and item.end_date < today and item.status not in CLOSED


def _tbd(item):
    return item.start_tbd or item.end_tbd or item.owner_tbd


def _shown(page):
    """(uid of every row in the results, the count line)."""
    uids = page.locator("#plan-results tbody tr td:first-child").all_inner_texts()
    return [u.strip() for u in uids], page.locator("#plan-count").inner_text().strip()


def _expect_rows(page, wanted, filtered):
    uids, count = _shown(page)
    assert sorted(uids) == sorted(i.uid for i in wanted)
    assert count == plan_line_count(len(wanted), filtered)


def test_filter_the_plan_with_htmx(web, scenario):
    page = web.page
    today = Programme.objects.get(slug=scenario.slug).as_at  # the status date, when set
    lines = _lines(scenario)
    web.sign_in(scenario.editor)
    web.submit(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Plan"), "plan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan")
    _expect_rows(page, lines, filtered=False)
    web.screenshot("plan")

    strand = [i for i in lines if i.strand.name == scenario.strand_name]
    web.htmx(lambda: page.get_by_label("Strand", exact=True).select_option(label=scenario.strand_name), "strand")
    _expect_rows(page, strand, filtered=True)
    assert 0 < len(strand) < len(lines)

    owned = [i for i in strand if i.owner and i.owner.name == scenario.owner_name]
    web.htmx(lambda: page.get_by_label("Owner", exact=True).select_option(label=scenario.owner_name), "owner")
    _expect_rows(page, owned, filtered=True)
    assert 0 < len(owned) < len(strand)

    in_progress = [i for i in owned if i.status == "in_progress"]
    web.htmx(lambda: page.get_by_label("Status", exact=True).select_option(label="In progress"), "status")
    _expect_rows(page, in_progress, filtered=True)
    assert 0 < len(in_progress) < len(owned)

    overdue = [i for i in in_progress if _overdue(i, today)]
    web.htmx(lambda: page.get_by_label("Overdue only").check(), "overdue")
    _expect_rows(page, overdue, filtered=True)
    assert 0 < len(overdue) <= len(in_progress)  # in a 2019 plan, most open lines are overdue now
    expect(page.locator("#plan-results .govuk-tag--red")).to_have_count(len(overdue))

    # The filters are in the address bar: reloading (a plain GET) shows the same lines.
    query = parse_qs(urlsplit(page.url).query)
    assert query["overdue"] == ["on"] and query["status"] == ["in_progress"]
    assert query["owner"] == [scenario.owner_name]
    web.visit(page.url)
    _expect_rows(page, overdue, filtered=True)
    expect(page.get_by_label("Overdue only")).to_be_checked()
    expect(page.get_by_label("Status", exact=True)).to_have_value("in_progress")

    # Lines with an end date TBD are never overdue; if none is left, the empty result says so.
    both = [i for i in overdue if _tbd(i)]
    web.htmx(lambda: page.get_by_label("TBD dates or owner only").check(), "tbd and overdue")
    _expect_rows(page, both, filtered=True)
    if not both:
        expect(page.locator("#plan-results")).to_contain_text("No plan lines match.")

    web.submit(page.get_by_role("link", name="Clear filters"), "cleared")
    _expect_rows(page, lines, filtered=False)

    tbd = [i for i in lines if _tbd(i)]
    web.htmx(lambda: page.get_by_label("TBD dates or owner only").check(), "tbd")
    _expect_rows(page, tbd, filtered=True)
    assert 0 < len(tbd) < len(lines)
    for row in page.locator("#plan-results tbody tr").all():
        assert "TBD" in row.inner_text()

    # Unticking goes back to every line.
    web.htmx(lambda: page.get_by_label("TBD dates or owner only").uncheck(), "untick tbd")
    _expect_rows(page, lines, filtered=False)


def test_filter_the_plan_with_a_plain_get(web, scenario):
    page = web.page
    today = Programme.objects.get(slug=scenario.slug).as_at  # the status date, when set
    lines = _lines(scenario)
    strand = next(i.strand for i in lines if i.strand.name == scenario.strand_name)
    web.sign_in(scenario.editor)

    web.visit(scenario.path(f"plan/?strand={strand.code}"))
    _expect_rows(page, [i for i in lines if i.strand_id == strand.pk], filtered=True)
    expect(page.get_by_label("Strand", exact=True)).to_have_value(strand.code)

    owner = scenario.owner_name.replace(" ", "+")
    web.visit(scenario.path(f"plan/?strand={strand.code}&owner={owner}&status=in_progress"))
    _expect_rows(
        page,
        [
            i
            for i in lines
            if i.strand_id == strand.pk
            and i.owner
            and i.owner.name == scenario.owner_name
            and i.status == "in_progress"
        ],
        filtered=True,
    )

    web.visit(scenario.path("plan/?owner=TBD"))
    _expect_rows(page, [i for i in lines if i.owner_tbd], filtered=True)

    # The overview's "overdue" and "TBD" figures link to the same filtered plan.
    web.visit(scenario.path())
    overdue = [i for i in lines if _overdue(i, today)]
    web.submit(page.locator(".io-card").get_by_role("link", name="overdue"), "overdue from the overview")
    assert page.url.endswith("plan/?overdue=on")
    _expect_rows(page, overdue, filtered=True)
    expect(page.get_by_label("Overdue only")).to_be_checked()

    web.visit(scenario.path())
    web.submit(page.get_by_role("link", name="with TBD dates or owner"), "tbd from the overview")
    _expect_rows(page, [i for i in lines if _tbd(i)], filtered=True)

    # A search by unique ID finds that line (and any whose title or notes contain the text).
    q = scenario.edit_uid
    web.visit(scenario.path(f"plan/?q={q}"))
    found = [i for i in lines if i.uid == q or q in i.title.lower() or q in i.notes.lower()]
    _expect_rows(page, found, filtered=True)
    assert q in _shown(page)[0]


def test_the_timeline_draws_every_plan_line(web, scenario):
    page = web.page
    lines = _lines(scenario)
    web.sign_in(scenario.editor)
    web.submit(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Timeline"), "timeline")
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeline")
    expect(page.locator("main")).to_contain_text(f"All {len(lines)} plan lines")

    svg = page.locator(".io-gantt svg.io-gantt__labels")
    expect(svg).to_have_count(1)
    expect(svg.locator("desc")).to_contain_text(f"Timeline of {len(lines)} plan lines")
    links = svg.locator("a")
    expect(links).to_have_count(len(lines))
    hrefs = {a.get_attribute("href") for a in links.all()}
    assert hrefs == {scenario.path(f"plan/{i.uid}/") for i in lines}
    labels = svg.locator("a text").all_text_contents()
    for item in lines:
        assert any(re.match(rf"{re.escape(item.uid)}\s+", t) for t in labels), f"no label for line {item.uid}"
    # The chart beside the labels has a bar or marker group for every line, and is wide enough to draw.
    bars = page.locator(".io-gantt__chart svg")
    expect(bars.locator("g.io-bar")).to_have_count(len(lines))
    box = bars.bounding_box()
    assert box is not None and box["width"] > 900 and box["height"] > 22 * len(lines)
    # It opens at the programme's start, not at the earliest line (B&D's line 249 starts in 2016).
    assert page.locator("#timeline").evaluate("el => el.scrollLeft") > 0
    web.screenshot("timeline", width=int(box["width"]) + 500)  # the whole chart, not just what fits

    # A line on the chart opens its page.
    web.submit(links.first, "item from the timeline")
    assert "/plan/" in page.url
