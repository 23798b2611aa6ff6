"""Real files as they are published (« Données réelles » in the README): data·inclusion's
monenfant.fr records (AVIP in the name and description, communes served, OSM hours written by
data·inclusion), a Caf list of EAJE (Latin-1, « ; », no identifier), INSEE's BPE extract and a
département's file read through a column mapping; several sources matched to one offer, a
manager's edit surviving a re-import, and an AVIP flag filed for the coordinators."""

from __future__ import annotations

from datetime import time
from pathlib import Path

from sqlalchemy import func, select

from app.api.imports import _kind_from_words
from app.api.matching import eligible_codes, match_key, says_avip
from app.directory.history import record_change
from app.directory.models import Offer, OfferKind, OfferSource
from app.directory.rules import resident_eligible as eligible
from app.moderation.models import ApplicationStatus, AvipApplication

DATA = Path(__file__).parent / "data"
MAPPINGS = Path(__file__).resolve().parents[2] / "docs" / "mappings"


def run(app, *args):
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def offer(session, **where):
    session.expire_all()
    return session.scalars(select(Offer).filter_by(**where)).one()


def count(session, model=Offer):
    return session.scalar(select(func.count(model.id)))


# ---- rules --------------------------------------------------------------------------------------


def test_kind_words_are_whole_words():
    assert _kind_from_words("Crèche Les P’tites Mamans") is OfferKind.CRECHE_COLLECTIVE
    assert _kind_from_words("MAM Les Doudous") is OfferKind.MAM
    assert _kind_from_words("Maison d’assistantes maternelles") is OfferKind.MAM
    assert _kind_from_words("Microcrèche Les Galets") is OfferKind.MICRO_CRECHE
    assert _kind_from_words("RELAIS PETITE ENFANCE TOULON") is OfferKind.RELAIS_PETITE_ENFANCE
    assert _kind_from_words("Crèche Domicilia") is OfferKind.CRECHE_COLLECTIVE


def test_avip_is_read_from_the_network_or_from_monenfant_wording():
    # data·inclusion's monenfant model: « Garde et accueil des enfants, À Vocation d’Insertion
    # Professionnelle », networks ['caf'].
    name = "Garde et accueil des enfants,  À Vocation d’Insertion Professionnelle"
    assert says_avip([name], ["caf"])
    assert says_avip(["## A VOCATION D'INSERTION PROFESSIONNELLE\n\nLes crèches…"])
    assert says_avip(["Crèche"], ["creches-avip"])
    assert says_avip(["Crèche"], [], "AVIP")
    assert not says_avip(["Garde et accueil des enfants"], ["caf"])


def test_eligibility_codes():
    assert eligible_codes(["83137", "83126"]) == ["83126", "83137"]
    assert eligible_codes(["france"]) is None and eligible_codes(None) is None
    assert eligible_codes("2A004,2B033") == ["2A004", "2B033"]
    assert eligible(["83137"], "83137", "83") and not eligible(["83137"], "83126", "83")
    assert eligible(["83"], "83126", "83") and eligible(None, "75056", "75")


def test_match_key_ignores_case_accents_and_abbreviations():
    assert match_key("Crèche Les P’tites Mamans", "12 av. Foch", "83137") == match_key(
        "CRECHE LES P TITES MAMANS", "12 AVENUE FOCH", "83137"
    )


# ---- data·inclusion / monenfant -----------------------------------------------------------------


