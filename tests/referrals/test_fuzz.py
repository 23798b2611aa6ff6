"""Any input to the referral forms: never a 500, the text typed shown back escaped, and a
referral only when every rule is met."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kit.forms import post_form
from markupsafe import escape
from referral_form import referral_id_of, send

from app.core.forms import clean_text
from app.referrals.models import Referral

TEXT_FIELDS = [
    "prenom",
    "initiale",
    "telephone",
    "courriel",
    "enfants",
    "debut",
    "de",
    "a",
    "identifiant_ft",
    "message",
]
ODD = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "'; DROP TABLE referrals; --",
        "\u202e\u0000",
        "é" * 300,
        "2 ans, 8 mois",
        "06 12 34 56 78",
        "31/02/2027",
        "25:99",
        "",
        " ",
        "ZZZ",
        "💥",
    ]
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.dictionaries(
        st.sampled_from(TEXT_FIELDS), st.one_of(st.text(max_size=40), ODD), max_size=10
    ),
    motif=st.sampled_from(["emploi", "", "x", "formation"]),
    accord=st.sampled_from(["y", ""]),
)
def test_any_referral_form_never_breaks(
    client, login, offer, prescriber, parent_form, session, values, motif, accord
):
    if client.get("/compte").status_code != 200:
        login(prescriber)
    data = dict(parent_form, **values, motif=motif, accord=accord)
    response = send(client, offer, data)
    assert response.status_code in (200, 302, 422)
    if response.status_code != 302:
        page = response.get_data(as_text=True)
        assert "Traceback" not in page and "<script>alert(1)</script>" not in page
        for name in ("prenom", "enfants", "telephone"):
            typed = clean_text(data.get(name) or "").strip()  # control characters are dropped
            if typed and len(typed) <= 40 and "\u202e" not in typed:
                assert str(escape(typed)) in page  # Jinja's escaping
    else:
        referral = session.get(Referral, referral_id_of(response))
        assert referral.parent_first_name and (referral.parent_phone or referral.parent_email)


@pytest.fixture
def link(client, login, offer, prescriber, manager, parent_form, smtp, monkeypatch):
    from kit.mails import link_in, readable

    from app.core.limits import limiter

    monkeypatch.setattr(limiter, "enabled", False)  # rate limits have their own test
    login(prescriber)
    send(client, offer, parent_form)
    return link_in(readable(smtp.text(smtp.last_to("accueil@lucioles.fr"))))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    reponse=st.one_of(
        st.text(max_size=20),
        st.sampled_from(["acceptee", "refusee", "liste-d-attente", "informations-demandees"]),
    ),
    date_debut=st.one_of(
        st.text(max_size=20), st.sampled_from(["05/01/2027", "2027-01-05", "hier"])
    ),
    motif=st.one_of(st.text(max_size=10), st.sampled_from(["complet", "autre"])),
    version=st.one_of(st.text(max_size=5), st.just("1"), st.just("99")),
    message=st.one_of(st.text(max_size=50), ODD),
)
def test_any_answer_never_breaks(app, link, reponse, date_debut, motif, version, message):
    visitor = app.test_client()
    response = post_form(
        visitor,
        link,
        {
            "reponse": reponse,
            "date_debut": date_debut,
            "motif_refus": motif,
            "version": version,
            "message": message,
        },
        token_from="/connexion",
    )
    assert response.status_code in (200, 302, 409, 422)
    assert "Traceback" not in response.get_data(as_text=True)
