"""``flask import population-age FILE`` replaces the model's groups of the départements in the
file, and only theirs; a wrong file imports nothing and says why, in French."""

from __future__ import annotations

from pathlib import Path

from app.experiments import queries
from app.experiments.models import PopulationGroup
from app.experiments.population_csv import read_population_csv

DATA = Path(__file__).parent / "data"


def run(app, *args):
    return app.test_cli_runner().invoke(args=["import", "population-age", *map(str, args)])


def test_a_territory_file_replaces_the_default_of_that_departement(app, session):
    before = queries.population(session, ["48", "83"])
    result = run(app, DATA / "population-48.csv", "--source", "France Travail Lozère, 2026")
    assert result.exit_code == 0, result.output
    assert "Département 48 : 8 groupes importés." in result.output
    assert session.query(PopulationGroup).count() == 8
    after = queries.population(session, ["48", "83"])
    lozere = after.territory == after.territories.index("48")
    assert lozere.sum() == 8 and after.count[lozere].sum() == 670
    assert after.sources["48"] == "France Travail Lozère, 2026"
    var_before = before.count[before.territory == before.territories.index("83")].sum()
    var_after = after.count[after.territory == after.territories.index("83")].sum()
    assert var_after == var_before  # the Var keeps the national default
    assert run(app, DATA / "population-48.csv").exit_code == 0  # a second run replaces
    assert session.query(PopulationGroup).count() == 8


def test_a_wrong_file_imports_nothing(app, session, tmp_path):
    bad = tmp_path / "bad.csv"
    text = (DATA / "population-48.csv").read_text().replace("0-2", "0-3", 1)
    bad.write_text(text.replace(";120;", ";beaucoup;"))
    result = run(app, bad)
    assert result.exit_code != 0
    assert "Ligne 2 : age_benjamin « 0-3 »" in result.output
    assert "effectif « beaucoup » n’est pas un nombre" in result.output
    assert "rien n’a été importé" in result.output
    assert session.query(PopulationGroup).count() == 0


def test_missing_columns_and_unknown_departements_are_named():
    assert read_population_csv("departement,effectif\n83,10\n", {"83"})[1] == [
        "Colonnes manquantes : categorie, indemnisation, age_benjamin, enfants, parent_isole, "
        "taux_cdi, taux_cdd, taux_formation, part_temps_plein, taux_recours."
    ]
    header = (DATA / "population-48.csv").read_text().splitlines()[0]
    line = "99;1-3;aucune;0-2;1;oui;10;0,1;1;0,1;0,9;0,2"
    assert read_population_csv(f"{header}\n{line}\n", {"83"})[1] == [
        "Ligne 2 : département inconnu « 99 »."
    ]
