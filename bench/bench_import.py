"""A département-sized import: `flask import data-inclusion` of N generated records.

Usage: python bench/bench_import.py [--records 20000] [--departement 13] [--app PATH]

Writes a data·inclusion dump shaped like the real one for monenfant.fr crèches (structures.json
and services.json, schema v1: « Garde et accueil des enfants, À Vocation d’Insertion
Professionnelle » for one record in ten, ``reseaux_porteurs = ['caf']``, ``zone_eligibilite``,
hours as data·inclusion writes them: « Mo 07:30-18:30 open, …, Sa open, Su open; Aug closed »),
spread over the communes of one département by population, then runs the import in a separate
process on an empty database (the app of this checkout, or of --app PATH), twice: the first
run creates every offer, the second finds them unchanged. Prints, for each run, the wall time
of the process, the command's own figures (read, write, index, searchable after; peak resident
memory), and the load average. Figures only, no asserts.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("Multi-accueil", "Micro-crèche", "Crèche collective", "Halte-garderie", "Crèche familiale")
NAMES = ("Les Lucioles", "Pirouette", "Arc-en-ciel", "Les Galopins", "Tom Pouce", "Capucine")
STREETS = ("rue de la République", "avenue Jean Jaurès", "boulevard Victor Hugo", "place du Marché")

RUN = """
import sys
from pathlib import Path
from app import create_app, migrate
from app.config import Settings
folder = Path(sys.argv[1])
url = f"sqlite:///{folder / 'bench.db'}"
if sys.argv[2] == "first":
    migrate.upgrade(url)
app = create_app(Settings(DATABASE_URL=url, SEARCH_INDEX_DIR=str(folder / "index"), ENV="bench"))
args = ["import", "data-inclusion", str(folder / "dump")]
result = app.test_cli_runner().invoke(args=args + sys.argv[3:])
print(result.output)
if result.exception and not isinstance(result.exception, SystemExit):
    raise result.exception
"""


def communes(departement: str) -> list[tuple[str, str, str, float, float, int]]:
    rows = []
    path = ROOT / "app" / "geo" / "data" / "communes.csv"
    if not path.exists():
        path = Path("/work/shared/data/communes.csv")
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["code_departement"] == departement and row["type"] == "commune-actuelle":
                rows.append(
                    (
                        row["code_insee"],
                        row["nom"],
                        (row["codes_postaux"] or "00000").split()[0],
                        float(row["latitude"]),
                        float(row["longitude"]),
                        int(row["population"] or 1),
                    )
                )
    return rows


def write_dump(folder: Path, records: int, departement: str, seed: int = 2026) -> None:
    rng = random.Random(seed)
    places = communes(departement)
    weights = [p[5] for p in places]
    structures, services = [], []
    for n in range(records):
        code, name, postcode, lat, lon, _ = rng.choices(places, weights)[0]
        avip = n % 10 == 0
        ident = f"monenfant--{n:06x}"
        opens = rng.choice(("07:00", "07:30", "08:00"))
        closes = rng.choice(("18:00", "18:30", "19:00"))
        days = ", ".join(f"{d} {opens}-{closes} open" for d in ("Mo", "Tu", "We", "Th", "Fr"))
        hours = f"{days}, Sa open, Su open; Aug closed"
        kind = rng.choice(KINDS)
        title = f"{kind} {rng.choice(NAMES)} {n}"
        address = f"{rng.randint(1, 120)} {rng.choice(STREETS)}"
        point = {
            "latitude": round(lat + rng.uniform(-0.02, 0.02), 5),
            "longitude": round(lon + rng.uniform(-0.02, 0.02), 5),
        }
        where = {"commune": name, "code_postal": postcode, "code_insee": code, "adresse": address}
        structures.append(
            {
                "source": "monenfant",
                "id": ident,
                "nom": title,
                "date_maj": "2026-11-03",
                "lien_source": f"https://monenfant.fr/que-recherchez-vous/mode-d-accueil/{n:06x}",
                "siret": None,
                **where,
                **point,
                "telephone": f"04 91 {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d}",
                "courriel": None,
                "site_web": None,
                "horaires_accueil": hours,
                "reseaux_porteurs": ["caf"],
            }
        )
        services.append(
            {
                "source": "monenfant",
                "structure_id": ident,
                "id": ident,
                "nom": "Garde et accueil des enfants"
                + (",  À Vocation d’Insertion Professionnelle" if avip else ""),
                "description": ("## À Vocation d’Insertion Professionnelle\n\n" if avip else "")
                + "## Le projet pédagogique :\n\nÉveil, jeux et sorties.",
                "lien_source": f"https://monenfant.fr/que-recherchez-vous/x/EAJE/{n:06x}",
                "date_maj": "2026-11-03",
                "type": "accompagnement",
                "thematiques": ["famille--garde-denfants"],
                "frais": "payant",
                "publics": ["familles"],
                **where,
                **point,
                "modes_accueil": ["en-presentiel"],
                "zone_eligibilite": [code] if rng.random() < 0.3 else None,
                "mobilisable_par": ["usagers", "professionnels"],
                "horaires_accueil": hours,
            }
        )
    dump = folder / "dump"
    dump.mkdir(parents=True, exist_ok=True)
    (dump / "structures.json").write_text(json.dumps(structures, ensure_ascii=False))
    (dump / "services.json").write_text(json.dumps(services, ensure_ascii=False))


def run(app_root: Path, folder: Path, which: str, measure: bool) -> None:
    env = {**os.environ, "PYTHONPATH": str(app_root)}
    started = time.perf_counter()
    extra = ["--mesurer"] if measure else []
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(folder), which, *extra],
        cwd=app_root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    lines = [
        line
        for line in done.stdout.splitlines()
        if line.startswith(("Créées", "Mises", "Inchangées", "Rejetées", "Mesures", "Labels"))
        or "réindexées" in line
    ]
    print(f"{which} run: process wall time {wall:.1f} s (load average {os.getloadavg()[0]:.1f})")
    for line in lines:
        print("  " + line)
    if done.returncode:
        print(done.stderr[-2000:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--departement", default="13")
    parser.add_argument("--app", type=Path, default=ROOT, help="checkout whose app/ is used")
    parser.add_argument("--sans-mesures", action="store_true", help="app without --mesurer")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="passerelle-import-"))
    started = time.perf_counter()
    write_dump(folder, args.records, args.departement)
    size = sum(p.stat().st_size for p in (folder / "dump").iterdir()) / 1e6
    print(
        f"{args.records} records in département {args.departement}: dump written in "
        f"{time.perf_counter() - started:.1f} s ({size:.0f} MB) — {folder}"
    )
    for which in ("first", "second"):
        run(args.app, folder, which, not args.sans_mesures)


if __name__ == "__main__":
    main()
