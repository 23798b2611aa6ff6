"""A partner's page served from another origin (http://127.0.0.2:PORT) embeds the widget with
embed.js: with a token for that origin it loads, searches and resizes (two widgets on one page);
with a token for another origin Chromium refuses to frame it."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from app.directory.models import OfferKind
from app.widget.models import PartnerToken

PARTNER_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Caf du Var – partenaire</title></head>
<body>
<h1>Faire garder son enfant pour reprendre un emploi</h1>
<div id="recherche">{recherche}</div>
<p>Texte du partenaire entre les deux widgets.</p>
<div id="estimateur">{estimateur}</div>
</body></html>"""


@pytest.fixture
def partner_site():
    """A server on 127.0.0.2 (another origin than the app's 127.0.0.1) serving one page."""
    pages = {}

    def application(environ, start_response):
        return Response(pages.get("html", ""), mimetype="text/html")(environ, start_response)

    server = make_server("127.0.0.2", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.2:{server.server_port}", pages
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture
def partner_page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 900}, locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


def embed(app_url, token, **data):
    attributes = " ".join(f'data-{k}="{v}"' for k, v in data.items())
    return (
        f'<script src="{app_url}/static/js/embed.js" data-token="{token}" {attributes} '
        "async></script>"
    )


def frame_height(page, selector):
    return page.eval_on_selector(selector, "f => f.getBoundingClientRect().height")


def test_the_widget_loads_searches_and_resizes_on_a_partner_site(
    session, offer_factory, live_server, partner_site, partner_page
):
    origin, pages = partner_site
    session.add(
        PartnerToken(
            name="Caf du Var", token="jeton-caf", allowed_origins=[origin], presets={}, active=True
        )
    )
    session.commit()
    for n in range(4):
        offer_factory(title=f"Crèche Les Lilas {n}", offset_km=(0.5 + n * 0.2, 0))
    offer_factory(title="MAM Les Doudous", kind=OfferKind.MAM, offset_km=(1, 0))
    pages["html"] = PARTNER_PAGE.format(
        recherche=embed(live_server, "jeton-caf", commune="83137", rayon="5"),
        estimateur=embed(live_server, "jeton-caf", widget="estimateur"),
    )
    page = partner_page
    page.goto(origin)
    search_frame = page.frame_locator("#recherche iframe")
    first_card = search_frame.locator(".offer-card h3 a").first
    first_card.wait_for()
    assert search_frame.locator(".offer-card").count() == 5
    assert first_card.get_attribute("target") == "_blank"
    assert search_frame.locator("#champ-lieu").input_value() == "Toulon (83 – Var)"

    # It resized to its content, both ways checked: the partner page only took the height
    # posted by that frame, the widget posted it to this origin only.
    page.wait_for_function(
        "() => document.querySelector('#recherche iframe').style.height !== '640px'"
    )
    tall = frame_height(page, "#recherche iframe")
    inner = search_frame.locator("body").evaluate("b => b.getBoundingClientRect().height")
    assert abs(tall - (inner + 16)) <= 4, (tall, inner)

    # Search inside the widget: fewer results, a shorter frame. The results come first, the
    # criteria folded under their one-line summary (« Modifier »).
    search_frame.locator("#criteres > summary").click()
    search_frame.locator("#champ-q").fill("Doudous")
    search_frame.locator("#recherche button[type=submit]").click()
    search_frame.locator("#titre-resultats", has_text="1 résultat").wait_for()
    assert search_frame.locator(".offer-card").count() == 1
    page.wait_for_function(
        "() => document.querySelector('#recherche iframe').getBoundingClientRect().height < "
        f"{tall - 50}"
    )

    # The second widget on the same page has its own frame and height.
    estimator_frame = page.frame_locator("#estimateur iframe")
    estimator_frame.locator("#formulaire-estimation").wait_for()
    page.wait_for_function(
        "() => document.querySelector('#estimateur iframe').style.height !== '640px'"
    )
    assert frame_height(page, "#estimateur iframe") != frame_height(page, "#recherche iframe")
    page.screenshot(path="test-results/widget-partenaire.png", full_page=True)


def test_a_token_for_another_origin_is_not_framed(
    session, offer_factory, live_server, partner_site, partner_page
):
    origin, pages = partner_site
    session.add(
        PartnerToken(
            name="Autre site",
            token="jeton-autre",
            allowed_origins=["https://partenaire.example.org"],
            presets={},
            active=True,
        )
    )
    session.commit()
    offer_factory(title="Crèche Les Lilas")
    pages["html"] = PARTNER_PAGE.format(
        recherche=embed(live_server, "jeton-autre", commune="83137"), estimateur=""
    )
    page = partner_page
    refusals = []
    page.on(
        "console",
        lambda message: (
            refusals.append(message.text) if "frame-ancestors" in message.text else None
        ),
    )
    with page.expect_response(lambda r: "/widget/recherche" in r.url) as answer:
        page.goto(origin)
    response = answer.value
    assert response.status == 200
    assert (
        "frame-ancestors 'self' https://partenaire.example.org"
        in response.headers["content-security-policy"]
    )
    page.wait_for_timeout(500)
    frame = next(f for f in page.frames if f != page.main_frame)
    assert "Crèche Les Lilas" not in frame.content()
    assert frame.locator("form#recherche").count() == 0
    assert refusals, "Chromium reports the frame-ancestors refusal"
