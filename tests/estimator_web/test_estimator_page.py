"""« Estimer mes aides »: the page a parent fills in, its inline check, the printable view and the
shareable link. Expected figures come from the rules (AIDS.md) or from the estimator itself."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kit.estimator import estimator_answers
from kit.mails import readable
from kit.pages import section, tags, text_of, unlabelled_controls

from app.api.estimations import run_estimation
from app.core.french import format_euros

TODAY = "2026-11-21"
# A mother in Toulon: a 3-month CDD from 1 December, two children (2 and 7), no allowance.
ANSWERS = estimator_answers(TODAY, "2026-12-01", "2027-02-28")


def url(answers=ANSWERS, path="/estimer-mes-aides", calculer=True, **changes) -> str:
    pairs = [(k, v) for k, v in answers if k not in changes]
    for key, value in changes.items():
        if value is not None:
            pairs += [(key, v) for v in (value if isinstance(value, list) else [value])]
    if calculer:
        pairs.append(("calculer", "1"))
    return f"{path}?{urlencode(pairs)}"


def page(client, target: str) -> tuple[str, str]:
    response = client.get(target)
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return html, text_of(html)


def euros(amount: Decimal) -> str:
    return format_euros(amount).replace("\u00a0", " ").replace("\u202f", " ")


def test_empty_form_shows_every_step_with_labels(client):
    html, text = page(client, "/estimer-mes-aides")
    for legend in (
        "Votre emploi ou votre formation",
        "Votre situation",
        "Vos enfants",
        "La garde et vos ressources",
    ):
        assert legend in text
    assert "à corriger" not in text and "Votre estimation" not in text
    assert unlabelled_controls(html) == []
    # Every control says where its help and its error are.
    for control in tags(html, "input") + tags(html, "select"):
        if control.get("type") not in ("hidden", "radio", "checkbox"):
            assert "erreur-" in control.get("aria-describedby", ""), control


def test_home_page_links_to_the_estimator(client):
    html, text = page(client, "/")
    assert "bientôt" not in text
    assert tags(html, "a", href="/estimer-mes-aides")


def test_full_answers_give_the_age_and_the_cost_of_each_mode(client):
    html, _text = page(client, url())
    results = text_of(section(html, "resultats"))
    # AIDS.md: 2 children under 12, 15 h or more a week → 478.40 €.
    assert "Vous pouvez demander l’AGE : 478,40 €, versés une seule fois" in results
    assert "Date limite pour faire la demande : 1er mars 2027" in results
    expected = run_estimation(
        {
            "date": TODAY,
            "parent_isole": True,
            "inscrit_france_travail": True,
            "categorie_demandeur": 1,
            "enfants": [{"age": 2}, {"age": 7}],
            "activite": {
                "type": "cdd",
                "date_debut": "2026-12-01",
                "duree_jours": 90,
                "heures_par_semaine": 35,
            },
            "ressources_mensuelles": 1450,
            # 5 days × 10.5 h × 52 / 12
            "garde": {"heures_par_mois": Decimal("227.50"), "tarif_horaire": Decimal("4.60")},
        },
        today=date(2026, 11, 21),
    )
    assert len(expected.age.conditions) == 6
    for condition in expected.age.conditions:
        assert "Condition remplie : " + readable(condition.message) in results
    assert [c.mode for c in expected.costs] == ["creche", "assistant_maternel", "mam"]
    for cost in expected.costs:
        card = text_of(section(html, f"titre-{cost.mode}").split("</article>")[0])
        # Issue 14: the headline is the cash paid each month; the tax credit comes apart,
        # for the year, with the year it is paid in.
        assert card.split(" à payer chaque mois")[0].endswith(euros(cost.monthly_cash))
        assert f"Coût avant les aides {euros(cost.monthly_cost)}" in card
        for aid in cost.aids:
            if aid.code == "cmg":
                assert euros(aid.monthly_amount) in card
            else:
                assert (
                    f"{euros(aid.first_year_amount)} pour 1 mois de garde en 2026, versés en 2027"
                    in card
                )
        assert f"soit {euros(cost.monthly_out_of_pocket)} par mois après toutes les aides" in card
    assert (
        "Pour environ 228 heures de garde par mois, d’après vos réponses sur la garde." in results
    )


def test_amounts_are_written_the_french_way(client):
    html, _ = page(client, url())
    assert "478,40\u00a0€" in html
    assert "1\u202f046,50\u00a0€" in html  # the childminder's monthly cost: 227.5 h × 4.60 €


def test_the_shareable_link_rebuilds_the_same_result(client):
    html, _ = page(client, url())
    (share,) = tags(html, "input", id="lien-partage")
    link = urlsplit(share["value"])
    assert link.path == "/estimer-mes-aides"
    params = dict(parse_qsl(link.query))
    assert params["date"] == TODAY and params["calculer"] == "1"
    again, _ = page(client, f"{link.path}?{link.query}")
    assert text_of(section(again, "resultats")) == text_of(section(html, "resultats"))


def test_link_to_the_directory_is_prefilled_with_commune_hours_and_age(client):
    html, _ = page(client, url())
    (link,) = [
        a
        for a in tags(html, "a")
        if a.get("href", "").startswith("/recherche") and "lieu=" in a["href"]
    ]
    params = parse_qsl(urlsplit(link["href"]).query)
    assert ("code_insee", "83137") in params
    assert ("lieu", "Toulon (83 – Var)") in params
    assert [v for k, v in params if k == "jours"] == ["lu", "ma", "me", "je", "ve"]
    assert ("de", "07:30") in params and ("a", "18:00") in params
    assert ("age", "24") in params  # the youngest child is 2
    search, _text = page(client, link["href"])
    assert tags(search, "input", id="champ-de", value="07:30")
    assert "Voir les modes de garde près de chez moi" in text_of(html)


def test_printable_view_lists_answers_and_results_without_the_form(client):
    html, text = page(client, url(path="/estimer-mes-aides/imprimer", calculer=False))
    assert "Mes réponses" in text and "Un CDD (contrat à durée déterminée)" in text
    assert "478,40 €" in text
    assert not tags(html, "form")
    assert "Lien de cette estimation" not in text


def test_printable_view_without_complete_answers_goes_back_to_the_form(client):
    response = client.get("/estimer-mes-aides/imprimer?activite=cdi")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/estimer-mes-aides"


def test_submitting_nothing_lists_what_is_missing_with_links_to_the_fields(client):
    html, text = page(client, f"/estimer-mes-aides?date={TODAY}&calculer=1")
    summary = text_of(section(html, "resume-erreurs").split("</div>")[0])
    # The allowance is asked only of a registered parent: 5 answers, not 6.
    assert "5 réponses à corriger" in summary
    for message in (
        "Choisissez ce que vous allez commencer.",
        "Indiquez la date de début",
        "Indiquez le nombre d’heures par semaine",
        "Répondez oui ou non.",
        "Indiquez l’âge d’au moins un enfant.",
    ):
        assert message in summary
    ids = {a.get("id") for a in tags(html)}
    for link in tags(section(html, "resume-erreurs").split("</ul>")[0], "a"):
        assert link["href"].removeprefix("#") in ids, link
    assert "Votre estimation" not in text


def test_bad_answers_are_kept_and_explained(client):
    html, text = page(
        client,
        url(
            heures_semaine="trente",
            ressources="1 800,50",
            date_fin="2026-11-01",
            montant_allocation="abc",
            allocation="oui",
        ),
    )
    assert tags(html, "input", id="champ-heures_semaine", value="trente")
    assert tags(html, "input", id="champ-ressources", value="1 800,50")
    assert tags(html, "input", id="champ-montant_allocation", value="abc")
    assert "Indiquez un nombre d’heures par semaine entre 1 et 168" in text
    assert "La date de fin doit être après la date de début." in text
    assert "Indiquez le montant par jour en euros, par exemple 38,50." in text
    assert tags(html, "input", id="champ-heures_semaine", **{"aria-invalid": "true"})
    assert "Votre estimation" not in text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"activite": "formation"}, "duree_heures", "Indiquez la durée de la formation en heures."),
        ({"date_fin": None}, "date_fin", "Indiquez la date de fin du contrat."),
        ({"allocation": "oui"}, "montant_allocation", "Indiquez le montant par jour"),
        ({"deja_aide": "oui"}, "date_derniere_aide", "Indiquez la date de début de l’emploi"),
        ({"de": None}, "de", "Indiquez aussi cette heure."),
        ({"jours": None}, "jours", "Cochez les jours où vous avez besoin de la garde."),
        ({"lieu": "Zzyzx"}, "lieu", "Zzyzx"),
        ({"enfants-0": "40", "enfants-1": None}, "enfants-0", "Choisissez un âge dans la liste."),
    ],
)
def test_each_question_has_its_own_message(client, changes, field, message):
    html, _ = page(client, url(**changes))
    error = section(html, f"erreur-{field}").split("</p>")[0]
    assert message in text_of(error)
    assert "Votre estimation" not in text_of(html)


def test_mayotte_halves_the_age(client):
    _, text = page(client, url(lieu="Mamoudzou"))
    assert "Vous pouvez demander l’AGE : 239,20 €" in text  # 478.40 / 2


def test_a_date_before_may_2024_applies_the_agepi(client):
    # The AGEPI required an isolated parent and a child under 10.
    _, text = page(
        client,
        url(date="2023-06-01", date_debut="2023-06-05", date_fin="2023-12-31", parent_isole="non"),
    )
    assert "de l’AGEPI" in text
    assert "vous ne remplissez pas toutes les conditions de l’AGEPI" in text
    assert "Condition non remplie" in text


def test_ineligible_parent_is_told_why_and_about_derogation(client):
    _, text = page(client, url(inscrit="non"))
    assert "vous ne remplissez pas toutes les conditions de l’AGE" in text
    assert "Condition non remplie : Vous n’êtes pas inscrit·e à France Travail" in text.replace(
        "'", "’"
    )
    assert "dérogation" in text


def test_without_resources_costs_are_not_estimated_and_the_page_says_why(client):
    _, text = page(client, url(ressources=None))
    assert "Vous pouvez demander l’AGE" in text
    assert (
        "Indiquez vos ressources mensuelles pour estimer le coût de chaque mode de garde." in text
    )
    assert "par mois après les aides" not in text


def test_adding_a_child_without_javascript_keeps_every_answer(client):
    html, text = page(client, url(calculer=False, ajouter_enfant="1"))
    selects = [s["id"] for s in tags(html, "select") if s["id"].startswith("champ-enfants-")]
    assert selects == ["champ-enfants-0", "champ-enfants-1", "champ-enfants-2"]
    assert tags(html, "select", id="champ-enfants-2", autofocus="")
    assert tags(html, "input", id="champ-ressources", value="1 450")
    assert "Votre estimation" not in text and "à corriger" not in text


def test_adding_a_child_with_htmx_returns_the_children_step(htmx_client):
    response = htmx_client.get(
        url(path="/estimer-mes-aides/enfants", calculer=False, ajouter_enfant="1")
    )
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<fieldset class="step" data-etape="3" id="etape-enfants"')
    # Age, month of birth and « à faire garder ? » of each of the 3 children.
    assert len(list(tags(html, "select"))) == 9


class TestInlineCheck:
    def check(self, htmx_client, **params):
        response = htmx_client.get("/estimer-mes-aides/valider?" + urlencode(params, doseq=True))
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def test_a_typed_error_is_shown_and_empty_fields_are_left_alone(self, htmx_client):
        html = self.check(htmx_client, date=TODAY, activite="cdi", date_debut="32/13/2026")
        assert "Indiquez une date, par exemple 01/12/2026." in text_of(
            section(html, "erreur-date_debut").split("</p>")[0]
        )
        assert text_of(section(html, "erreur-heures_semaine").split("</p>")[0]) == ""
        for p in tags(html, "p", class_="field-error"):
            assert p["hx-swap-oob"] == "true"
        assert "<form" not in html  # nothing typed can be overwritten

    @pytest.mark.parametrize(
        ("params", "visible"),
        [
            ({}, "1"),
            ({"activite": "cdi", "date_debut": "2026-12-01", "heures_semaine": "20"}, "2"),
            ({"activite": "cdd", "date_debut": "2026-12-01", "heures_semaine": "20"}, "1"),
            (
                {
                    "activite": "cdi",
                    "date_debut": "2026-12-01",
                    "heures_semaine": "20",
                    "inscrit": "oui",
                    "allocation": "non",
                },
                "3",
            ),
            (
                {
                    "activite": "cdi",
                    "date_debut": "2026-12-01",
                    "heures_semaine": "20",
                    "inscrit": "oui",
                    "allocation": "oui",
                },
                "2",
            ),
            (
                {
                    "activite": "cdi",
                    "date_debut": "2026-12-01",
                    "heures_semaine": "20",
                    "inscrit": "oui",
                    "allocation": "non",
                    "enfants-0": "3",
                },
                "4",
            ),
        ],
    )
    def test_the_next_step_appears_once_the_previous_one_is_answered(
        self, htmx_client, params, visible
    ):
        html = self.check(htmx_client, date=TODAY, **params)
        (state,) = tags(html, "p", id="etat-etapes")
        assert state["data-visibles"] == visible
        assert state["hx-swap-oob"] == "true"

    def test_without_htmx_it_goes_back_to_the_page_with_the_answers(self, client):
        response = client.get("/estimer-mes-aides/valider?activite=cdi&heures_semaine=20")
        assert response.status_code == 302
        location = urlsplit(response.headers["Location"])
        assert location.path == "/estimer-mes-aides"
        assert ("heures_semaine", "20") in parse_qsl(location.query)


def test_submit_as_htmx_fragment_has_the_same_results(client, htmx_client):
    full, _ = page(client, url())
    fragment = htmx_client.get(url()).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="estimateur"')

    def results(html):
        return text_of(section(html, "resultats").split('id="formulaire-estimation"')[0])

    assert "478,40 €" in results(fragment)
    assert results(fragment) == results(full)


FIELDS = [
    "date",
    "activite",
    "date_debut",
    "date_fin",
    "duree_heures",
    "heures_semaine",
    "lieu",
    "inscrit",
    "categorie",
    "allocation",
    "montant_allocation",
    "parent_isole",
    "deja_aide",
    "date_derniere_aide",
    "enfants-0",
    "enfants-7",
    "enfants-99",
    "jours",
    "de",
    "a",
    "ressources",
    "tarif",
    "calculer",
    "ajouter_enfant",
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(FIELDS),
            st.one_of(
                st.text(max_size=30),
                st.sampled_from(["1", "0", "oui", "cdd", "2026-12-01", "-1", "1e999", "NaN", "35"]),
            ),
        ),
        max_size=12,
    )
)
def test_any_answers_never_break_the_page(client, params):
    for path in ("/estimer-mes-aides", "/estimer-mes-aides/imprimer"):
        response = client.get(f"{path}?{urlencode([*params, ('calculer', '1')])}")
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            html = response.get_data(as_text=True)
            assert "Traceback" not in html
            for key, value in params:
                # what was typed in a text box is shown back, escaped
                if key in ("heures_semaine", "ressources", "tarif") and value.strip():
                    assert tags(
                        html,
                        "input",
                        id=f"champ-{key}",
                        value=next(v for k, v in params if k == key),
                    )


# ---- Issue 15: every child, and what a child's answers change -------------------------------


def test_a_month_of_birth_stays_with_its_child(client):
    html, _ = page(client, url(**{"naissance-1": "3"}))
    selects = {s["name"]: s for s in tags(html, "select")}
    assert {"naissance-0", "naissance-1", "besoin-0", "besoin-1"} <= set(selects)
    # The month sent for the 2nd child is selected in the 2nd child's list, not the 1st's.
    second = html.split('name="naissance-1"')[1].split("</select>")[0]
    first = html.split('name="naissance-0"')[1].split("</select>")[0]
    assert '<option value="3" selected>' in second
    assert " selected" not in first.replace('<option value="" selected>', "")


def test_a_child_marked_for_care_gets_a_card(client):
    # The child of 7 is at school: by default no card; « à faire garder : oui » gives one,
    # without a crèche (crèches take children under 6, CSP art. R.2324-17).
    _, text = page(client, url())
    assert "2e enfant (7 ans)" not in text
    _, text = page(client, url(**{"besoin-1": "oui"}))
    assert "2e enfant (7 ans)" in text
    assert "Pas de crèche" in text and "périscolaire" in text


def test_the_resources_hint_names_the_year_n_minus_2(client):
    _, text = page(client, url(calculer=False))
    assert "Les revenus de l’année 2024 (année N-2)" in text
    _, text = page(client, url(calculer=False, date="2027-03-01"))
    assert "Les revenus de l’année 2025 (année N-2)" in text


def test_an_offer_page_can_put_its_mode_first(client):
    html, _ = page(client, url(mode="assistant_maternel"))
    cards = [tag["aria-labelledby"] for tag in tags(html, "article")]
    assert cards[0] == "titre-assistant_maternel"
    assert 'name="mode" value="assistant_maternel"' in html


@pytest.mark.parametrize(
    "mode, field",
    [
        ("assistant_maternel", "tarif"),
        ("mam", "tarif"),
        ("micro_creche", "prix_micro_creche"),
        ("garde_domicile", "tarif_domicile"),
    ],
)
def test_an_offer_page_prefills_its_kind_and_price(client, mode, field):
    # The offer page links to /estimer-mes-aides?mode=<kind>&prix=<hourly price>.
    html, _ = page(client, f"/estimer-mes-aides?mode={mode}&prix=4,20")
    inputs = {tag["name"]: tag for tag in tags(html, "input") if tag.get("name")}
    assert inputs[field]["value"] == "4,20"
    assert inputs["mode"]["value"] == mode
    # A price the parent typed wins.
    html, _ = page(client, f"/estimer-mes-aides?mode={mode}&prix=4,20&{field}=5")
    inputs = {tag["name"]: tag for tag in tags(html, "input") if tag.get("name")}
    assert inputs[field]["value"] == "5"


def test_micro_creche_and_home_care_cards(client):
    _, text = page(client, url(prix_micro_creche="9,50", tarif_domicile="11"))
    assert "Micro-crèche hors barème de la Caf" in text
    assert "Garde à domicile" in text and "Cotisations sociales de l’employeur" in text


def test_a_month_or_need_out_of_the_list_is_ignored(client):
    _, text = page(client, url(**{"naissance-0": "13", "besoin-0": "peut-être"}))
    assert "Votre estimation" in text and "à corriger" not in text
