"""What a parent sees when typing a commune: autocomplete (lookup_places) and form submission
(resolve_place)."""

from __future__ import annotations

import pytest

from app.geo import (
    Commune,
    PlaceMatch,
    all_communes,
    by_departement,
    get_commune,
    get_departement,
    lookup_places,
    normalize,
    resolve_place,
)

NBSP = "\u202f"  # narrow, as app.core.french.typography


def labels(query: str, limit: int = 10) -> list[str]:
    return [match.label for match in lookup_places(query, limit)]


def names(query: str, limit: int = 10) -> list[str]:
    return [match.commune.name for match in lookup_places(query, limit)]


# --- reference data ------------------------------------------------------------------------


def test_reference_has_every_commune_and_arrondissement():
    communes = all_communes()
    assert len(communes) == 35014
    assert sum(c.kind == "arrondissement" for c in communes) == 45
    assert len({c.code_insee for c in communes}) == len(communes)


def test_commune_fields_label_and_departement():
    toulon = get_commune("83137")
    assert toulon is not None
    assert toulon.name == "Toulon"
    assert toulon.kind == "commune"
    assert toulon.label == "Toulon (83 – Var)"
    assert toulon.main_postcode == "83000"
    assert toulon.postcodes == ("83000", "83100", "83200")
    assert toulon.departement.name == "Var"
    assert toulon.departement.region_name == "Provence-Alpes-Côte d'Azur"
    assert toulon.population > 150_000

    paris_15 = get_commune("75115")
    assert paris_15.kind == "arrondissement"
    assert paris_15.label == "Paris 15e Arrondissement (75 – Paris)"


def test_corsica_and_missing_values():
    assert get_commune("2A004").label == "Ajaccio (2A – Corse-du-Sud)"
    assert get_commune("2a004").name == "Ajaccio"
    assert get_departement("2B").name == "Haute-Corse"
    # TAAF districts have neither postcode nor population.
    kerguelen = get_commune("98411")
    assert kerguelen.postcodes == ()
    assert kerguelen.main_postcode == ""
    assert kerguelen.population == 0
    assert get_commune("99999") is None
    assert get_commune("") is None
    assert get_departement("00") is None


# --- normalize -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("  ST-ÉTIENNE ", "saint etienne"),
        ("Ste Colombe", "sainte colombe"),
        ("Œuilly", "oeuilly"),
        ("Lætitia", "laetitia"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Paris 15e", "paris 15"),
        ("Paris 1er", "paris 1"),
        ("Paris 1re", "paris 1"),
        ("Lyon 3ème", "lyon 3"),
        ("Lyon 2eme", "lyon 2"),
        ("Marseille 3ieme", "marseille 3"),
        ("Paris 15e Arrondissement", "paris 15 arrondissement"),
        ("stenay", "stenay"),
        ("", ""),
        ("—", ""),
    ],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


# --- lookup_places: names --------------------------------------------------------------------


def test_evry_without_accent_finds_evry_courcouronnes():
    found = labels("evry")
    assert "Évry-Courcouronnes (91 – Essonne)" in found
    # The exact name Évry (Yonne) comes first, as an exact full-name match.
    assert found[0] == "Évry (89 – Yonne)"


@pytest.mark.parametrize("query", ["st etienne", "Saint-Étienne", "SAINT-ÉTIENNE", "saint etienne"])
def test_saint_etienne_any_spelling(query):
    assert labels(query)[0] == "Saint-Étienne (42 – Loire)"


def test_word_prefixes_in_any_order():
    assert names("etienne saint", 50)[0] == "Saint-Étienne"
    assert "Saint-Étienne-du-Rouvray" in names("st et du rouv")


def test_sainte_colombe_homonyms_distinguished_by_departement_and_ranked_by_population():
    matches = lookup_places("sainte colombe", 20)
    exact = [m for m in matches if m.commune.name == "Sainte-Colombe"]
    assert len(exact) == 12
    assert matches[:12] == exact  # exact full-name matches first
    found = [m.label for m in exact]
    assert len(set(found)) == 12
    assert "Sainte-Colombe (89 – Yonne)" in found
    assert "Sainte-Colombe (05 – Hautes-Alpes)" in found
    populations = [m.commune.population for m in exact]
    assert populations == sorted(populations, reverse=True)
    # then the longer names starting with « Sainte-Colombe »
    assert matches[12].commune.name.startswith("Sainte-Colombe-")


