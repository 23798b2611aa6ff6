"""axe-core on every page of the site and on each state of its forms (empty, errors shown,
results), at a phone's 390 × 844 viewport, with JavaScript and with the site's scripts blocked:
no violation of impact serious or critical, and no moderate one without its reason in
MODERATE_EXCEPTIONS. The pages come from the app's routes (tests/site_catalogue.py); the
states from STATES below. A JSON report per run goes to test-results/ with a screenshot of
each page.

To audit new pages: a new GET route is audited at once (give its arguments in
tests/site_catalogue.py); add its interesting states (errors shown, results…) to STATES.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from accessibility import BLOCKING, axe_source, installed_version, run_axe
from kit.browser import PHONE, RESULTS, log_in, unfold_criteria
from kit.estimator import estimator_answers
from kit.factories import PASSWORD
from site_catalogue import build_world, get_pages

from app.geo.timezones import today_in_france

#: Moderate violations left on purpose: rule id -> why. (Serious and critical ones: none.)
MODERATE_EXCEPTIONS: dict[str, str] = {}


@dataclass
class State:
    name: str
    role: str | None
    url: str
    act: Callable | None = None  # what the person does on the page before the audit
    shows: str = ""  # a text (or a CSS selector, starting with "css=") proving the state is reached


def submit(button: str, **fields: str):
    """Fill the fields labelled so (exact labels) and press the button."""

    def act(page):
        for label, value in fields.items():
            page.get_by_label(label.replace("_", " "), exact=True).fill(value)
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state()

    return act


def check_free_places(page):
    unfold_criteria(page)
    page.get_by_text("Quoi ?").click()
    page.get_by_label("Avec des places disponibles").check()  # with htmx: the results swap here
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_load_state()


def open_details(page):
    """Every fold of the page's content opened (the site menu aside: it covers the page)."""
    closed = page.locator("main details:not([open])")
    for _ in range(20):  # outer folds first (document order), then the ones they held
        if not closed.count():
            break
        closed.first.locator("> summary").click()


def estimator_query() -> str:
    today = today_in_france()
    start, end = today + timedelta(days=10), today + timedelta(days=99)
    return urlencode(estimator_answers(today.isoformat(), start.isoformat(), end.isoformat()))


def states(world) -> list[State]:
    offer, structure = world.offer.id, world.structure.id
    return [
        State(
            "recherche — résultats",
            None,
            "/recherche?lieu=Toulon",
            shows="1 résultat à moins de 10 km de Toulon",
        ),
        State(
            "recherche — carte",
            None,
            "/recherche?lieu=Toulon&vue=carte",
            shows="css=#carte-texte",
        ),
        State(
            "couverture AVIP par département",
            None,
            "/couverture-avip",
            shows="css=#couverture-tableau",
        ),
        State(
            "recherche — tous les filtres ouverts",
            None,
            "/recherche?lieu=Toulon",
            open_details,
            shows="css=details[open] >> nth=1",
        ),
        State(
            "recherche — erreurs",
            None,
            "/recherche?lieu=Toulon&jours=lu&de=25:00&a=19:00&age=abc",
            shows="css=.error-summary",
        ),
        State(
            "recherche — lieu à préciser",
            None,
            "/recherche?lieu=Saint-Martin",
            shows="Précisez le lieu",
        ),
        State(
            "recherche — aucun résultat",
            None,
            "/recherche?lieu=Brest&type=mam",
            shows="Aucune offre ne correspond à tous vos critères.",
        ),
        State(
            "demander une place — erreurs",
            None,
            f"/offre/{offer}/demander-une-place",
            submit("Envoyer ma demande"),
            shows="css=.error-summary",
        ),
        State(
            "estimateur — erreurs",
            None,
            "/estimer-mes-aides?calculer=1&heures_semaine=abc",
            shows="css=.error-summary",
        ),
        State(
            "estimateur — résultats",
            None,
            f"/estimer-mes-aides?{estimator_query()}&calculer=1",
            shows="css=#resultats .age-result",
        ),
        State(
            "estimateur — impression",
            None,
            f"/estimer-mes-aides/imprimer?{estimator_query()}",
            shows="css=#resultats",
        ),
        State(
            "connexion — erreur",
            None,
            "/connexion",
            submit(
                "Se connecter",
                **{"Adresse électronique": "x@exemple.fr", "Mot de passe": "faux mot de passe"},
            ),
            shows="css=.error-summary",
        ),
        State(
            "inscription — erreurs",
            None,
            "/inscription",
            submit("Envoyer ma demande"),
            shows="css=.error-summary",
        ),
        State(
            "mot de passe oublié — envoyé",
            None,
            "/mot-de-passe-oublie",
            submit("Recevoir un lien", **{"Adresse électronique": "x@exemple.fr"}),
            shows="Si un compte existe avec cette adresse",
        ),
        State(
            "signaler une erreur — erreurs",
            None,
            f"/offre/{offer}/signaler",
            submit("Envoyer le signalement"),
            shows="css=.error-summary",
        ),
        State(
            "gestion — nouvelle offre, erreurs",
            "gestionnaire",
            "/gestion/offres/nouvelle",
            submit("Créer le brouillon"),
            shows="css=.error-summary",
        ),
        State(
            "label AVIP — demande, erreurs",
            "gestionnaire",
            f"/label-avip/structure/{structure}",
            submit("Envoyer ma demande"),
            shows="css=.error-summary",
        ),
        State(
            "coordination — invitation, erreurs",
            "coordinateur",
            "/coordination/inviter",
            submit("Envoyer l’invitation"),
            shows="css=.error-summary",
        ),
        State(
            "coordination — décision AVIP, erreurs",
            "coordinateur",
            f"/coordination/label-avip/{world.application.id}",
            submit("Attribuer le label", **{"Places réservées retenues": "abc"}),
            shows="css=.error-summary",
        ),
        State(
            "gestion — offre, erreurs",
            "gestionnaire",
            f"/gestion/offres/{offer}",
            submit("Enregistrer les modifications", **{"Nom de l’offre": ""}),
            shows="css=.error-summary",
        ),
        State(
            "gestion — créneau ajouté",
            "gestionnaire",
            f"/gestion/offres/{offer}",
            submit("Ajouter un créneau"),
            shows="css=#champ-slots-5-weekday",
        ),
        State(
            "gestion — places mises à jour",
            "gestionnaire",
            "/gestion",
            submit(
                f"Mettre à jour les places de « {world.offer.title} »",
                **{"Places disponibles aujourd’hui": "3"},
            ),
            shows="3 places disponibles",
        ),
        State(
            "intégrer — demande de jeton, erreurs",
            None,
            "/integrer/demander-un-jeton",
            submit(
                "Envoyer la demande",
                **{"Adresses des sites qui afficheront le widget": "http://www.exemple.fr"},
            ),
            shows="css=.error-summary",
        ),
        State(
            "admin — demande de jeton, refus sans motif",
            "admin",
            f"/admin/partenaires/demandes/{world.partner_request.id}",
            submit("Refuser la demande"),
            shows="css=.error-summary",
        ),
        State("page introuvable (404)", None, "/offre/999999", shows="Page introuvable"),
        State(
            "alerte — erreurs",
            None,
            "/alertes/nouvelle?lieu=Toulon&code_insee=83137&rayon=10",
            submit("Créer l’alerte"),
            shows="css=.error-summary",
        ),
        State(
            "recherche — filtre appliqué",
            None,
            "/recherche?lieu=Toulon",
            check_free_places,
            shows="places libres",  # in the one-line summary of the criteria
        ),
    ]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().encode("ascii", "ignore").decode()).strip("-")[
        :60
    ]


