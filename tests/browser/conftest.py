"""Playwright on Debian's Chromium: one browser per session, a fresh context per test.

axe-core is added to every page by an init script (Page.addScriptToEvaluateOnNewDocument), which
the strict Content-Security-Policy does not block, so the pages are tested with their real CSP.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import Page

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture(scope="session")
def _live_server_settings():
    """Settings the live server reads once, when its thread builds the WSGI handler (before the
    per-test `settings` overrides of tests/conftest.py exist):
    - SecurityMiddleware caches SECURE_SSL_REDIRECT: it would send Chromium to https://;
    - rsom.settings sets MEDIA_URL = None (media is never served by URL), but Django's live
      server wraps every request in _MediaFilesHandler, whose urlparse(None) gives a bytes path
      and a TypeError on every request: give it a prefix no view or file answers."""
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        MEDIA_URL="/live-server-media-is-not-served/",
    ):
        yield


@pytest.fixture(scope="session")
def live_server(_live_server_settings, live_server):
    return live_server


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture
def context(context):
    if not AXE.exists():
        pytest.fail(f"No axe-core at {AXE}: run scripts/assets.sh")
    context.add_init_script(path=str(AXE))
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


_PROBLEMS: dict[int, list[str]] = {}


@pytest.fixture
def page(page: Page):
    """The test's page, collecting console errors (CSP violations among them) and page errors."""
    problems = _PROBLEMS.setdefault(id(page), [])
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text} ({page.url})")
            if msg.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc} ({page.url})"))
    yield page
    _PROBLEMS.pop(id(page), None)


def page_problems(page: Page) -> list[str]:
    """Console errors since the last call (the list is emptied)."""
    problems = _PROBLEMS.setdefault(id(page), [])
    found = list(problems)
    problems.clear()
    return found


def assert_accessible(page: Page, *, expected_errors: Sequence[str] = ()) -> None:
    """axe-core finds no WCAG 2.2 A/AA violation on the page as it stands, and the page logged
    no error (a Content-Security-Policy violation, a failed script, a missing asset) but those
    containing one of `expected_errors`."""
    page.wait_for_load_state("load")
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.map(n => n.target.join(' ')).slice(0, 10),"
        " summary: (v.nodes[0] && v.nodes[0].failureSummary) || ''}))",
        WCAG_TAGS,
    )
    problems = [p for p in page_problems(page) if not any(e in p for e in expected_errors)]
    assert not violations, f"axe violations on {page.url}:\n" + json.dumps(violations, indent=2)
    assert not problems, f"errors logged on {page.url}:\n" + "\n".join(problems)


def sign_in(page: Page, live_server, user) -> None:
    """Open the service, sign in through the form and land on the role's home page."""
    page.goto(live_server.url + "/")
    assert "/sign-in/" in page.url
    assert_accessible(page)
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)