def test_number_after_a_name_narrows_to_the_departement():
    assert labels("sainte colombe 89")[0] == "Sainte-Colombe (89 – Yonne)"
    assert labels("toulon 83") == ["Toulon (83 – Var)"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("paris 15", "Paris 15e Arrondissement (75 – Paris)"),
        ("Paris 15e", "Paris 15e Arrondissement (75 – Paris)"),
        ("paris 1er", "Paris 1er Arrondissement (75 – Paris)"),
        ("Marseille 8e", "Marseille 8e Arrondissement (13 – Bouches-du-Rhône)"),
        ("lyon 3eme", "Lyon 3e Arrondissement (69 – Rhône)"),
        ("Lyon 3ème", "Lyon 3e Arrondissement (69 – Rhône)"),
    ],
)
def test_arrondissements(query, expected):
    assert labels(query)[0] == expected


def test_paris_1_lists_the_1st_arrondissement_before_the_10th_to_19th():
    assert labels("paris 1")[0] == "Paris 1er Arrondissement (75 – Paris)"


def test_city_name_alone_gives_the_city_first_then_its_arrondissements():
    found = labels("Paris")
    assert found[0] == "Paris (75 – Paris)"
    assert all("Arrondissement" in label for label in found[1:])


# --- lookup_places: postcodes and codes ------------------------------------------------------


def test_postcode_83000_is_toulon():
    assert labels("83000")[0] == "Toulon (83 – Var)"


@pytest.mark.parametrize("prefix", ["830", "831", "8313"])
def test_partial_postcode(prefix):
    matches = lookup_places(prefix, 20)
    assert matches
    assert all(any(p.startswith(prefix) for p in m.commune.postcodes) for m in matches)
    populations = [m.commune.population for m in matches]
    assert populations == sorted(populations, reverse=True)
    if prefix == "830":
        assert matches[0].commune.name == "Toulon"


def test_postcode_of_an_arrondissement_ranks_it_before_the_city():
    assert labels("75015") == [
        "Paris 15e Arrondissement (75 – Paris)",
        "Paris (75 – Paris)",
    ]
    assert labels("75001")[0] == "Paris 1er Arrondissement (75 – Paris)"
    assert labels("75116")[0] == "Paris 16e Arrondissement (75 – Paris)"
    assert labels("13008")[0] == "Marseille 8e Arrondissement (13 – Bouches-du-Rhône)"


def test_shared_postcode_lists_communes_by_population():
    matches = lookup_places("51300", 50)
    assert len(matches) > 40
    assert matches[0].commune.name == "Vitry-le-François"
    assert all("51300" in m.commune.postcodes for m in matches)


@pytest.mark.parametrize(
    ("code", "name"),
    [("2A004", "Ajaccio"), ("2a004", "Ajaccio"), ("2B033", "Bastia"), ("83137", "Toulon")],
)
def test_insee_code(code, name):
    assert names(code) == [name]


def test_five_digits_that_are_a_postcode_are_not_read_as_an_insee_code():
    # 51300 is the INSEE code of Isle-sur-Marne, and the postcode of Vitry-le-François & co.
    assert "Isle-sur-Marne" not in names("51300", 100)
    assert get_commune("51300").name == "Isle-sur-Marne"


# --- lookup_places: former communes ----------------------------------------------------------


def test_former_commune_name_finds_the_current_commune():
    match = lookup_places("Saint-Bois")[0]
    assert match.commune.code_insee == "01015"
    assert match.alias == "Saint-Bois"
    assert match.label == "Saint-Bois → Arboys en Bugey (01 – Ain)"
    assert lookup_places("saint bois")[0] == match


def test_former_name_matched_by_prefix():
    found = {(m.alias, m.commune.name) for m in lookup_places("Bellegarde-sur-Val")}
    assert ("Bellegarde-sur-Valserine", "Valserhône") in found


def test_alias_is_only_set_for_matches_through_a_former_name():
    matches = lookup_places("toulon")
    assert [m.alias for m in matches if m.commune.name.startswith("Toulon")] == [None] * 4
    assert PlaceMatch(get_commune("51611"), "Toulon-la-Montagne") in matches
    assert "Toulon-la-Montagne → Vert-Toulon (51 – Marne)" in [m.label for m in matches]


# --- lookup_places: labels and junk ----------------------------------------------------------