def test_a_monenfant_record_files_its_avip_flag_zone_and_hours(app, session):
    result = run(app, "import", "data-inclusion", str(DATA / "monenfant"))
    out = result.output
    assert result.exit_code == 0, out
    assert "Créées : 2" in out and "Rejetées : 0" in out
    assert "Labels AVIP à confirmer par la coordination : 1" in out
    assert "« Sa open » ; « Su open » ; « Aug closed » ; « Dec 25-Jan 1 closed »" in out
    mamans = offer(session, import_id="monenfant--8a1f2")
    assert mamans.title == "Crèche Les P’tites Mamans"
    assert mamans.kind is OfferKind.CRECHE_COLLECTIVE  # « Mamans » is no MAM
    assert mamans.avip is False  # the label waits for the coordinators
    application = session.scalars(select(AvipApplication)).one()
    assert application.offer_id == mamans.id and application.status is ApplicationStatus.SUBMITTED
    assert application.departement_code == "83" and "data·inclusion (monenfant)" in (
        application.partnership
    )
    assert mamans.eligible_communes == ["83126", "83137"]
    assert [(s.weekday, s.opens, s.closes) for s in mamans.slots] == [
        (d, time(7, 30), time(18, 30)) for d in range(5)
    ]
    assert mamans.provenance["contact_phone"] == {
        "source": "data·inclusion (monenfant)",
        "date": "2026-11-03",
    }
    lutins = offer(session, import_id="monenfant--9c3d4")
    assert lutins.kind is OfferKind.MICRO_CRECHE and lutins.eligible_communes is None

    again = run(app, "import", "data-inclusion", str(DATA / "monenfant")).output
    assert "Inchangées : 2" in again and "Labels AVIP" not in again
    assert session.scalar(select(func.count(AvipApplication.id))) == 1


# ---- Caf list, BPE, mapped CSV -----------------------------------------------------------------


def test_the_caf_list_in_latin1_without_identifier(app, session):
    result = run(app, "import", "eaje", str(DATA / "real" / "caf-eaje.csv"))
    out = result.output
    assert result.exit_code == 0, out
    assert "Créées : 2" in out and "Rejetées : 2" in out
    assert "ligne 4 : ni code INSEE ni commune." in out
    assert "ligne 5 : nombre de places invalide : dix." in out
    manege = offer(session, title="Halte-garderie Le Manège")
    assert manege.kind is OfferKind.HALTE_GARDERIE and manege.capacity == 18
    assert manege.code_insee == "83137" and manege.address == "3 place de la Liberté"
    again = run(app, "import", "eaje", str(DATA / "real" / "caf-eaje.csv")).output
    assert "Inchangées : 2" in again and "Créées : 0" in again


def test_the_bpe_extract_keeps_early_childhood_lines_and_relais(app, session):
    result = run(app, "import", "bpe", str(DATA / "real" / "bpe-extrait.csv"))
    out = result.output
    assert result.exit_code == 0, out
    assert "Créées : 3" in out and "Ignorées (hors petite enfance) : 1" in out
    assert "ligne 6 : code INSEE inconnu : 83999." in out
    relais = offer(session, title="RELAIS PETITE ENFANCE TOULON CENTRE")
    assert relais.kind is OfferKind.RELAIS_PETITE_ENFANCE
    assert relais.address == "2 RUE REVEL" and relais.code_insee == "83137"
    ouest = offer(session, title="RELAIS PETITE ENFANCE OUEST VAR")
    assert (ouest.latitude, ouest.longitude) == (43.0892, 5.871)  # the commune's centre
    creche = offer(session, title="CRECHE LES P TITES MAMANS")
    assert creche.kind is OfferKind.CRECHE_COLLECTIVE and creche.siret == "21830137800101"


def test_a_departement_file_through_its_mapping(app, session):
    result = run(
        app,
        "import",
        "csv",
        str(DATA / "real" / "cd92-creches.csv"),
        "--correspondance",
        str(MAPPINGS / "hauts-de-seine.toml"),
    )
    out = result.output
    assert result.exit_code == 0, out
    assert "Créées : 3" in out and "ligne 5 : code INSEE inconnu : 99999." in out
    jaures = offer(session, title="Crèche Jean Jaurès")
    assert jaures.import_source == "csv:cd92" and jaures.capacity == 60
    assert (jaures.latitude, jaures.longitude) == (48.8351, 2.241)
    assert jaures.age_min_months == 2 and jaures.structure.name == "Ville de Boulogne-Billancourt"
    assert offer(session, title="Les Petits Loups").kind is OfferKind.CRECHE_FAMILIALE
    assert offer(session, title="Jardin d'éveil Pablo").age_min_months == 24


