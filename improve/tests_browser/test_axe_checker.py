"""The accessibility checker itself: axe-core runs, finds a known violation and reports it readably.

Without this, a checker that silently ran nothing would let every other browser test pass.
"""

import pytest

from improve.tests_browser.conftest import AXE_JS, Check, format_violations, run_axe

pytestmark = pytest.mark.browser

BAD_PAGE = """<!DOCTYPE html><html><head><title>Bad</title></head><body><main><h1>Bad page</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="no-alt">
<label>Name <input id="ok"></label><input id="no-label">
</main></body></html>"""


def test_axe_finds_and_reports_violations(browser):
    assert AXE_JS.is_file(), f"{AXE_JS} is missing: run `npm ci`"
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(BAD_PAGE)
        violations = run_axe(page)
        ids = {v["id"] for v in violations}
        assert {"image-alt", "label", "html-has-lang"} <= ids
        # Running again on the same document reuses the injected script.
        assert {v["id"] for v in run_axe(page)} == ids
        report = format_violations(Check("about:blank", "test", violations))
    finally:
        context.close()
    assert "[critical] image-alt: Images must have alternative text" in report
    assert "at #no-alt" in report and "at #no-label" in report
    assert "https://dequeuniversity.com/rules/axe/" in report