def test_autocomplete_label_finds_exactly_its_commune():
    assert lookup_places("Toulon (83 – Var)") == [PlaceMatch(get_commune("83137"))]
    assert lookup_places("Saint-Bois → Arboys en Bugey (01 – Ain)") == [
        PlaceMatch(get_commune("01015"), "Saint-Bois")
    ]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "\t\n",
        "x" * 101,
        "paris " * 20,
        "'; DROP TABLE communes;--",
        "<script>alert(1)</script>",
        "\x00\x01\x02",
        "\ud800",
        "🏡🍼",
        "()",
        "→",
        "( – )",
        "a → b (01 – Ain)",
        "0",
        "123456789",
        "zzzzzzz",
        "a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a",
    ],
)
def test_junk_gives_nothing_and_never_raises(query):
    assert lookup_places(query) == []


@pytest.mark.parametrize(
    "query",
    [
        "s",
        "e",
        "12",
        "2a",
        "%' OR 1=1 --",
        "Ⅻ",
        "ﬁrminy",
        "Ａｊａｃｃｉｏ",
        "de de de de",
        "saint saint",
        "ß",
        "İ",
    ],
)
def test_odd_input_never_raises(query):
    matches = lookup_places(query)
    assert isinstance(matches, list)
    assert all(isinstance(m.commune, Commune) for m in matches)
    assert len(matches) <= 10


def test_fullwidth_and_ligature_letters_are_folded():
    assert names("Ａｊａｃｃｉｏ")[0] == "Ajaccio"
    assert names("ﬁrminy")[0] == "Firminy"


def test_non_string_and_bad_limit():
    assert lookup_places(None) == []  # type: ignore[arg-type]
    assert lookup_places(83000) == []  # type: ignore[arg-type]
    assert lookup_places("toulon", 0) == []
    assert lookup_places("toulon", -3) == []
    assert len(lookup_places("sa", 3)) == 3


# --- resolve_place ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Toulon", "83137"),
        ("toulon", "83137"),
        ("83000", "83137"),
        ("75015", "75115"),
        ("75116", "75116"),
        ("Paris", "75056"),
        ("paris 15", "75115"),
        ("2A004", "2A004"),
        ("83137", "83137"),
        ("Cherbourg", "50129"),
        ("sainte colombe 89", "89339"),
    ],
)
def test_resolve_unambiguous(text, code):
    resolution = resolve_place(text)
    assert resolution.commune == get_commune(code)
    assert resolution.message is None
    assert resolution.commune not in [s.commune for s in resolution.suggestions]


def test_resolve_keeps_other_matches_as_suggestions():
    resolution = resolve_place("75015")
    assert resolution.commune.name == "Paris 15e Arrondissement"
    assert [s.label for s in resolution.suggestions] == ["Paris (75 – Paris)"]


def test_resolve_former_name():
    resolution = resolve_place("Saint-Bois")
    assert resolution.commune.name == "Arboys en Bugey"
    assert resolution.message is None


def test_resolve_ambiguous_homonyms():
    """Issue 14: every commune of the exact name is offered (12 Sainte-Colombe in the INSEE
    reference), never 10 of them silently; the others matching are counted."""
    resolution = resolve_place("Sainte-Colombe")
    assert resolution.commune is None
    assert len(resolution.suggestions) == 12
    assert all(s.commune.name == "Sainte-Colombe" for s in resolution.suggestions)
    assert "17" in {s.commune.departement_code for s in resolution.suggestions}
    assert resolution.message == (
        f"Plusieurs communes correspondent à «{NBSP}Sainte-Colombe{NBSP}»{NBSP}: précisez laquelle."
    )
    assert resolution.more > 0 and not resolution.more_capped
    assert resolution.narrow_hint == (
        f"{resolution.more} autres communes correspondent aussi{NBSP}: ajoutez le numéro du "
        f"département ou le code postal pour la trouver (par exemple "
        f"«{NBSP}Sainte-Colombe 69{NBSP}»)."
    )


def test_resolve_a_shared_postcode_offers_all_its_communes_by_departement():
    resolution = resolve_place("17210")
    assert resolution.commune is None
    assert len(resolution.suggestions) == 14 and resolution.more == 0
    assert all("17210" in s.commune.postcodes for s in resolution.suggestions)
    assert "Sainte-Colombe" in {s.commune.name for s in resolution.suggestions}
    groups = by_departement(resolution.suggestions)
    assert [label for label, _ in groups] == ["17 – Charente-Maritime"]
    assert resolution.narrow_hint == ""


