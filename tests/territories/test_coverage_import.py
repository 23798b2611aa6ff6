"""``flask import couverture FILE``: the Caf coverage-rate file, all or nothing."""

from __future__ import annotations

from pathlib import Path

from kit.pages import section, text_of
from sqlalchemy import func, select

from app.territories.coverage import parse
from app.territories.models import CoverageRate

FIXTURES = Path(__file__).parent / "fixtures"


def _import(app, path: Path):
    return app.test_cli_runner().invoke(args=["import", "couverture", str(path)])


def test_the_caf_file_is_imported_and_shown_on_the_departement_page(app, client, session):
    result = _import(app, FIXTURES / "taux_couverture_communes.csv")
    assert result.exit_code == 0, result.output
    assert "3 taux de couverture importés (commune" in result.output
    rows = session.execute(
        select(
            CoverageRate.code, CoverageRate.departement_code, CoverageRate.year, CoverageRate.rate
        ).order_by(CoverageRate.code)
    ).all()
    assert [(c, d, y, str(r)) for c, d, y, r in rows] == [
        ("13055", "13", 2022, "41.7"),
        ("83069", "83", 2022, "61.2"),
        ("83137", "83", 2022, "48.5"),
    ]
    page = client.get("/territoires/83").get_data(as_text=True)
    table = text_of(section(page, "couverture").split("</section>")[0])
    assert "Hyères 2022 61,2" in table and "Toulon 2022 48,5" in table
    again = _import(app, FIXTURES / "taux_couverture_communes.csv")  # a re-import replaces
    assert again.exit_code == 0
    assert session.scalar(select(func.count()).select_from(CoverageRate)) == 3


def test_bad_lines_are_reported_with_line_and_reason_and_nothing_is_imported(app, session):
    result = _import(app, FIXTURES / "taux_couverture_erreurs.csv")
    assert result.exit_code == 1
    output = result.output
    assert "Ligne 3 : année « 22 » illisible" in output
    assert "Ligne 4 : commune « 99999 » inconnue" in output
    assert "Ligne 5 : la commune 13055 n’est pas dans le département 83" in output
    assert "Ligne 6 : taux « beaucoup » illisible" in output
    assert "Ligne 7 : taux « 420 » hors de 0 à 300" in output
    assert "5 ligne(s) en erreur : rien n’a été importé." in output
    assert session.scalar(select(func.count()).select_from(CoverageRate)) == 0


def test_other_levels_and_a_wrong_header():
    epci, errors = parse(
        "ANNEE;NUMEPCI;NOMEPCI;NUMDEP;TAUXCOUV_GLOBAL\n2022;248300543;Métropole TPM;83;50,1\n"
        "2022;2483;Trop court;83;40\n"
    )
    assert epci[0].level == "epci" and epci[0].code == "248300543"
    assert [(e.line, e.reason) for e in errors] == [
        (3, "EPCI « 2483 » illisible (numéro SIREN de 9 chiffres attendu)")
    ]
    dep, errors = parse("Année;NumDep;NomDep;TauxCouv_Global\n2022;83;Var;55,1\n")
    assert not errors and (dep[0].level, dep[0].code, str(dep[0].rate)) == (
        "departement",
        "83",
        "55.1",
    )
    _, errors = parse("ANNEE;CODE;TAUX\n2022;83;5\n")
    assert errors[0].line == 1 and "colonnes manquantes" in errors[0].reason
    _, errors = parse("")
    assert errors[0].reason == "le fichier est vide"
    _, errors = parse("ANNEE;NUMDEP;NOMDEP;TAUXCOUV_GLOBAL\n2022;83\n")
    assert errors[0].reason == "2 colonnes au lieu de 4"