def test_a_mapping_naming_a_missing_column_applies_nothing(app, session, tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text('[colonnes]\nnom = "Nom"\ncode_insee = "INSEE"\nadresse = "Adresse"\n')
    result = run(
        app,
        "import",
        "csv",
        str(DATA / "real" / "cd92-creches.csv"),
        "--correspondance",
        str(mapping),
    )
    assert result.exit_code != 0 and "« INSEE »" in result.output
    assert "Rien n’a été importé." in result.output and count(session) == 0


# ---- several sources, one offer -----------------------------------------------------------------


def test_two_sources_of_one_place_make_one_offer_with_provenance(app, session):
    run(app, "import", "data-inclusion", str(DATA / "monenfant"))
    result = run(app, "import", "eaje", str(DATA / "real" / "caf-eaje.csv"))
    assert "Créées : 1" in result.output and "Rapprochées d’une offre d’une autre source : 1" in (
        result.output
    )
    mamans = offer(session, import_id="monenfant--8a1f2")
    assert mamans.capacity == 30  # from the Caf list
    assert mamans.contact_phone == "04 99 00 11 22"  # kept from monenfant (empty in the list)
    assert {(s.source, s.source_id) for s in mamans.sources} == {
        ("data-inclusion:monenfant", "monenfant--8a1f2"),
        ("eaje", "creche les p'tites mamans|12 av. foch||toulon"),
    }
    assert mamans.provenance["capacity"]["source"] == "liste des EAJE (Caf)"
    assert mamans.provenance["contact_phone"]["source"] == "data·inclusion (monenfant)"
    assert session.scalar(select(func.count(OfferSource.id))) == 4
    # The BPE line of the same place (same name and address, other spelling) joins it too.
    bpe = run(app, "import", "bpe", str(DATA / "real" / "bpe-extrait.csv")).output
    assert "Rapprochées d’une offre d’une autre source : 1" in bpe
    mamans = offer(session, import_id="monenfant--8a1f2")
    assert mamans.siret == "21830137800101"
    # Each field stays with the source that filled it first: the title is monenfant's.
    assert mamans.title == "Crèche Les P’tites Mamans" and mamans.capacity == 30


def test_a_managers_edit_survives_a_reimport(app, session, user_factory):
    run(app, "import", "eaje", str(DATA / "real" / "caf-eaje.csv"))
    manege = offer(session, title="Halte-garderie Le Manège")
    manager = user_factory(email="directrice@exemple.org")
    before = manege.capacity
    manege.capacity = 20
    record_change(session, manege, manager, "updated", {"capacity": [str(before), "20"]})
    session.commit()
    result = run(app, "import", "eaje", str(DATA / "real" / "caf-eaje.csv"))
    assert "Champs laissés tels que le gestionnaire les a écrits : 1" in result.output
    assert offer(session, title="Halte-garderie Le Manège").capacity == 20


def test_a_seine_saint_denis_file_with_points_status_and_relais(app, session):
    result = run(
        app,
        "import",
        "csv",
        str(DATA / "real" / "cd93-accueil-petite-enfance.csv"),
        "--correspondance",
        str(MAPPINGS / "seine-saint-denis.toml"),
    )
    out = result.output
    assert result.exit_code == 0, out
    assert "Créées : 4" in out and "ligne 6 : type de gestionnaire inconnu : mixte" in out
    neruda = offer(session, title="Crèche départementale Pablo Neruda")
    assert (neruda.latitude, neruda.longitude, neruda.code_insee) == (48.9071, 2.4402, "93008")
    assert neruda.capacity == 60 and neruda.kind is OfferKind.CRECHE_COLLECTIVE
    assert offer(session, title="Halte-jeux Les Mômes").kind is OfferKind.HALTE_GARDERIE
    rpe = offer(session, title="RPE Saint-Denis centre")
    assert rpe.kind is OfferKind.RELAIS_PETITE_ENFANCE and rpe.code_insee == "93066"
