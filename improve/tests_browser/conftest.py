"""Fixtures for the browser tests.

- ``browser`` (package: launched once for the whole browser suite): Debian's Chromium
  (``/usr/bin/chromium``) driven by Playwright's sync API. Playwright's own browser download is never
  used.
- ``web`` / ``open_browsing`` (function): a fresh browser context wrapped in :class:`Browsing`, which
  runs axe-core after every navigation, HTMX swap and form submission it performs. At the end of the
  test it asserts that every URL the page showed was checked and that no check found a violation,
  that no script raised an error and that no stylesheet, script or image failed to load.
- ``scenario`` (function): the data the tests drive — the real Barking & Dagenham 2019 example
  (``improve load-example barking-dagenham-2019``) plus users for three roles who sign in through
  the real form. The tests read expected figures from the database, not from constants, so the
  example can change (or the fixture can build other data) without touching them.

pytest-django's ``live_server`` runs the app in a thread of this process, so requesting it switches
the test to ``transactional_db`` semantics (tables are flushed after each test).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Response, sync_playwright

from improve.programmes.models import Programme, Role
from improve.programmes.tests.factories import MembershipFactory, UserFactory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(settings.REPO_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SCREENSHOTS = Path(settings.REPO_DIR) / "screenshots"
PASSWORD = "correct horse battery"  # noqa: S105 - the factories' test password
TIMEOUT_MS = 10_000

# Runs in the page; returns only what a person needs to fix the violation.
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                              summary: n.failureSummary || ''})),
  }));
}"""


# --- the browser --------------------------------------------------------------------------------


