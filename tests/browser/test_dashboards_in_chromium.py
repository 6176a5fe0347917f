"""Every dashboard page in a real headless Chromium (Debian's package), driven by Playwright.

Each page is opened by its ``st.navigation`` URL path, left to finish running, checked for
exceptions and for its key figures, and saved as ``tests/artifacts/screenshots/<page>.png``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import dashboards
from tests.browser.conftest import SCREENSHOTS
from tests.dashboards.operator_home import truth

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES_DIR = Path(dashboards.__file__).parent / "app_pages"
PAGES = sorted(p.stem for p in PAGES_DIR.glob("*.py") if not p.name.startswith("_"))
DEFAULT_PAGE = "overview"
RUN_TIMEOUT_S = 60
SETTLE_S = 1.5

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does, as root)",
)

if CHROMIUM.exists():
    from playwright.sync_api import Browser, Page, sync_playwright


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, with no network chatter of its own."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab, large enough to show a page's figures and map without scrolling."""
    context = browser.new_context(viewport={"width": 1600, "height": 1400})
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


def _url(base: str, page: str) -> str:
    return f"{base}/" if page == DEFAULT_PAGE else f"{base}/{page}"


def _wait_until_done(tab: Page) -> None:
    """Wait until the script has run and drawn: no "Running..." status, no skeleton, a while."""
    tab.wait_for_selector('[data-testid="stApp"]', timeout=RUN_TIMEOUT_S * 1000)
    tab.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=RUN_TIMEOUT_S * 1000)
    deadline = time.monotonic() + RUN_TIMEOUT_S
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        # all_inner_texts() does not wait: the widget may vanish between a count and a read
        status = tab.locator('[data-testid="stStatusWidget"]').all_inner_texts()
        running = tab.get_by_text("Running...").count() > 0 or any("Running" in t for t in status)
        # charts and tables load their code lazily and show a skeleton until drawn
        running = running or tab.locator('[data-testid="stSkeleton"]').count() > 0
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= SETTLE_S:
            return
        tab.wait_for_timeout(200)
    pytest.fail("the app was still running after {RUN_TIMEOUT_S} s")


def _visit(tab: Page, base: str, page: str) -> None:
    tab.goto(_url(base, page), wait_until="domcontentloaded")
    _wait_until_done(tab)
    exceptions = tab.locator('[data-testid="stException"], .stException')
    assert exceptions.count() == 0, exceptions.all_inner_texts()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{page}.png"), full_page=True)


def _metric(tab: Page, label: str) -> str:
    metric = tab.locator('[data-testid="stMetric"]').filter(has_text=label)
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


@pytest.mark.parametrize("page_name", PAGES)
def test_every_page_renders_without_exception(
    page: Page, dashboard_url: str, page_name: str
) -> None:
    _visit(page, dashboard_url, page_name)

    assert page.locator('[data-testid="stMainBlockContainer"] h1').first.is_visible()
    captions = " ".join(page.locator('[data-testid="stCaptionContainer"]').all_inner_texts())
    assert "Source: marts." in captions


def test_overview_shows_the_simulators_numbers_and_draws_its_figures(
    page: Page, dashboard_url: str, browser_operator: Path
) -> None:
    _visit(page, dashboard_url, "overview")

    daily = truth(browser_operator, "kpi_daily")
    for label, column in (("Orders", "orders"), ("Installs", "installs")):
        assert _metric(page, label) == f"{int(daily[column].sum()):,}", label
    assert _metric(page, "Activations") == f"{len(truth(browser_operator, 'activations')):,}"
    chart = page.locator(
        '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'
    )
    assert chart.first.is_visible()
    deck = page.locator('[data-testid="stDeckGlJsonChart"] canvas')
    assert deck.first.is_visible()
    addresses = truth(browser_operator, "addresses")
    assert page.get_by_text(f"{len(addresses):,} addresses.").is_visible()
    assert not pd.isna(addresses["serviceability"]).any()
