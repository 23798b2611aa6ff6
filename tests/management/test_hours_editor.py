"""The weekly hours editor: rows added and removed with and without JavaScript (everything typed
kept), night slots, closures, overlaps, OpenStreetMap import, the week summary."""

from __future__ import annotations

from datetime import date, time

from kit.forms import read_form, with_values
from kit.pages import section, tags, text_of

from app.directory.models import Offer, OfferChange

HTMX = {"HX-Request": "true"}


def form_of(client, offer):
    return read_form(client.get(f"/gestion/offres/{offer.id}").get_data(as_text=True))


def test_without_javascript_adding_a_slot_reloads_the_form_with_everything_kept(
    client, offer, logged_manager
):
    values = with_values(
        form_of(client, offer),
        title="Titre pas encore enregistré",
        slots__4__closes="19:15",
        ajouter_creneau="1",
    )
    response = client.post(f"/gestion/offres/{offer.id}", data=values)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    again = read_form(html)
    assert again["title"] == "Titre pas encore enregistré"
    assert again["slots-4-closes"] == "19:15"
    # a sixth row, copying Friday's times on Saturday, focused
    assert (again["slots-5-weekday"], again["slots-5-opens"], again["slots-5-closes"]) == (
        "5",
        "7:30",
        "19:15",
    )
    assert "autofocus" in tags(html, "select", id="champ-slots-5-weekday")[0]
    assert "Créneau 6" in text_of(html)


def test_without_javascript_removing_a_slot_keeps_the_others(
    client, session, offer, logged_manager
):
    values = with_values(form_of(client, offer), slots__0__opens="6:00", retirer_creneau="1")
    html = client.post(f"/gestion/offres/{offer.id}", data=values).get_data(as_text=True)
    again = read_form(html)
    days = [again[f"slots-{i}-weekday"] for i in range(4)]
    assert days == ["0", "2", "3", "4"] and "slots-4-weekday" not in again  # Tuesday is gone
    assert again["slots-0-opens"] == "6:00"
    # nothing is saved until « Enregistrer »
    session.expire_all()
    assert len(session.get(Offer, offer.id).slots) == 5
    response = client.post(f"/gestion/offres/{offer.id}", data=with_values(again, enregistrer="1"))
    assert response.status_code == 302
    session.expire_all()
    assert [s.weekday for s in session.get(Offer, offer.id).slots] == [0, 2, 3, 4]


