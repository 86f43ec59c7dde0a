"""Browser fixtures: the app served on a loopback port, driven by Playwright in Debian's headless Chromium."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("PATHWAY_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# Playwright turns these Chromium features off itself; a --disable-features switch given here replaces its own, so
# its list is repeated (as of the pinned Playwright) with one more: RenderDocument, which makes a new renderer-side
# frame for every navigation. Without it a journey's page loads and axe checks cost Chromium about a sixth less CPU.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding", "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect", "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled",
    "PreconnectToSearch",
)
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-features=" + ",".join((*PLAYWRIGHT_DISABLED_FEATURES, "RenderDocument")),
    # Each page's documents run axe-core's 550 KB afresh, once or twice: V8's optimising compilers (Maglev,
    # TurboFan) spent more CPU compiling it, on background threads, than they saved running it. Its baseline
    # compiler alone makes a check about a third cheaper in CPU; what the scripts do is unchanged.
    "--js-flags=--max-opt=1",
]


@pytest.fixture(scope="session")
def browser():
    """Start one headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM}: run scripts/test (it installs it) or "
                    "apt-get install chromium.")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class _Serving:
    """The WSGI app the loopback server hands each request to: the app of the test now running."""

    def __init__(self):
        self.app = None

    def __call__(self, environ, start_response):
        app = self.app
        if app is None:  # between tests: no test's app (nor its database) answers
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"No test is running"]
        return app(environ, start_response)


@pytest.fixture(scope="session")
def _loopback_server():
    """Start one threaded server on a free loopback port for the session; return it and what it serves."""
    serving = _Serving()
    server = make_server("127.0.0.1", 0, serving, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, serving
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def live_server(app, _loopback_server):
    """Serve the test app on the session's loopback server; return its base URL."""
    # A server per test cost each test up to half a second on its way out: shutdown() waits for the serving loop's
    # next poll (every 0.5 s). A request the server gets between tests (none is expected) finds no app.
    server, serving = _loopback_server
    serving.app = app
    yield f"http://127.0.0.1:{server.server_port}"
    serving.app = None


@pytest.fixture
def page(browser, live_server, request):
    """Return a fresh browser page; a screenshot is kept in test-artifacts/ when the test fails."""
    tab = new_tab(browser, live_server, timeout=10_000)
    context = tab.context
    console_errors: list[str] = []
    tab.on("pageerror", lambda exc: console_errors.append(str(exc)))
    tab.console_errors = console_errors
    yield tab
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def new_tab(browser, base_url: str, timeout: int = 15_000):
    """Return a page in a new browser context (a person of their own), with axe-core ready in every document."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    # The browser itself runs axe-core in each document as it is made: sent from here for every page checked, the
    # 550 KB script crossed the DevTools protocol each time. Like evaluate(), it is not subject to the page's CSP.
    context.add_init_script(path=str(AXE))
    context.set_default_timeout(timeout)
    return context.new_page()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def axe_violations(tab, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the page; return its violations of the given impacts."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run scripts/test (it installs node_modules/axe-core).")
    # axe's defaults leave out one WCAG 2.2 AA rule, target-size (2.5.8): it is turned on. Every rule of axe
    # declares its impact, and each of its violations has that impact, so a rule whose impact is not asked for
    # could only report what is filtered out: it is not run (a rule without a declared impact always is).
    # Naming each element by a unique CSS selector is a good part of axe's work on a large page: it is done only
    # when something is found, in a second run of the rules that found it. Only what is reported travels back
    # from the page. Null when the document has no axe yet (one made without the context's init script), in the
    # same round trip.
    # A check may start while a click's navigation is still arriving: the new document exists (axe too, from the
    # init script) but is not parsed yet. It waits for the page's load, so the page checked is the page shown.
    script = """async (impacts) => {
      if (document.readyState !== 'complete') {
        await new Promise((resolve) => window.addEventListener('load', resolve, {once: true}));
      }
      if (typeof window.axe === 'undefined') return null;
      const rules = {'target-size': {enabled: true}};
      for (const rule of window.axe._audit.rules) {
        if (rule.impact && !impacts.includes(rule.impact)) rules[rule.id] = {enabled: false};
      }
      const run = async (options) => (await window.axe.run(document, {resultTypes: ['violations'], ...options}))
        .violations.filter((v) => impacts.includes(v.impact));
      const found = await run({rules, selectors: false});
      const violations = found.length ? await run({runOnly: {type: 'rule', values: found.map((v) => v.id)}}) : [];
      return violations.map((v) => (
        {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target).slice(0, 5)}));
    }"""
    violations = _evaluate_on_arrival(tab, script, list(impacts))
    if violations is None:
        # evaluate() is not subject to the page's Content-Security-Policy, unlike an injected <script>.
        tab.evaluate(AXE.read_text())
        violations = tab.evaluate(script, list(impacts))
    return violations


def _evaluate_on_arrival(tab, script: str, arg):
    """Evaluate on the page shown; once more on the next page when a navigation replaced the one evaluated on."""
    from playwright.sync_api import Error

    try:
        return tab.evaluate(script, arg)
    except Error as exc:
        # Started on the page a click was leaving: that page is gone, and the page it led to is the one to check.
        if "Execution context was destroyed" not in str(exc):
            raise
    tab.wait_for_load_state()
    return tab.evaluate(script, arg)


def assert_accessible(tab) -> None:
    """Fail with axe's findings when the page has serious or critical accessibility violations."""
    violations = axe_violations(tab)
    assert not violations, f"axe found on {tab.url}:\n" + json.dumps(violations, indent=2)


def sign_in_browser(tab, email: str, password: str) -> None:
    """Sign in through the real sign-in page."""
    tab.goto("/sign-in")
    tab.get_by_label("Email address").fill(email)
    tab.get_by_label("Password").fill(password)
    tab.get_by_role("button", name="Sign in").click()


def start_form_if_asked(tab) -> None:
    """Press "Start the form" when a form link leads to its start page (opening a link never makes a draft)."""
    tab.wait_for_load_state()
    button = tab.get_by_role("button", name="Start the form", exact=True)
    if button.count():
        button.first.click()
        tab.wait_for_load_state()
