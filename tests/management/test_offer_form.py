"""The offer form: every field saved, a failed form keeps everything typed (422), inline
validation out of band, a new offer's structure, edits made meanwhile by someone else."""

from __future__ import annotations

from datetime import date, time

from kit.forms import read_form, with_values
from kit.pages import section, tags, text_of, unlabelled_controls

from app.directory.models import (
    Certification,
    Modality,
    Offer,
    OfferChange,
    OfferKind,
    OfferStatus,
    Structure,
    StructureKind,
    Training,
    TrainingSession,
)
from app.geo.timezones import today_in_france


def edit_page(client, offer):
    response = client.get(f"/gestion/offres/{offer.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


EVERY_FIELD = {
    "kind": "micro_creche",
    "title": "Micro-crèche Les Lucioles",
    "description": "Un accueil de 10 enfants.",
    "address": "12 rue des Lilas",
    "postcode": "83200",
    "lieu": "Toulon (83 – Var)",
    "contact_name": "Nadia Benali",
    "contact_phone": "01 99 00 12 34",
    "contact_email": "contact@lucioles.example.org",
    "website": "https://lucioles.example.org",
    "contact_public": None,
    "how_to_apply": "Appelez le matin.",
    "age_min_months": "10",
    "age_max_months": "48",
    "capacity": "12",
    "free_places": "3",
    "cost_info": "Selon vos revenus.",
    "psu_pricing": "y",
    "disability_access": "y",
    "disability_info": "Locaux de plain-pied.",
    "valid_from": "2026-07-01",
    "valid_until": "2026-08-31",
    "slots__0__weekday": "5",
    "slots__0__opens": "21:00",
    "slots__0__closes": "6:00",
}


def test_the_edit_form_saves_every_field(client, session, offer, logged_manager):
    values = read_form(edit_page(client, offer))
    for name in [k for k in values if k.startswith("slots-") and not k.startswith("slots-0-")]:
        values.poplist(name)  # keep only one slot
    response = client.post(f"/gestion/offres/{offer.id}", data=with_values(values, **EVERY_FIELD))
    assert response.status_code == 302, text_of(response.get_data(as_text=True))[:2000]

    session.expire_all()
    o = session.get(Offer, offer.id)
    assert (o.kind, o.title, o.description) == (
        OfferKind.MICRO_CRECHE,
        "Micro-crèche Les Lucioles",
        "Un accueil de 10 enfants.",
    )
    assert (o.address, o.postcode, o.code_insee, o.commune_name, o.departement_code) == (
        "12 rue des Lilas",
        "83200",
        "83137",
        "Toulon",
        "83",
    )
    assert (o.contact_name, o.contact_phone, o.contact_email, o.website) == (
        "Nadia Benali",
        "01 99 00 12 34",
        "contact@lucioles.example.org",
        "https://lucioles.example.org",
    )
    assert o.contact_public is False and o.how_to_apply == "Appelez le matin."
    assert (o.age_min_months, o.age_max_months, o.capacity, o.free_places) == (10, 48, 12, 3)
    assert o.free_places_on == today_in_france()
    assert (o.cost_info, o.psu_pricing, o.disability_access, o.disability_info) == (
        "Selon vos revenus.",
        True,
        True,
        "Locaux de plain-pied.",
    )
    assert (o.valid_from, o.valid_until) == (date(2026, 7, 1), date(2026, 8, 31))
    assert [(s.weekday, s.opens, s.closes) for s in o.slots] == [(5, time(21, 0), time(6, 0))]
    assert o.status is OfferStatus.PUBLISHED  # saving does not change the status

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "Modifications enregistrées. Elles sont visibles dès maintenant dans l’annuaire."
        in text_of(page)
    )


