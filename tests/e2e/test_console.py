"""No console error on any page or swap (issue 14, « Polish that users notice »): every page of
the site (``tests/site_catalogue.py``, visited by the role that may see it) with JavaScript at
a phone's viewport, then a few htmx updates (a filter ticked, a commune typed fast enough to
abort requests, a distance changed, the estimator's answers, Back): no ``console.error``, no
uncaught exception, no failed request but those htmx aborts itself."""

from __future__ import annotations

import re

from kit.browser import PHONE, log_in, unfold_criteria
from kit.factories import PASSWORD
from site_catalogue import build_world, get_pages


class Console:
    """What a page reports: console errors, uncaught exceptions, failed requests."""

    def __init__(self, page, where: list[str]):
        self.problems: list[tuple[str, str]] = []
        self.where = where
        self.page = page
        page.on("console", self._console)
        page.on("pageerror", lambda error: self._add(f"exception: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _add(self, what: str) -> None:
        self.problems.append((self.where[0], what))

    def _console(self, message) -> None:
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and (
            message.location.get("url") == self.page.url
        ):
            return  # the page itself is an error page (the 404 visited on purpose)
        self._add(f"console.error: {message.text}")

    def _failed(self, request) -> None:
        # An htmx request replaced by a newer one (hx-sync) or a page left mid-request.
        if request.failure in ("net::ERR_ABORTED", "NS_BINDING_ABORTED"):
            return
        self._add(f"request failed: {request.url} {request.failure}")

    def _response(self, response) -> None:
        if response.status >= 500:
            self._add(f"{response.status} for {response.url}")


def test_no_console_error_on_any_page(browser, live_server, app, session, index):
    world = build_world(session)
    index.sync(session)
    where = [""]
    pages, consoles = {}, []

    def page_for(role):
        if role not in pages:
            context = browser.new_context(viewport=PHONE, locale="fr-FR")
            page = context.new_page()
            consoles.append(Console(page, where))
            if role is not None:
                log_in(page, live_server, world.users[role].email, PASSWORD)
            pages[role] = page
        return pages[role]

    visited = 0
    for endpoint, url, role in get_pages(app, world):
        if url.split("?")[0].endswith((".csv", ".json")) or url.startswith("/api/"):
            continue  # files and JSON, not pages
        where[0] = f"{endpoint} {url}"
        page = page_for(role)
        page.goto(f"{live_server}{url}")
        page.wait_for_load_state("networkidle")
        visited += 1
    where[0] = "404"
    page_for(None).goto(f"{live_server}/offre/999999")
    for page in pages.values():
        page.context.close()
    assert visited >= 40
    problems = [p for console in consoles for p in console.problems]
    assert problems == [], "\n".join(map(str, problems))


def test_no_console_error_during_htmx_updates(browser, live_server, session, index, offer, manager):
    index.sync(session)
    where = ["recherche"]
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    console = Console(page, where)

    page.goto(f"{live_server}/recherche?lieu=Toulon")
    page.wait_for_load_state("networkidle")
    where[0] = "recherche — filtre coché"
    unfold_criteria(page)
    page.get_by_text("Quoi ?").click()
    page.get_by_label("Avec des places disponibles").check()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Avec des places disponibles").uncheck()
    page.wait_for_load_state("networkidle")

    where[0] = "recherche — commune tapée vite"
    place = page.get_by_label("Commune ou code postal")
    place.fill("")
    place.press_sequentially("Toulouse", delay=15)  # each key may abort the previous request
    page.wait_for_load_state("networkidle")
    place.fill("Toulon")
    page.wait_for_load_state("networkidle")

    where[0] = "recherche — distance"
    page.get_by_label("Distance maximale").select_option("20")
    page.wait_for_load_state("networkidle")

    where[0] = "recherche — retour"
    page.go_back()
    page.wait_for_load_state("networkidle")
    page.go_forward()
    page.wait_for_load_state("networkidle")

    where[0] = "estimateur"
    page.goto(f"{live_server}/estimer-mes-aides")
    page.wait_for_load_state("networkidle")
    for select in page.locator("main select").all()[:3]:
        options = select.locator("option").all()
        if len(options) > 1 and select.is_visible():
            select.select_option(index=len(options) - 1)
            page.wait_for_load_state("networkidle")

    where[0] = "estimateur — réponses"
    for field in page.locator("main input[type=text], main input[inputmode]").all()[:4]:
        if field.is_visible():
            field.fill("abc")
            field.press("Tab")
            page.wait_for_load_state("networkidle")

    where[0] = "offre"
    page.goto(f"{live_server}/offre/{offer.id}")
    page.wait_for_load_state("networkidle")

    where[0] = "gestion — connexion"
    log_in(page, live_server, manager.email, PASSWORD)
    where[0] = "gestion — places"
    page.goto(f"{live_server}/gestion")
    page.get_by_label("Places disponibles aujourd’hui").first.fill("3")
    page.get_by_role("button", name=re.compile("Mettre à jour les places")).first.click()
    page.wait_for_load_state("networkidle")
    where[0] = "gestion — fiche, vérification en direct"
    page.goto(f"{live_server}/gestion/offres/{offer.id}")
    page.wait_for_load_state("networkidle")
    for field in page.locator("main form input[type=text], main form input[type=email]").all()[:6]:
        if field.is_visible() and field.is_editable():
            field.fill("x" if field.get_attribute("type") == "email" else field.input_value())
            field.press("Tab")
            page.wait_for_load_state("networkidle")
    context.close()
    assert console.problems == [], "\n".join(map(str, console.problems))