@pytest.fixture(scope="package", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    """Let the test thread use the ORM while Playwright's event loop runs in it.

    Playwright's sync API keeps an asyncio loop running in the test thread for as long as the
    browser is open, so Django refuses ORM calls there ("You cannot call this from an async
    context") — in the test body, in fixtures and in pytest-django's flush after each test. The
    variable is set for this package only and restored afterwards: set at import time it leaked
    into every test of the session, including subprocesses that run ``check --deploy``, which
    rightly fails with async.E001 when it is set.
    """
    old = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if old is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = old


@pytest.fixture(scope="package")
def browser(_allow_orm_beside_playwright: None) -> Iterator[Browser]:
    """One Chromium for every browser test, closed when they are done.

    Package scope, not session scope: while it is open the test thread has a running event loop,
    so every later test in the session would be refused the ORM.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `make browsers` (Debian's chromium package)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# --- axe-core ----------------------------------------------------------------------------------


@dataclass
class Check:
    """One axe-core run: where, after what, and what it found."""

    url: str
    label: str
    violations: list[dict[str, Any]]


def format_violations(check: Check) -> str:
    lines = [f"{check.url} ({check.label}): {len(check.violations)} axe-core violation(s)"]
    for v in check.violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            lines.append(f"      at {node['target']}  {node['html']}")
            if node["summary"]:
                lines.extend(f"        {s}" for s in node["summary"].splitlines())
        if len(v["nodes"]) > 10:
            lines.append(f"      … and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def run_axe(page: Page) -> list[dict[str, Any]]:
    """Inject axe-core (once per document) and return the violations on the current page."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(AXE_RUN, AXE_TAGS)  # type: ignore[no-any-return]


def _bare(url: str) -> str:
    return url.split("#", 1)[0]


class Browsing:
    """A page in its own browser context that checks accessibility after everything it does.

    Use :meth:`visit` to open a URL, :meth:`submit` to click something that loads a new page
    (a form's button or a link) and :meth:`htmx` for an action that HTMX answers by swapping part
    of the page. Each runs axe-core on the result. After the test body, the ``pytest_runtest_call``
    hook below fails the test with :meth:`problems`: pages shown but not checked, violations,
    script errors and assets that failed to load.
    """

    def __init__(self, context: BrowserContext, base_url: str, name: str) -> None:
        self.context = context
        self.base_url = base_url.rstrip("/")
        self.name = name
        self.page = context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.checks: list[Check] = []
        self.shown: list[str] = []
        self.errors: list[str] = []
        self.page.on("framenavigated", self._on_navigated)
        self.page.on("pageerror", lambda exc: self.errors.append(f"script error on {self.page.url}: {exc}"))
        self.page.on("response", self._on_response)

    # -- event handlers

    def _on_navigated(self, frame: Any) -> None:
        if frame == self.page.main_frame and frame.url.startswith("http"):
            self.shown.append(_bare(frame.url))

    def _on_response(self, response: Response) -> None:
        if response.request.resource_type in ("stylesheet", "script", "image", "font") and response.status >= 400:
            self.errors.append(f"{response.status} for {response.request.resource_type} {response.url}")

    # -- driving the page

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def visit(self, path: str, *, status: int = 200) -> Response:
        """Open ``path`` as a plain GET, expect ``status``, and check the page."""
        response = self.page.goto(self.url(path), wait_until="load")
        assert response is not None, f"no response for {path}"
        assert response.status == status, f"GET {path}: expected {status}, got {response.status}"
        self.check(f"GET {status}")
        return response

    def submit(self, target: Locator, label: str = "", *, timeout: float | None = None) -> None:
        """Click ``target`` (a submit button or link), wait for the new page, and check it.

        ``timeout`` [ms] is for the few actions that take seconds by design (issuing a board pack
        renders its PDF, Word and Excel files before the page answers).
        """
        with self.page.expect_navigation(wait_until="load", timeout=timeout):
            target.click(timeout=timeout)
        self.check(label or "after a click that loads a page")

    def htmx(self, action: Callable[[], Any], label: str = "") -> Response:
        """Do ``action`` (which must make HTMX request and swap), wait for the swap, check the page.

        Fails if the browser loaded a whole new page instead: a marker set on ``window`` before
        the action must survive it.
        """
        self.page.evaluate("""() => {
            window.__ioMarker = true;
            window.__ioSettled = false;
            document.addEventListener('htmx:afterSettle', () => { window.__ioSettled = true; }, {once: true});
        }""")
        with self.page.expect_response(lambda r: r.request.headers.get("hx-request") == "true") as info:
            action()
        self.page.wait_for_function("() => window.__ioSettled === true")
        assert self.page.evaluate("() => window.__ioMarker === true"), "the page reloaded instead of an HTMX swap"
        response = info.value
        assert response.status == 200, f"HTMX {response.url}: {response.status}"
        self.check(label or "after an HTMX swap")
        return response

    def check(self, label: str) -> None:
        self.checks.append(Check(_bare(self.page.url), label, run_axe(self.page)))

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        """Sign in through the real form; the user lands on their programme."""
        self.visit("/accounts/sign-in/")
        self.page.get_by_label("E-mail address").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.submit(self.page.get_by_role("button", name="Sign in"), "after signing in")

    def screenshot(self, name: str, *, width: int | None = None) -> Path:
        """A full-page screenshot in ``screenshots/``; ``width`` widens the window first (for
        content that otherwise scrolls sideways, like the timeline), then restores it."""
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        size = self.page.viewport_size
        if width and size:
            self.page.set_viewport_size({"width": width, "height": size["height"]})
        self.page.screenshot(path=str(path), full_page=True)
        if width and size:
            self.page.set_viewport_size(size)
        return path

    # -- the final word

    def problems(self) -> list[str]:
        out: list[str] = []
        checked = {c.url for c in self.checks}
        unchecked = [u for u in dict.fromkeys(self.shown) if u not in checked]
        if unchecked:
            out.append(f"[{self.name}] pages shown but never checked with axe-core: {unchecked}")
        if not self.checks:
            out.append(f"[{self.name}] no page was checked with axe-core")
        out.extend(f"[{self.name}] " + format_violations(c) for c in self.checks if c.violations)
        out.extend(f"[{self.name}] {e}" for e in self.errors)
        return out


@pytest.fixture
def open_browsing(
    request: pytest.FixtureRequest, browser: Browser, live_server: Any
) -> Iterator[Callable[[str], Browsing]]:
    """``open_browsing(name)`` -> a :class:`Browsing` in a fresh browser context (a new person)."""
    opened: list[Browsing] = []
    request.node.stash[BROWSINGS] = opened

    def make(name: str = "browser") -> Browsing:
        context = browser.new_context(
            locale="en-GB", timezone_id="Europe/London", viewport={"width": 1280, "height": 900}
        )
        b = Browsing(context, live_server.url, name)
        opened.append(b)
        return b

    yield make
    for b in opened:
        b.context.close()


BROWSINGS = pytest.StashKey[list[Browsing]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """The final word on accessibility, given as part of the test itself (a failure, not an error).

    After the test body: every page any of its browsers showed was checked with axe-core, no check
    found a violation, no script failed and no stylesheet, script, image or font failed to load.
    """
    try:
        result = yield
    except BaseException:
        problems = [p for b in item.stash.get(BROWSINGS, []) for p in b.problems()]
        if problems:
            item.add_report_section("call", "accessibility", "\n".join(problems))
        raise
    problems = [p for b in item.stash.get(BROWSINGS, []) for p in b.problems()]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
    return result


@pytest.fixture
def web(open_browsing: Callable[[str], Browsing]) -> Browsing:
    return open_browsing("web")


# --- data --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """What the tests need to know about the data; everything else they read from the database."""

    slug: str
    programme_name: str
    editor: str  # e-mail of a PMO officer
    other_editor: str  # e-mail of a programme manager
    board_member: str  # e-mail of a read-only board member
    edit_uid: str  # a deliverable with a start and an end date
    strand_name: str  # a strand to filter by
    owner_name: str  # an owner to filter by
    names: dict[str, str] = field(default_factory=dict)  # e-mail -> full name

    def path(self, rest: str = "") -> str:
        return f"/programmes/{self.slug}/{rest}"


EXAMPLE = "barking-dagenham-2019"


@pytest.fixture
def scenario(transactional_db: None) -> Scenario:
    """The real Barking & Dagenham 2019 plan (74 lines, loaded as ``improve load-example`` does)
    and three people who sign in with the factories' password."""
    out = io.StringIO()
    call_command("load_example", EXAMPLE, stdout=out)
    programme = Programme.objects.get(slug=EXAMPLE)
    people = {
        "pmo@example.org": ("Priya Patel", Role.PMO_OFFICER),
        "manager@example.org": ("Sam Okafor", Role.PROGRAMME_MANAGER),
        "board@example.org": ("Bernard Lowe", Role.BOARD_MEMBER),
    }
    for email, (name, role) in people.items():
        user = UserFactory(email=email, full_name=name)  # password: PASSWORD
        MembershipFactory(user=user, programme=programme, role=role)
    return Scenario(
        slug=programme.slug,
        programme_name=programme.name,
        editor="pmo@example.org",
        other_editor="manager@example.org",
        board_member="board@example.org",
        edit_uid="25",  # New Recruitment and Retention Scheme Go Live, 03/06/2019 to 04/10/2019
        strand_name="Strategic Planning",
        owner_name="Sean Girty",
        names={email: name for email, (name, _) in people.items()},
    )