def test_with_htmx_only_the_hours_fieldset_comes_back(client, offer, logged_manager):
    page = client.get(f"/gestion/offres/{offer.id}").get_data(as_text=True)
    button = tags(page, "button", name_="ajouter_creneau")[0]
    assert button["hx-target"] == "#horaires" and button["hx-include"] == "closest form"
    values = with_values(read_form(page), slots__2__opens="8:00", ajouter_creneau="1")
    response = client.post(button["hx-post"], data=values, headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<fieldset class="group si-garde hours-editor" id="horaires"')
    assert "<form" not in html and 'name="title"' not in html
    assert tags(html, "input", id="champ-slots-2-opens", value="8:00")
    assert tags(html, "select", id="champ-slots-5-weekday")
    # removing with htmx
    values = with_values(values, ajouter_creneau=None, retirer_creneau="0")
    html = client.post(button["hx-post"], data=values, headers=HTMX).get_data(as_text=True)
    assert not tags(html, "select", id="champ-slots-4-weekday")
    assert tags(html, "input", id="champ-slots-1-opens", value="8:00")  # Wednesday moved up


def test_the_fragment_equals_the_same_region_of_the_full_page(client, offer, logged_manager):
    values = with_values(form_of(client, offer), ajouter_creneau="1")
    full = client.post(f"/gestion/offres/{offer.id}", data=values).get_data(as_text=True)
    fragment = client.post(
        "/gestion/offres/formulaire/horaires", data=values, headers=HTMX
    ).get_data(as_text=True)
    region = section(full, "horaires")
    region = (
        region[: region.index('</fieldset>\n\n  <fieldset class="group si-formation"')]
        + "</fieldset>"
    )
    assert " ".join(fragment.split()) == " ".join(region.split())


def test_a_night_slot_crossing_midnight_is_saved_and_shown(client, session, offer, logged_manager):
    values = with_values(form_of(client, offer), ajouter_creneau="1")
    values = read_form(
        client.post(f"/gestion/offres/{offer.id}", data=values).get_data(as_text=True)
    )
    values = with_values(
        values, slots__5__weekday="4", slots__5__opens="21:00", slots__5__closes="6:00"
    )
    check = client.post(f"/gestion/offres/{offer.id}/valider", data=values, headers=HTMX).get_data(
        as_text=True
    )
    summary = text_of(section(check, "resume-horaires"))
    assert "Vendredi 7 h 30 – 18 h 30, 21 h 00 – 6 h 00 (lendemain)" in summary
    assert "la nuit" in summary and "le week-end" in summary
    assert client.post(f"/gestion/offres/{offer.id}", data=values).status_code == 302
    session.expire_all()
    assert (4, time(21, 0), time(6, 0)) in [
        (s.weekday, s.opens, s.closes) for s in session.get(Offer, offer.id).slots
    ]
    public = text_of(client.get(f"/offre/{offer.id}").get_data(as_text=True))
    assert "21 h 00 – 6 h 00 (lendemain)" in public


def test_open_all_day_and_the_amplitude(client, offer, logged_manager):
    values = with_values(form_of(client, offer), slots__0__opens="0:00", slots__0__closes="24:00")
    check = client.post(f"/gestion/offres/{offer.id}/valider", data=values, headers=HTMX).get_data(
        as_text=True
    )
    summary = text_of(section(check, "resume-horaires"))
    assert "Lundi 0 h 00 – minuit" in summary
    assert "Amplitude la plus longue sur une journée : 24 h 00" in summary


def test_overlapping_slots_and_equal_times_are_refused(client, offer, logged_manager):
    values = with_values(
        form_of(client, offer),
        slots__1__weekday="0",
        slots__1__opens="12:00",
        slots__1__closes="20:00",
        slots__2__opens="9:00",
        slots__2__closes="9h",
    )
    response = client.post(f"/gestion/offres/{offer.id}", data=values)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Ce créneau chevauche le créneau 1 (lundi 7 h 30 – 18 h 30)." in text_of(
        section(html, "erreur-slots-1-opens")
    )
    assert "l’heure de fermeture est égale à l’heure d’ouverture" in text_of(
        section(html, "erreur-slots-2-closes")
    )


def test_adjacent_and_empty_rows_are_fine(client, session, offer, logged_manager):
    values = with_values(form_of(client, offer), ajouter_creneau="1")
    values = read_form(
        client.post(f"/gestion/offres/{offer.id}", data=values).get_data(as_text=True)
    )
    values = with_values(values, ajouter_creneau="1")
    values = read_form(
        client.post(f"/gestion/offres/{offer.id}", data=values).get_data(as_text=True)
    )
    # Monday 18:30–24:00 touches Monday 7:30–18:30 and Tuesday 0:00; the last row stays empty
    values = with_values(
        values,
        slots__5__weekday="0",
        slots__5__opens="18:30",
        slots__5__closes="24:00",
        slots__6__weekday="",
        slots__6__opens="",
        slots__6__closes="",
    )
    assert client.post(f"/gestion/offres/{offer.id}", data=values).status_code == 302
    session.expire_all()
    assert len(session.get(Offer, offer.id).slots) == 6


def test_closures_are_added_saved_and_removed(client, session, offer, logged_manager):
    values = with_values(form_of(client, offer), ajouter_fermeture="1")
    html = client.post(f"/gestion/offres/{offer.id}", data=values).get_data(as_text=True)
    assert "autofocus" in tags(html, "input", id="champ-closures-0-start")[0]
    values = with_values(
        read_form(html),
        closures__0__start="2026-12-24",
        closures__0__end="2027-01-02",
        closures__0__reason="Vacances de Noël",
    )
    assert client.post(f"/gestion/offres/{offer.id}", data=values).status_code == 302
    session.expire_all()
    o = session.get(Offer, offer.id)
    assert [(c.start, c.end, c.reason) for c in o.closures] == [
        (date(2026, 12, 24), date(2027, 1, 2), "Vacances de Noël")
    ]
    change = session.query(OfferChange).filter_by(offer_id=offer.id).one()
    assert change.action == "hours"
    assert change.changes["closures"] == ["", "du 24/12/2026 au 02/01/2027 (Vacances de Noël)"]
    public = text_of(client.get(f"/offre/{offer.id}").get_data(as_text=True))
    assert "Du 24 décembre 2026 au 2 janvier 2027 : Vacances de Noël" in public

    values = with_values(form_of(client, offer), retirer_fermeture="0")
    values = read_form(
        client.post(f"/gestion/offres/{offer.id}", data=values).get_data(as_text=True)
    )
    assert "closures-0-start" not in values
    assert client.post(f"/gestion/offres/{offer.id}", data=values).status_code == 302
    session.expire_all()
    assert session.get(Offer, offer.id).closures == []


