"""The « Déclaration d’accessibilité » (RGAA model), linked from the footer of every page."""

from __future__ import annotations

import json

from kit.pages import tags, text_of

from app.config import PROJECT_ROOT
from app.core.accessibility import EVALUATION


def test_every_page_links_the_statement_from_its_footer(client):
    for path in ("/", "/recherche", "/estimer-mes-aides", "/connexion", "/n-existe-pas"):
        html = client.get(path).get_data(as_text=True)
        footer = html[html.index("<footer") :]
        assert tags(footer, "a", href="/accessibilite"), path
        assert "Accessibilité : partiellement conforme" in text_of(footer), path


def test_the_statement_says_what_was_tested_and_how_to_complain(client, app):
    response = client.get("/accessibilite")
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert (
        "Passerelle est partiellement conforme avec le référentiel général d’amélioration de "
        "l’accessibilité (RGAA), version 4.1.2"
    ) in text
    assert "Aucun audit complet des 106 critères du RGAA n’a encore été mené" in text
    assert f"axe-core {EVALUATION['axe_core']}" in text
    assert "pas encore été testé avec des lecteurs d’écran" in text
    assert app.config["ACCESSIBILITY_CONTACT"] in text
    assert "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07" in text


def test_the_statement_names_the_axe_core_version_the_tests_install():
    package = json.loads((PROJECT_ROOT / "package.json").read_text())
    assert package["devDependencies"]["axe-core"] == EVALUATION["axe_core"]