def test_a_new_offer_is_a_draft_of_a_structure_i_manage(client, session, structure, logged_manager):
    page = client.get("/gestion/offres/nouvelle").get_data(as_text=True)
    assert unlabelled_controls(page) == []
    values = read_form(page)
    assert values["structure"] == str(structure.id)  # the only one: chosen already
    response = client.post(
        "/gestion/offres/nouvelle",
        data=with_values(
            values,
            kind="assistant_maternel",
            title="Chez Nadia",
            lieu="Hyères",
            slots__0__weekday="0",
            slots__0__opens="6:30",
            slots__0__closes="19:30",
        ),
    )
    assert response.status_code == 302
    offer = session.scalar(
        Offer.__table__.select().where(Offer.title == "Chez Nadia").with_only_columns(Offer.id)
    )
    created = session.get(Offer, offer)
    assert created.status is OfferStatus.DRAFT and created.structure_id == structure.id
    assert created.commune_name == "Hyères" and created.departement_code == "83"
    assert response.headers["Location"].endswith(f"/gestion/offres/{created.id}/apercu")
    change = session.query(OfferChange).filter_by(offer_id=created.id).one()
    assert change.action == "created" and change.user_id == logged_manager.id
    assert change.changes["title"] == ["", "Chez Nadia"]


def test_a_new_offer_cannot_go_to_a_structure_i_do_not_manage(
    client, session, structure, logged_manager
):
    other = Structure(name="Crèche d’à côté", kind=StructureKind.ASSOCIATION)
    session.add(other)
    session.commit()
    page = client.get("/gestion/offres/nouvelle").get_data(as_text=True)
    choices = section(page, "champ-structure").split("</select>")[0]
    assert "Association Les Petits Loups" in choices and "Crèche d’à côté" not in choices
    values = read_form(page)
    response = client.post(
        "/gestion/offres/nouvelle",
        data=with_values(
            values, structure=str(other.id), kind="mam", title="MAM pirate", lieu="Toulon"
        ),
    )
    assert response.status_code == 422
    assert "Choisissez une structure que vous gérez" in text_of(
        section(response.get_data(as_text=True), "erreur-structure")
    )
    assert session.query(Offer).filter_by(title="MAM pirate").count() == 0


def test_a_failed_form_keeps_every_typed_value(client, session, offer, logged_manager):
    typed = {
        "title": "",
        "description": "Texte <b>gardé</b>",
        "postcode": "8300",
        "lieu": "Saint-Denis",
        "contact_phone": "téléphone ?",
        "contact_email": "pas-une-adresse",
        "website": "www.lucioles.fr",
        "age_min_months": "36",
        "age_max_months": "12",
        "capacity": "douze",
        "free_places": "30",
        "valid_from": "2026-09-01",
        "valid_until": "2026-08-01",
        "slots__0__opens": "25:00",
        "slots__1__closes": "7:30",
        "slots__2__opens": "",
        "slots__2__closes": "",
        "slots__2__weekday": "2",
    }
    values = with_values(read_form(edit_page(client, offer)), **typed)
    response = client.post(f"/gestion/offres/{offer.id}", data=values)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    again = read_form(html)
    for name, value in values.items(multi=True):
        if name != "csrf_token":
            assert value in again.getlist(name), (name, value, again.getlist(name))
    summary = text_of(section(html, "resume-erreurs"))
    for message in (
        "Nom de l’offre : Indiquez le nom de l’offre.",
        "Code postal : Un code postal compte 5 chiffres",
        "Commune : Plusieurs communes correspondent à « Saint-Denis »",
        "Téléphone (facultatif) : Indiquez un numéro de téléphone",
        "Courriel (facultatif) : Indiquez une adresse électronique valide",
        "Site internet (facultatif) : Indiquez l’adresse complète du site, commençant par https://",
        "L’âge maximum doit être plus grand que l’âge minimum.",
        "Capacité d’accueil, en places (facultatif) : Indiquez un nombre de places",
        "La fin de l’accueil doit être après son début.",
        "Créneau 1, ouverture : Heure invalide : « 25:00 »",
        "Créneau 3, ouverture : Indiquez l’heure d’ouverture",
    ):
        assert message in summary, message
    # each message is next to its field and tied to it
    assert tags(html, "input", id="champ-slots-0-opens")[0]["aria-invalid"] == "true"
    assert (
        "erreur-slots-0-opens"
        in tags(html, "input", id="champ-slots-0-opens")[0]["aria-describedby"]
    )
    assert tags(html, "a", href="#champ-title")
    session.expire_all()
    assert session.get(Offer, offer.id).title == "Multi-accueil Les Lucioles"  # nothing saved
    assert session.query(OfferChange).count() == 0


