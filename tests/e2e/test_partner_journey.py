"""A partner on a phone asks for a widget token on /integrer; an admin approves it (confirming
the sites); the email arrives (through a real local SMTP server) with the token and the code;
the partner pastes the token on /integrer: the code has it, one attribute a line, the copy
button copies it (with JavaScript; without, the code is selectable in its field), and the
preview shows the widget with results. With and without JavaScript; axe on each page."""

from __future__ import annotations

import re

from accessibility import BLOCKING, axe_source, run_axe
from kit.browser import assert_no_horizontal_overflow, log_in, screenshot
from kit.factories import PASSWORD, make_offer, make_user
from kit.mails import readable, text_of_mail


def assert_axe_clean(page):
    if not page.js_enabled:
        return  # axe runs in the page; the sans-scripts audit is test_accessibility's
    serious = [v for v in run_axe(page, axe_source()) if v["impact"] in BLOCKING]
    assert serious == [], serious


def test_a_partner_asks_for_a_token_and_an_admin_approves_it(
    app, page, browser, live_server, session, index, smtp
):
    make_offer(session, title="Crèche Les Mimosas", code_insee="83137", free_places=2)
    make_user(
        session,
        "admin",
        "admin@passerelle.example.org",
        full_name="Alice Admin",
        departement_code=None,
    )
    index.sync(session)

    # The partner: from /integrer to the request form.
    page.goto(f"{live_server}/integrer")
    page.get_by_role("link", name="formulaire de demande").click()
    page.get_by_role("heading", name="Demander un jeton").wait_for()
    assert_no_horizontal_overflow(page)
    assert_axe_clean(page)
    page.get_by_label("Organisme").fill("Mission locale de Toulon")
    page.get_by_label("Adresses des sites qui afficheront le widget").fill(
        "http://www.ml-toulon.fr"
    )
    page.get_by_label("Votre prénom et nom").fill("Sophie Durand")
    page.get_by_label("Votre adresse électronique professionnelle").fill(
        "sophie.durand@ml-toulon.fr"
    )
    page.get_by_label("Ce que vous voulez en faire").fill("La recherche sur la page Parents.")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.get_by_text("seules les adresses en https sont acceptées").first.wait_for()
    assert (
        page.get_by_label("Adresses des sites qui afficheront le widget").input_value()
        == "http://www.ml-toulon.fr"
    )
    assert page.get_by_label("Organisme").input_value() == "Mission locale de Toulon"
    assert_axe_clean(page)
    page.get_by_label("Adresses des sites qui afficheront le widget").fill(
        "https://www.ml-toulon.fr"
    )
    page.get_by_role("button", name="Envoyer la demande").click()
    page.get_by_text("Demande envoyée").wait_for()
    screenshot(page, "partner-request-sent")

    # The admin, in another browser: the queue, the request, the approval.
    admin = browser.new_context(
        viewport=page.viewport_size, java_script_enabled=page.js_enabled, locale="fr-FR"
    ).new_page()
    admin.js_enabled = page.js_enabled
    log_in(admin, live_server, "admin@passerelle.example.org", PASSWORD)
    admin.get_by_role("link", name="À traiter", exact=True).click()
    admin.get_by_role("heading", name="Demandes de jeton partenaire (1)").wait_for()
    admin.get_by_role("link", name="Mission locale de Toulon").click()
    admin.get_by_role("heading", name="Demande de jeton de Mission locale de Toulon").wait_for()
    assert_no_horizontal_overflow(admin)
    assert_axe_clean(admin)
    assert admin.get_by_label("Sites autorisés à afficher le widget").input_value() == (
        "https://www.ml-toulon.fr"
    )
    admin.get_by_role("button", name="Accepter et envoyer le jeton").click()
    admin.get_by_text("Jeton créé pour Mission locale de Toulon").wait_for()
    admin.context.close()

    # The email, through the local SMTP server.
    body = readable(text_of_mail(smtp.last_to("sophie.durand@ml-toulon.fr")))
    token = re.search(r"Votre jeton : (\S+)", body).group(1)
    assert f'data-token="{token}"' in body and "- https://www.ml-toulon.fr" in body

    # Back on /integrer with the token: the code holds it, copyable; the preview shows results.
    page.goto(f"{live_server}/integrer")
    page.get_by_label("Votre jeton de partenaire").fill(token)
    page.get_by_role("button", name="Mettre à jour le code et l’aperçu").click()
    code = page.get_by_label("Code à coller dans votre page")
    if page.js_enabled:  # htmx swaps the code in
        page.wait_for_function(
            "t => document.getElementById('code-widget').value.includes(t)", arg=token
        )
    assert f'\n  data-token="{token}"\n' in code.input_value()
    assert code.get_attribute("readonly") is not None
    copy = page.get_by_role("button", name="Copier le code")
    if page.js_enabled:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        copy.click()
        page.get_by_text("Code copié.").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == code.input_value()
    else:
        assert not copy.is_visible()  # without JavaScript: the code is selectable instead
    preview = page.frame_locator("iframe.embed-preview")
    preview.get_by_text("Crèche Les Mimosas").first.wait_for()
    assert_no_horizontal_overflow(page)
    assert_axe_clean(page)
    screenshot(page, "partner-integrer-token")
