"""Benchmark over HTTP: the pages of a 3,550-line plan as a browser fetches them from gunicorn.

Builds the programme of ``bench/builder.py`` (the one ``bench/plan.py`` times in-process) in a
throwaway database, serves it with gunicorn (one sync worker, DEBUG off, static files through
WhiteNoise as configured) on a free port of 127.0.0.1, signs in through the sign-in page with a real
session, and times full GETs of each page's document with the session's cookies: a few warm-up
requests first, then RUNS timed ones, from opening the connection to the last byte. Prints p50 / p95
per page.

    python bench/http_pages.py [--base REF] [--runs 50] [--warmup 5]

With ``--base REF`` (``make bench BASE=915f77b``) the same is done for a temporary ``git worktree``
of REF, run with the same virtual environment (PYTHONPATH pointing at it), and the two servers are
measured in turn, request by request, so that both columns see the same machine at the same time.
The worktree is removed afterwards.

Database: a fresh SQLite file per server, or, when BENCH_DATABASE_URL names a PostgreSQL server
(``make bench DB=postgres``), a fresh database on that server per server, dropped afterwards.
Prints figures, asserts nothing.
"""

# The benchmark runs git, gunicorn and itself with arguments it builds from its own options.
# ruff: noqa: S603, S607

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
EMAIL = "bench@example.org"
PASSWORD = "bench-password-not-secret"  # noqa: S105 - a throwaway user in a throwaway database
# (label, URL name, extra URL arguments); "MID" is the middle plan line's uid.
PAGES = [
    ("overview", "programmes:overview", {}),
    ("plan (first 200 lines)", "programmes:plan", {}),
    ("item detail", "programmes:item", {"uid": "MID"}),
    ("item edit form", "programmes:item-edit", {"uid": "MID"}),
    ("timeline (all lines)", "programmes:timeline", {}),
    ("workbook export (.xlsx)", "interchange:export", {}),
]


# --- the set-up, run in a child process against one checkout ------------------------------------


def setup(tree: str) -> None:
    """Migrate DATABASE_URL, import the benchmark programme, add a member; print the page paths."""
    sys.path.insert(0, tree)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "improve.settings")
    import django

    django.setup()
    from builder import LINES, SLUG, build_sheets
    from django.core.management import call_command
    from django.db import connection
    from django.template import engines
    from django.urls import reverse

    import improve as tree

    if (Path(tree.__file__).parent / "core" / "audit.py").exists():  # the ground floor (and later)
        from improve.core.audit import Actor
        from improve.programmes.models import Membership
    else:  # a base ref from before it: --base 915f77b
        from improve.accounts.audit import Actor  # type: ignore[no-redef]

        from improve.accounts.models import Membership  # type: ignore[no-redef, attr-defined]

    import improve
    from improve.accounts.models import User
    from improve.interchange import services as interchange
    from improve.programmes.models import Programme

    call_command("migrate", verbosity=0)
    interchange.workbook_import(actor=Actor(user=None, via="bench"), sheets=build_sheets())
    user = User.objects.create_user(email=EMAIL, password=PASSWORD, full_name="Bench")
    Membership.objects.create(user=user, programme=Programme.objects.get(slug=SLUG), role="pmo_officer")
    if connection.vendor == "postgresql":  # as autovacuum soon would after an import of this size
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    paths = {
        label: reverse(name, kwargs={"slug": SLUG, **{k: str(LINES // 2) if v == "MID" else v for k, v in kw.items()}})
        for label, name, kw in PAGES
    }
    loaders = [type(x).__module__ for x in engines["django"].engine.template_loaders]  # type: ignore[attr-defined]
    print(json.dumps({"paths": paths, "code": str(Path(improve.__file__).parent), "loaders": loaders}))


# --- the parent: databases, servers, a browser ----------------------------------------------------


@contextlib.contextmanager
def database(workdir: Path) -> Iterator[str]:
    """A fresh, empty database URL: SQLite in ``workdir``, or a new database on BENCH_DATABASE_URL's server."""
    base = os.environ.get("BENCH_DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{workdir}/bench.sqlite3"
        return
    import psycopg

    parts = urlsplit(base)
    name = f"improve_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def child_env(tree: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="False",
        PYTHONPATH=str(tree),
        DJANGO_SETTINGS_MODULE="improve.settings",
    )
    return env


@dataclass
class Browser:
    """One browser: a cookie jar, and a new connection per request (gunicorn's sync worker closes it)."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, bytes]:
        origin = f"http://127.0.0.1:{self.port}"
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "User-Agent": "improve-bench/1 (like a browser)",
            "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
            "Accept-Language": "en-GB,en;q=0.9",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": origin})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            data = response.read()
            for value in response.headers.get_all("Set-Cookie") or []:
                for key, morsel in SimpleCookie(value).items():
                    if morsel["max-age"] == "0":
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
            return response.status, data
        finally:
            conn.close()

    def sign_in(self, email: str, password: str) -> None:
        status, page = self.request("GET", "/accounts/sign-in/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise RuntimeError(f"sign-in page: HTTP {status}, no CSRF token")
        form = {"csrfmiddlewaretoken": token.group(1).decode(), "username": email, "password": password}
        status, _ = self.request("POST", "/accounts/sign-in/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in failed: HTTP {status}, cookies {sorted(self.cookies)}")


def worker_cpu_ms(master: int) -> float | None:
    """CPU time used so far by gunicorn's worker process (Linux only; None elsewhere). [ms]"""
    try:
        (worker,) = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        fields = Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return None


@dataclass
class Server:
    label: str
    tree: Path
    paths: dict[str, str]
    code: str
    loaders: list[str]
    browser: Browser
    pid: int
    timings: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, float | None] = field(default_factory=dict)

    def get(self, page: str) -> float:
        """Milliseconds from opening the connection to the last byte of ``page``'s document."""
        t0 = time.perf_counter()
        status, _ = self.browser.request("GET", self.paths[page])
        ms = (time.perf_counter() - t0) * 1000
        if status != 200:
            raise RuntimeError(f"{self.label}: {page} ({self.paths[page]}) gave HTTP {status}")
        return ms


@contextlib.contextmanager
def serve(label: str, tree: Path, stack: contextlib.ExitStack) -> Iterator[Server]:
    """Set up a database for ``tree``, start gunicorn on it, sign in; stop it all afterwards."""
    workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="improve-bench-http-")))
    env = child_env(tree, stack.enter_context(database(workdir)))
    print(f"[{label}] building the plan in {env['DATABASE_URL'].split(':')[0]} ...", flush=True)
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--setup", str(tree)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"[{label}] set-up failed:\n{done.stderr[-4000:]}")
    info = json.loads(done.stdout.strip().splitlines()[-1])
    port = free_port()
    log = (workdir / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "improve.wsgi:application"]
        + ["--chdir", str(tree), "--bind", f"127.0.0.1:{port}", "--workers", "1", "--worker-class", "sync"]
        + ["--timeout", "120", "--log-level", "warning"],
        cwd=tree,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                log.flush()
                raise RuntimeError(f"[{label}] gunicorn stopped:\n{(workdir / 'gunicorn.log').read_text()[-4000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"[{label}] gunicorn did not listen on port {port}") from None
                time.sleep(0.2)
        browser = Browser(port)
        browser.sign_in(EMAIL, PASSWORD)
        yield Server(label, tree, info["paths"], info["code"], info["loaders"], browser, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@contextlib.contextmanager
def worktree(ref: str) -> Iterator[Path]:
    """A temporary detached ``git worktree`` of ``ref``, removed afterwards."""
    parent = Path(tempfile.mkdtemp(prefix="improve-bench-base-"))
    path = parent / "tree"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--quiet", "--detach", str(path), ref], check=True)
    try:
        yield path
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(path)], check=False)
        subprocess.run(["git", "-C", str(REPO), "worktree", "prune"], check=False)
        shutil.rmtree(parent, ignore_errors=True)


