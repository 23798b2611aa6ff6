"""The browser tests' viewport (a phone), their screenshots in test-results/ and the overflow
check."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parents[2] / "test-results"
PHONE = {"width": 390, "height": 844}


def screenshot(page, name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    suffix = "js" if page.js_enabled else "nojs"
    page.screenshot(path=str(RESULTS / f"{name}-{suffix}.png"), full_page=True)


def assert_no_horizontal_overflow(page) -> None:
    if page.js_enabled:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"page is {width}px wide at a {PHONE['width']}px viewport"


def log_in(page, base_url: str, email: str, password: str) -> None:
    """Log in through the real login form; wait for the account's home page."""
    import re

    page.goto(f"{base_url}/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r".*/(compte|gestion|coordination).*"))


def site_menu(page):
    """The site's menu (« Menu », a details/summary on a phone), opened: its links and the
    logout button, as a locator."""
    menu = page.locator("header .site-menu")
    if menu.get_attribute("open") is None and menu.locator("> summary").is_visible():
        menu.locator("> summary").click()
    return menu.locator("nav")


def unfold_criteria(page) -> None:
    """Results first: once a place is found, the search form folds under its one-line summary
    (« Toulon · 10 km — Modifier »); this opens it when it is folded."""
    criteria = page.locator("#criteres")
    if criteria.count() and criteria.get_attribute("open") is None:
        criteria.locator("> summary").click()