def test_a_closure_ending_before_it_starts_is_refused(client, offer, logged_manager):
    values = with_values(form_of(client, offer), ajouter_fermeture="1")
    values = read_form(
        client.post(f"/gestion/offres/{offer.id}", data=values).get_data(as_text=True)
    )
    values = with_values(values, closures__0__start="2026-12-24", closures__0__end="2026-12-20")
    response = client.post(f"/gestion/offres/{offer.id}", data=values)
    assert response.status_code == 422
    assert "Fermeture 1, au : Le dernier jour doit être le premier jour ou après." in text_of(
        section(response.get_data(as_text=True), "resume-erreurs")
    )


def test_hours_typed_in_openstreetmap_format_replace_the_rows(client, offer, logged_manager):
    values = with_values(
        form_of(client, offer), osm="Mo-Fr 05:30-20:00; Sa 08:00-12:00", importer_osm="1"
    )
    html = client.post("/gestion/offres/formulaire/horaires", data=values, headers=HTMX).get_data(
        as_text=True
    )
    again = read_form(f'<form id="f">{html}</form>', "f")
    assert [again[f"slots-{i}-weekday"] for i in range(6)] == ["0", "1", "2", "3", "4", "5"]
    assert (again["slots-5-opens"], again["slots-5-closes"]) == ("8:00", "12:00")
    bad = with_values(values, osm="Lundi 8h-12h")
    html = client.post("/gestion/offres/formulaire/horaires", data=bad, headers=HTMX).get_data(
        as_text=True
    )
    assert "Horaires au format OpenStreetMap non pris en charge" in text_of(
        section(html, "erreur-osm")
    )


def test_odd_buttons_and_rows_never_break_the_page(client, offer, logged_manager):
    values = form_of(client, offer)
    for extra in (
        {"retirer_creneau": "99"},
        {"retirer_creneau": "abc"},
        {"retirer_fermeture": "-1"},
        {"slots-999999-opens": "7:00"},
        {"slots-0-weekday": "9"},
        {"kind": "fusée"},
        {"structure": "99999999999999999999"},
        {"age_min_months": "9" * 50},
    ):
        data = with_values(values, **{k.replace("-", "__"): v for k, v in extra.items()})
        response = client.post(f"/gestion/offres/{offer.id}", data=data)
        assert response.status_code in (200, 302, 422), extra


def test_junk_posted_anywhere_gets_a_french_answer_never_a_500(client, offer, logged_manager):
    from kit.forms import csrf_token

    token = csrf_token(client, "/gestion")
    junk = [
        {},
        {"slots-0-opens": "\x00" * 50},
        {"lieu": "é" * 5000},
        {
            "kind": "formation",
            "level": "99",
            "training_hours": "-1",
            "funding": ["cpf", "???"],
            "sessions-0-start": "31/02/2026",
        },
        {"closures-0-start": "2026-13-45", "closures-0-end": "x"},
        {"version": "n’importe quoi"},
        {"structure": "-1", "postcode": "٨٣٠٠٠", "age_min_months": "١٢"},
    ]
    for data in junk:
        for url in (
            f"/gestion/offres/{offer.id}",
            "/gestion/offres/nouvelle",
            f"/gestion/offres/{offer.id}/valider",
            "/gestion/offres/nouvelle/valider",
            "/gestion/offres/formulaire/horaires",
            "/gestion/offres/formulaire/sessions",
            f"/gestion/offres/{offer.id}/places",
        ):
            response = client.post(url, data={"csrf_token": token, **data})
            assert response.status_code in (200, 302, 422), (url, data, response.status_code)
    assert (
        client.post("/gestion/offres/formulaire/autre", data={"csrf_token": token}).status_code
        == 404
    )
    assert (
        client.post(f"/gestion/offres/{offer.id}/supprimer", data={"csrf_token": token}).status_code
        == 404
    )