def test_resolve_counts_the_matches_it_cannot_list():
    resolution = resolve_place("Saint")
    assert len(resolution.suggestions) == 10 and resolution.more_capped
    assert resolution.narrow_hint.startswith(f"Au moins {resolution.more} autres communes")


def test_choices_are_grouped_by_departement_in_code_order():
    groups = by_departement(resolve_place("Sainte-Colombe").suggestions)
    assert [label[:2] for label, _ in groups] == sorted(label[:2] for label, _ in groups)
    assert ("17 – Charente-Maritime", ["Sainte-Colombe"]) in [
        (label, [m.commune.name for m in found]) for label, found in groups
    ]


@pytest.mark.parametrize("text", ["evry", "Aix", "Saint-Denis", "51300", "Montpel"])
def test_resolve_does_not_guess_between_communes(text):
    # « Aix » is a village in Corrèze, but Aix-en-Provence is far likelier: ask.
    resolution = resolve_place(text)
    assert resolution.commune is None
    assert len(resolution.suggestions) >= 2
    assert resolution.message.startswith("Plusieurs communes correspondent à")


def test_resolve_ambiguous_suggestions_start_with_the_best_match():
    resolution = resolve_place("evry")
    assert [s.commune.name for s in resolution.suggestions[:2]] == [
        "Évry",
        "Évry-Courcouronnes",
    ]


def test_label_round_trip_for_every_commune():
    for commune in all_communes():
        resolution = resolve_place(commune.label)
        assert resolution.commune == commune, commune.label
        assert resolution.message is None


def test_label_round_trip_with_former_name_and_parentheses():
    assert resolve_place("Saint-Bois → Arboys en Bugey (01 – Ain)").commune.code_insee == "01015"
    bors = get_commune("16053")
    assert bors.label == "Bors (Canton de Charente-Sud) (16 – Charente)"
    assert resolve_place(bors.label).commune == bors
    # typed by hand, with a hyphen instead of the en dash and odd spacing
    assert resolve_place("toulon ( 83 - Var )").commune.code_insee == "83137"


def test_label_of_a_match_resolves_to_its_commune():
    for match in lookup_places("saint bois"):
        assert resolve_place(match.label).commune == match.commune


def test_code_insee_from_the_autocomplete_wins():
    resolution = resolve_place("Sainte-Colombe", code_insee="89339")
    assert resolution.commune.label == "Sainte-Colombe (89 – Yonne)"
    assert resolution.message is None
    # an invalid or unknown code is ignored
    assert resolve_place("Toulon", code_insee="nope").commune.name == "Toulon"
    assert resolve_place("Toulon", code_insee="99999").commune.name == "Toulon"


def test_unknown_commune_message_and_close_spellings():
    resolution = resolve_place("Marseile")
    assert resolution.commune is None
    assert resolution.message == (
        f"Nous ne trouvons pas la commune «{NBSP}Marseile{NBSP}». "
        "Vérifiez l’orthographe ou saisissez un code postal."
    )
    assert resolution.suggestions[0].commune.name == "Marseille"


def test_typo_that_prefixes_another_commune_is_not_silently_accepted():
    # « Toulouze » only prefixes Toulouzette (Landes): offer it, and Toulouse.
    resolution = resolve_place("Toulouze")
    assert resolution.commune is None
    assert resolution.message.startswith("Nous ne trouvons pas la commune")
    suggested = [s.commune.name for s in resolution.suggestions]
    assert "Toulouzette" in suggested
    assert "Toulouse" in suggested


def test_unknown_without_any_suggestion():
    resolution = resolve_place("xyzzy")
    assert resolution.commune is None
    assert resolution.suggestions == []
    assert "«\u202fxyzzy\u202f»" in resolution.message


def test_unknown_postcode():
    resolution = resolve_place("99999")
    assert resolution.commune is None
    assert resolution.message.startswith("Nous ne trouvons pas la commune")


@pytest.mark.parametrize("text", ["", "   ", "\x00"])
def test_resolve_empty(text):
    resolution = resolve_place(text)
    assert resolution.commune is None
    assert resolution.suggestions == []
    assert resolution.message


@pytest.mark.parametrize(
    "text", ["\ud800", "'; DROP TABLE communes;--", "x" * 500, "<b>Paris</b>", "🏡"]
)
def test_resolve_junk_never_raises_and_message_is_printable(text):
    resolution = resolve_place(text)
    assert resolution.commune is None or isinstance(resolution.commune, Commune)
    if resolution.message:
        resolution.message.encode("utf-8")  # no lone surrogate
        assert len(resolution.message) < 200