@pytest.mark.parametrize("scripts", [True, False], ids=["js", "sans-scripts"])
def test_every_page_and_state_passes_axe(browser, live_server, app, session, index, scripts):
    source = axe_source()
    world = build_world(session)
    index.sync(session)
    contexts = {}

    def page_for(role):
        if role not in contexts:
            context = browser.new_context(viewport=PHONE, locale="fr-FR")
            if not scripts:  # the page as without JavaScript; axe itself runs through DevTools
                context.route(re.compile(r".*\.js(\?.*)?$"), lambda route: route.abort())
            page = context.new_page()
            if role is not None:
                log_in(page, live_server, world.users[role].email, PASSWORD)
            contexts[role] = page
        return contexts[role]

    audits = [
        State(f"{endpoint} {url}", role, url) for endpoint, url, role in get_pages(app, world)
    ]
    audits += states(world)
    report, problems, skipped = {}, [], []
    for state in audits:
        if state.url.split("?")[0].endswith((".csv", ".json")):
            skipped.append(state.name)  # a file to download, not a page
            continue
        page = page_for(state.role)
        response = page.goto(f"{live_server}{state.url}")
        if "/connexion" in page.url and not state.url.startswith("/connexion"):
            problems.append(
                (state.name, "sent to the login page: give it a role in tests/site_catalogue.py")
            )
            continue
        if not (
            response and "text/html" in (response.headers.get("content-type") or "")
        ) or not page.evaluate("document.documentElement.lang !== '' && document.title !== ''"):
            skipped.append(state.name)  # JSON, a fragment for htmx, a redirect to one
            continue
        if state.act:
            state.act(page)
        if state.shows.startswith("css="):
            page.locator(state.shows.removeprefix("css=")).wait_for(timeout=5000)
        elif state.shows:
            page.get_by_text(state.shows).first.wait_for(timeout=5000)
        violations = run_axe(page, source)
        report[state.name] = {"url": page.url.removeprefix(live_server), "violations": violations}
        for v in violations:
            if v["impact"] in BLOCKING or (
                v["impact"] == "moderate" and v["id"] not in MODERATE_EXCEPTIONS
            ):
                problems.append((state.name, v["id"], v["impact"], v["help"], v["targets"]))
        if scripts:
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                problems.append((state.name, "horizontal-overflow", f"{width}px", "", []))
            RESULTS.mkdir(exist_ok=True)
            page.screenshot(path=str(RESULTS / f"axe-{slug(state.name)}.png"), full_page=True)

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"axe-report-{'js' if scripts else 'sans-scripts'}.json").write_text(
        json.dumps(
            {
                "axe-core": installed_version(),
                "pages": report,
                "not_audited": skipped,
                "moderate_exceptions": MODERATE_EXCEPTIONS,
            },
            ensure_ascii=False,
            indent=1,
        )
    )
    for page in contexts.values():
        page.context.close()
    assert len(report) >= 45, sorted(report)
    assert not problems, "\n".join(map(str, problems))