def test_an_ambiguous_commune_is_settled_by_the_postcode(client, session, offer, logged_manager):
    values = with_values(read_form(edit_page(client, offer)), lieu="Saint-Denis", postcode="97400")
    assert client.post(f"/gestion/offres/{offer.id}", data=values).status_code == 302
    session.expire_all()
    o = session.get(Offer, offer.id)
    assert (o.code_insee, o.departement_code) == ("97411", "974")


def test_inline_check_answers_every_message_out_of_band(client, offer, logged_manager):
    values = with_values(
        read_form(edit_page(client, offer)),
        contact_email="nadia@",
        title="",
        slots__0__closes="7:30",
    )
    response = client.post(
        f"/gestion/offres/{offer.id}/valider", data=values, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<form" not in html and "<input" not in html  # nothing typed is replaced
    assert tags(html, "p", id="erreur-contact_email", **{"hx-swap-oob": "true"})
    assert "adresse électronique valide" in text_of(section(html, "erreur-contact_email"))
    assert "Créneau invalide le lundi" in text_of(section(html, "erreur-slots-0-closes"))
    # what is still missing is not reported while typing
    assert text_of(section(html, "erreur-title").split("</p>")[0]) == ""
    # the week summary follows the typed hours
    assert tags(html, "div", id="resume-horaires", **{"hx-swap-oob": "true"})


def test_someone_elses_save_in_between_is_not_overwritten_silently(
    client, session, offer, logged_manager
):
    values = read_form(edit_page(client, offer))
    client.post(
        f"/gestion/offres/{offer.id}/places",
        data={"csrf_token": values["csrf_token"], "places": "0"},
    )
    response = client.post(
        f"/gestion/offres/{offer.id}", data=with_values(values, title="Nouveau nom")
    )
    assert response.status_code == 422
    assert "modifiée par quelqu’un d’autre" in text_of(response.get_data(as_text=True))
    again = read_form(response.get_data(as_text=True))
    assert again["title"] == "Nouveau nom"
    assert (
        client.post(f"/gestion/offres/{offer.id}", data=again).status_code == 302
    )  # confirmed: saved
    session.expire_all()
    assert session.get(Offer, offer.id).title == "Nouveau nom"


def test_a_course_saves_its_training_fields_and_sessions(
    client, session, structure, logged_manager
):
    from kit.factories import make_offer

    course = make_offer(
        session, title="CAP AEPE", kind=OfferKind.FORMATION, structure=structure, slots=[]
    )
    session.add(
        Training(
            offer=course,
            certification=Certification.CAP_AEPE,
            modality=Modality.PRESENTIEL,
            sessions=[TrainingSession(start=date(2026, 9, 1))],
        )
    )
    session.commit()
    page = edit_page(client, course)
    values = read_form(page)
    response = client.post(
        f"/gestion/offres/{course.id}",
        data=with_values(
            values,
            certification="deap",
            certification_name="DEAP en alternance",
            rncp_code="rncp 35832",
            level="4",
            training_hours="1 540",
            modality="alternance",
            funding=["cpf", "region"],
            vae_possible="y",
            open_to_iae="y",
            organisation_uai="0753602h",
            sessions__0__start="2027-01-04",
            sessions__0__end="2027-12-17",
            sessions__0__places="24",
            sessions__0__application_deadline="2026-11-30",
        ),
    )
    assert response.status_code == 302, text_of(response.get_data(as_text=True))[:1500]
    session.expire_all()
    t = session.get(Offer, course.id).training
    assert (t.certification, t.certification_name, t.rncp_code, t.level, t.hours, t.modality) == (
        Certification.DEAP,
        "DEAP en alternance",
        "RNCP35832",
        4,
        1540,
        Modality.ALTERNANCE,
    )
    assert (t.funding, t.vae_possible, t.open_to_iae, t.organisation_uai) == (
        ["cpf", "region"],
        True,
        True,
        "0753602H",
    )
    assert [(s.start, s.end, s.places, s.application_deadline) for s in t.sessions] == [
        (date(2027, 1, 4), date(2027, 12, 17), 24, date(2026, 11, 30))
    ]


def test_session_rows_are_added_and_removed_with_and_without_javascript(
    client, session, structure, logged_manager
):
    from kit.factories import make_offer

    course = make_offer(
        session, title="CAP AEPE", kind=OfferKind.FORMATION, structure=structure, slots=[]
    )
    session.add(
        Training(offer=course, certification=Certification.CAP_AEPE, modality=Modality.PRESENTIEL)
    )
    session.commit()
    values = with_values(read_form(edit_page(client, course)), ajouter_session="1")
    page = client.post(f"/gestion/offres/{course.id}", data=values).get_data(as_text=True)
    assert tags(page, "input", id="champ-sessions-0-start")
    values = with_values(read_form(page), sessions__0__start="2027-01-04", ajouter_session="1")
    fragment = client.post(
        "/gestion/offres/formulaire/sessions", data=values, headers={"HX-Request": "true"}
    )
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith("<fieldset") and 'id="sessions"' in html
    assert tags(html, "input", id="champ-sessions-0-start", value="2027-01-04")
    assert tags(html, "input", id="champ-sessions-1-start")
    values = with_values(values, ajouter_session=None, retirer_session="0")
    html = client.post(
        "/gestion/offres/formulaire/sessions", data=values, headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert not tags(html, "input", value="2027-01-04")


def test_a_new_course_is_created_with_its_training(client, session, structure, logged_manager):
    values = read_form(client.get("/gestion/offres/nouvelle").get_data(as_text=True))
    response = client.post(
        "/gestion/offres/nouvelle",
        data=with_values(
            values,
            kind="formation",
            title="Titre professionnel Assistant maternel",
            lieu="83000",
            certification="tp_assistant_maternel",
            modality="distance",
            ajouter_session=None,
            age_min_months="",
            age_max_months="",
        ),
    )  # hidden for a course: not asked
    assert response.status_code == 302, text_of(
        section(response.get_data(as_text=True), "resume-erreurs")
    )
    course = session.query(Offer).filter_by(title="Titre professionnel Assistant maternel").one()
    assert course.training.certification is Certification.TP_ASSISTANT_MATERNEL
    assert course.training.modality is Modality.DISTANCE
    assert course.slots == [] and course.status is OfferStatus.DRAFT
    missing = client.post(
        "/gestion/offres/nouvelle",
        data=with_values(
            values, kind="formation", title="Sans diplôme", lieu="Toulon", certification=""
        ),
    )
    assert missing.status_code == 422
    assert "Choisissez le diplôme ou le titre préparé." in text_of(
        section(missing.get_data(as_text=True), "resume-erreurs")
    )


def test_a_structure_may_stop_online_requests_from_parents(client, session, offer, logged_manager):
    """« Recevoir les demandes de place en ligne »: on by default; unticked, the offer page
    says whom to ask instead of « Demander une place », and the history records it."""
    page = edit_page(client, offer)
    [box] = [a for a in tags(page, "input") if a.get("name") == "online_requests"]
    assert "checked" in box
    values = with_values(read_form(page), online_requests=None)
    response = client.post(f"/gestion/offres/{offer.id}", data=values)
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Offer, offer.id).online_requests is False
    history = text_of(client.get(f"/gestion/offres/{offer.id}/historique").get_data(as_text=True))
    assert "Demandes de place en ligne" in history