def percentiles(ms: list[float]) -> tuple[float, float]:
    ms = sorted(ms)
    return statistics.median(ms), ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]


def describe(ref: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(REPO), "log", "-1", "--format=%h %s", ref], capture_output=True, text=True, check=False
    )
    return out.stdout.strip() or ref


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="also measure this git ref (a temporary worktree), side by side")
    parser.add_argument("--runs", type=int, default=50, help="timed requests per page and server (50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page and server first (5)")
    parser.add_argument("--setup", metavar="TREE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        setup(args.setup)
        return 0

    with contextlib.ExitStack() as stack:
        trees = []
        if args.base:
            trees.append((f"base {args.base}", stack.enter_context(worktree(args.base))))
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        trees.append(("this checkout" + (" (uncommitted)" if dirty else ""), REPO))
        servers = [stack.enter_context(serve(label, tree, stack)) for label, tree in trees]
        db = os.environ.get("BENCH_DATABASE_URL", "sqlite").split(":")[0]
        print(f"Benchmark over HTTP: gunicorn, 1 sync worker, DEBUG off, {db}; {args.runs} timed requests a page")
        for s in servers:
            name = describe(args.base) if s.tree != REPO else describe("HEAD")
            print(f"  {s.label}: {name}\n    code in {s.code}; template loaders: {', '.join(s.loaders)}")
        for page, *_ in PAGES:
            for _ in range(args.warmup):
                for s in servers:
                    s.get(page)
            before = [worker_cpu_ms(s.pid) for s in servers]
            for _ in range(args.runs):
                for s in servers:  # in turn, so each column sees the same moments of the machine
                    s.timings.setdefault(page, []).append(s.get(page))
            for s, cpu in zip(servers, before, strict=True):
                after = worker_cpu_ms(s.pid)
                s.cpu[page] = None if cpu is None or after is None else (after - cpu) / args.runs
        print("Time to the last byte of each document (p50, p95), and the gunicorn worker's mean CPU time")
        print("per request (the database server's own time not included).")
        print(f"{'':<26}" + "".join(f"{s.label[:34]:>36}" for s in servers))
        print(f"{'page':<26}" + f"{'p50 ms':>12}{'p95 ms':>12}{'CPU ms':>12}" * len(servers))
        for page, *_ in PAGES:
            cells = ""
            for s in servers:
                p50, p95 = percentiles(s.timings[page])
                cpu = s.cpu[page]
                cells += f"{p50:12.1f}{p95:12.1f}" + (f"{cpu:12.1f}" if cpu is not None else f"{'-':>12}")
            print(f"{page:<26}{cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
