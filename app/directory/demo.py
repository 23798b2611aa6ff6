"""Deterministic, clearly labelled fictitious data (« données de démonstration »), plus the
63 real DEEJE courses from Parcoursup open data.

Offers are spread over real communes in proportion to population. The same generator takes a
size, used for national-scale benchmarks.
"""

from __future__ import annotations

import bisect
import csv
import itertools
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import resources

from sqlalchemy import func, insert, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from app.db import utcnow
from app.directory.models import (
    Certification,
    Closure,
    Funding,
    Modality,
    Offer,
    OfferKind,
    OfferStatus,
    OpeningSlot,
    Structure,
    StructureKind,
    Training,
    TrainingSession,
)
from app.geo import Commune, all_communes, haversine_km

DEMO_SOURCE = "Données de démonstration (fictives) générées par Passerelle"
PARCOURSUP_SOURCE = (
    "Ministère de l’Enseignement supérieur et de la Recherche – Parcoursup, Licence Ouverte 2.0"
)

#: Share of each kind in the demo data set (every kind visible in a small demo).
DEMO_MIX = {
    OfferKind.ASSISTANT_MATERNEL: 40,
    OfferKind.CRECHE_COLLECTIVE: 14,
    OfferKind.MICRO_CRECHE: 14,
    OfferKind.MAM: 8,
    OfferKind.CRECHE_FAMILIALE: 3,
    OfferKind.CRECHE_PARENTALE: 2,
    OfferKind.HALTE_GARDERIE: 4,
    OfferKind.GARDE_DOMICILE: 6,
    OfferKind.ACCUEIL_EPHEMERE: 5,
    OfferKind.FORMATION: 4,
}
#: Real national proportions (childminders 271,400; EAJE ~17,000; MAM ~4,000; ...).
NATIONAL_MIX = {
    OfferKind.ASSISTANT_MATERNEL: 880,
    OfferKind.CRECHE_COLLECTIVE: 25,
    OfferKind.MICRO_CRECHE: 27,
    OfferKind.MAM: 13,
    OfferKind.CRECHE_FAMILIALE: 2,
    OfferKind.CRECHE_PARENTALE: 1,
    OfferKind.HALTE_GARDERIE: 3,
    OfferKind.GARDE_DOMICILE: 30,
    OfferKind.ACCUEIL_EPHEMERE: 10,
    OfferKind.FORMATION: 9,
}

FIRST_NAMES = (
    "Nadia", "Sophie", "Fatima", "Isabelle", "Aïcha", "Céline", "Marie", "Sandrine", "Leïla",
    "Nathalie", "Amina", "Virginie", "Karima", "Élodie", "Samia", "Julie", "Mélanie", "Yasmina",
    "Stéphanie", "Rachida", "Aurélie", "Laëtitia", "Sylvie", "Hélène", "Kevin", "Thomas",
)  # fmt: skip
NAME_WORDS = (
    "Les Petits Pas", "Pirouette", "Les Lucioles", "Arc-en-ciel", "Les Câlinous", "Les Doudous",
    "Graine de malice", "Les P’tits Loups", "La Ribambelle", "Les Frimousses", "Le Jardin d’éveil",
    "Les Bout’chou", "Coccinelle", "La Cabane", "Les Petites Abeilles", "Trois Pommes",
    "Les Marmousets", "Capucine", "Les Libellules", "Le Nid", "Tom Pouce", "Les Galopins",
)  # fmt: skip
STREETS = (
    "rue des Lilas", "avenue Jean-Jaurès", "rue Victor-Hugo", "place de la Mairie",
    "rue de la République", "boulevard Pasteur", "rue des Écoles", "chemin des Vignes",
    "rue du Moulin", "allée des Tilleuls", "rue Jules-Ferry", "avenue de la Gare",
)  # fmt: skip
OPERATORS = (
    ("Réseau Les Petits Explorateurs", StructureKind.ENTREPRISE),
    ("Association Familles Solidaires", StructureKind.ASSOCIATION),
    ("Crèches Horizon", StructureKind.ENTREPRISE),
    ("Association Petite Enfance et Insertion", StructureKind.ASSOCIATION),
)


def _t(text: str) -> time:
    h, m = text.split(":")
    return time(int(h) % 24, int(m))


WEEKDAYS = range(5)

# Hour patterns per kind: (weight, [(days, opens, closes), ...]); closes <= opens crosses midnight.
HOURS_PATTERNS: dict[str, list[tuple[int, list[tuple[range | tuple, str, str]]]]] = {
    "creche": [
        (50, [(WEEKDAYS, "07:30", "18:30")]),
        (25, [(WEEKDAYS, "07:00", "19:00")]),
        (10, [(WEEKDAYS, "06:30", "19:30")]),
        (8, [(WEEKDAYS, "05:30", "22:00"), ((5,), "07:00", "19:00")]),
        (4, [(WEEKDAYS, "05:00", "23:00"), ((5, 6), "06:00", "20:00")]),
        (3, [(range(7), "00:00", "00:00")]),  # 24 h a day
    ],
    "halte": [
        (70, [(WEEKDAYS, "08:30", "12:00"), (WEEKDAYS, "13:30", "17:30")]),
        (30, [((0, 1, 3, 4), "08:30", "17:30")]),
    ],
    "assmat": [
        (55, [(WEEKDAYS, "07:30", "18:30")]),
        (20, [(WEEKDAYS, "07:00", "19:00")]),
        (10, [(WEEKDAYS, "05:30", "19:00")]),
        (7, [(WEEKDAYS, "06:00", "20:30"), ((5,), "08:00", "18:00")]),
        (5, [(range(4), "21:00", "07:00")]),  # night care Mon–Thu nights
        (3, [((5, 6), "07:00", "20:00")]),
    ],
    "domicile": [
        (40, [(WEEKDAYS, "06:00", "21:00")]),
        (30, [(range(7), "06:00", "22:00")]),
        (30, [(range(7), "20:00", "08:00")]),
    ],
    "ephemere": [
        (60, [(WEEKDAYS, "08:00", "18:00")]),
        (40, [(WEEKDAYS, "06:00", "20:00"), ((5,), "08:00", "13:00")]),
    ],
    "formation": [(100, [((0, 1, 2, 3), "09:00", "17:00"), ((4,), "09:00", "12:30")])],
}
HOURS_FAMILY = {
    OfferKind.CRECHE_COLLECTIVE: "creche",
    OfferKind.MICRO_CRECHE: "creche",
    OfferKind.CRECHE_FAMILIALE: "creche",
    OfferKind.CRECHE_PARENTALE: "creche",
    OfferKind.MAM: "assmat",
    OfferKind.ASSISTANT_MATERNEL: "assmat",
    OfferKind.HALTE_GARDERIE: "halte",
    OfferKind.GARDE_DOMICILE: "domicile",
    OfferKind.ACCUEIL_EPHEMERE: "ephemere",
    OfferKind.FORMATION: "formation",
}
CAPACITY = {
    OfferKind.CRECHE_COLLECTIVE: (30, 80),
    OfferKind.MICRO_CRECHE: (10, 12),
    OfferKind.CRECHE_FAMILIALE: (20, 60),
    OfferKind.CRECHE_PARENTALE: (12, 25),
    OfferKind.HALTE_GARDERIE: (15, 30),
    OfferKind.MAM: (8, 16),
    OfferKind.ASSISTANT_MATERNEL: (2, 4),
    OfferKind.GARDE_DOMICILE: (1, 3),
    OfferKind.ACCUEIL_EPHEMERE: (6, 20),
    OfferKind.FORMATION: (12, 30),
}
AVIP_RATE = {
    OfferKind.CRECHE_COLLECTIVE: 0.25,
    OfferKind.MICRO_CRECHE: 0.15,
    OfferKind.CRECHE_FAMILIALE: 0.15,
    OfferKind.MAM: 0.08,
    OfferKind.ASSISTANT_MATERNEL: 0.03,
}
DEMO_TRAININGS = (
    (Certification.CAP_AEPE, "RNCP38565", 3, 560),
    (Certification.DEAP, "RNCP40743", 4, 1470),
    (Certification.TP_ASSISTANT_MATERNEL, "RNCP34691", 3, 420),
)


@dataclass
class DemoReport:
    offers: int
    structures: int
    real_courses: int


class CommuneSampler:
    """Draw communes with probability proportional to population (metropolitan France + DROM)."""

    def __init__(self, communes: Iterable[Commune]):
        self.communes = [
            c
            for c in communes
            if c.kind == "commune"
            and c.population
            and len(c.departement_code) <= 3
            and not c.departement_code.startswith(("975", "977", "978", "98"))
        ]
        self.cumulative = list(itertools.accumulate(c.population for c in self.communes))

    def draw(self, rng: random.Random) -> Commune:
        return self.communes[
            bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])
        ]


def _weighted(rng: random.Random, choices):
    weights = [w for w, _ in choices]
    return rng.choices([c for _, c in choices], weights=weights)[0]


def _phone(rng: random.Random) -> str:
    # 01 99 00 xx xx: range reserved by ARCEP for fiction.
    return f"01 99 00 {rng.randrange(100):02d} {rng.randrange(100):02d}"


def _slots(rng: random.Random, kind: OfferKind) -> list[OpeningSlot]:
    pattern = _weighted(rng, HOURS_PATTERNS[HOURS_FAMILY[kind]])
    return [
        OpeningSlot(weekday=day, opens=_t(opens), closes=_t(closes))
        for days, opens, closes in pattern
        for day in days
    ]


def _title(rng: random.Random, kind: OfferKind, first_name: str) -> str:
    name = rng.choice(NAME_WORDS)
    return {
        OfferKind.CRECHE_COLLECTIVE: f"Multi-accueil {name}",
        OfferKind.MICRO_CRECHE: f"Micro-crèche {name}",
        OfferKind.CRECHE_FAMILIALE: f"Crèche familiale {name}",
        OfferKind.CRECHE_PARENTALE: f"Crèche parentale {name}",
        OfferKind.HALTE_GARDERIE: f"Halte-garderie {name}",
        OfferKind.MAM: f"MAM {name}",
        OfferKind.ASSISTANT_MATERNEL: (
            f"{first_name} {chr(65 + rng.randrange(26))}., assistante maternelle"
        ),
        OfferKind.GARDE_DOMICILE: f"Garde d’enfants à domicile – {name}",
        OfferKind.ACCUEIL_EPHEMERE: f"Accueil d’urgence {name}",
        OfferKind.FORMATION: "Formation",
    }[kind]


def _description(kind: OfferKind, atypical: bool) -> str:
    text = {
        OfferKind.ASSISTANT_MATERNEL: (
            "Accueil à mon domicile, jardin sécurisé, sorties au relais petite enfance."
        ),
        OfferKind.MAM: (
            "Quatre assistantes maternelles réunies dans une maison adaptée aux tout-petits."
        ),
        OfferKind.GARDE_DOMICILE: (
            "Intervenantes diplômées, garde au domicile des parents, y compris en horaires décalés."
        ),
        OfferKind.ACCUEIL_EPHEMERE: (
            "Places d’accueil temporaire pour un entretien d’embauche, "
            "une formation ou les premières semaines d’un emploi."
        ),
        OfferKind.HALTE_GARDERIE: (
            "Accueil occasionnel à l’heure ou à la demi-journée, sur réservation."
        ),
    }.get(kind, "Équipe de professionnelles de la petite enfance, repas et couches fournis.")
    if atypical:
        text += " Horaires élargis pour les parents qui travaillent tôt, tard ou le week-end."
    return text


def generate_demo(
    session: Session,
    offers: int = 3000,
    seed: int = 2022,
    today: date | None = None,
    mix: dict[OfferKind, int] | None = None,
    include_real: bool = True,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 1000,
) -> DemoReport:
    """Fill the database with ``offers`` fictitious offers (plus the real courses)."""
    today = today or date.today()
    rng = random.Random(seed)
    sampler = CommuneSampler(all_communes())
    mix = mix or DEMO_MIX
    kinds, weights = list(mix), list(mix.values())
    operators = [
        Structure(name=name, kind=kind, is_demo=True, source=DEMO_SOURCE)
        for name, kind in OPERATORS
    ]
    session.add_all(operators)
    session.flush()
    operator_ids = [o.id for o in operators]
    made = 0
    while made < offers:
        batch = []
        for _ in range(min(batch_size, offers - made)):
            kind = rng.choices(kinds, weights=weights)[0]
            batch.append(_demo_offer(rng, kind, sampler.draw(rng), today, operator_ids))
        _bulk_insert(session, batch)
        made += len(batch)
        session.commit()
        if progress:
            progress(made)
    real = load_real_courses(session) if include_real else 0
    session.commit()
    total_structures = session.scalar(select(func.count(Structure.id))) or 0
    return DemoReport(offers=made, structures=total_structures, real_courses=real)


def _row(obj, now: datetime) -> dict:
    """The column values of a transient ORM object, with the columns' Python defaults applied
    (Core inserts of several rows need the same keys in every row)."""
    row = {}
    for attr in sa_inspect(type(obj)).column_attrs:
        column = attr.columns[0]
        if column.primary_key and not column.foreign_keys:
            continue
        value = getattr(obj, attr.key)
        if value is None and column.default is not None:
            arg = column.default.arg
            value = now if arg is utcnow else (arg(None) if callable(arg) else arg)
        row[attr.key] = value
    return row


def _insert_returning_ids(session: Session, model, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))


def _bulk_insert(session: Session, offers: list[Offer]) -> None:
    """Insert a batch of transient offers (and their structures, hours, closures, training)
    with a few multi-row Core inserts rather than the ORM unit of work: about 4 times faster at
    national scale. The index is rebuilt after demo data, so no search change is logged."""
    now = utcnow()
    new_structures = [o.structure for o in offers if o.structure is not None]
    ids = iter(_insert_returning_ids(session, Structure, [_row(s, now) for s in new_structures]))
    offer_rows = []
    for offer in offers:
        if offer.structure is not None:
            offer.structure_id = next(ids)
        offer_rows.append(_row(offer, now))
    offer_ids = _insert_returning_ids(session, Offer, offer_rows)
    slots, closures, trainings, sessions = [], [], [], []
    for offer_id, offer in zip(offer_ids, offers, strict=True):
        slots += [
            {"offer_id": offer_id, "weekday": s.weekday, "opens": s.opens, "closes": s.closes}
            for s in offer.slots
        ]
        closures += [
            {"offer_id": offer_id, "start": c.start, "end": c.end, "reason": c.reason}
            for c in offer.closures
        ]
        if offer.training is not None:
            trainings.append({**_row(offer.training, now), "offer_id": offer_id})
            sessions += [{**_row(t, now), "training_id": offer_id} for t in offer.training.sessions]
    for model, rows in (
        (OpeningSlot, slots),
        (Closure, closures),
        (Training, trainings),
        (TrainingSession, sessions),
    ):
        if rows:
            session.execute(insert(model), rows)


def _demo_offer(
    rng: random.Random, kind: OfferKind, commune: Commune, today: date, operator_ids: list[int]
) -> Offer:
    first_name = rng.choice(FIRST_NAMES)
    structure: Structure | None = None
    operator_id: int | None = None
    if kind is OfferKind.ASSISTANT_MATERNEL:
        structure = Structure(
            name=f"{first_name} (particulier)",
            kind=StructureKind.PARTICULIER,
            is_demo=True,
            source=DEMO_SOURCE,
        )
    elif kind is OfferKind.FORMATION:
        structure = Structure(
            name=f"Centre de formation {rng.choice(NAME_WORDS)}",
            kind=StructureKind.ORGANISME_FORMATION,
            is_demo=True,
            source=DEMO_SOURCE,
        )
    elif kind in (OfferKind.CRECHE_COLLECTIVE, OfferKind.MICRO_CRECHE) and rng.random() < 0.3:
        operator_id = rng.choice(operator_ids)
    else:
        structure_kind = rng.choice(
            (StructureKind.COMMUNE, StructureKind.ASSOCIATION, StructureKind.ENTREPRISE)
        )
        structure = Structure(
            name=f"Gestionnaire {rng.choice(NAME_WORDS)} – {commune.name}",
            kind=structure_kind,
            is_demo=True,
            source=DEMO_SOURCE,
        )
    low, high = CAPACITY[kind]
    capacity = rng.randint(low, high)
    free_roll = rng.random()
    free_places = (
        0
        if free_roll < 0.45
        else (rng.randint(1, max(1, capacity // 4)) if free_roll < 0.85 else None)
    )
    slots = _slots(rng, kind)
    atypical = any(
        s.opens < time(7, 30) or s.closes > time(19) or s.closes <= s.opens or s.weekday >= 5
        for s in slots
    )
    jitter_km = 0.3 + min(3.0, commune.population**0.5 / 150)
    lat = commune.latitude + rng.uniform(-1, 1) * jitter_km / 111.0
    lon = commune.longitude + rng.uniform(-1, 1) * jitter_km / 80.0
    avip = rng.random() < AVIP_RATE.get(kind, 0.0)
    offer = Offer(
        kind=kind,
        status=OfferStatus.PUBLISHED if rng.random() > 0.02 else OfferStatus.DRAFT,
        title=_title(rng, kind, first_name),
        description=_description(kind, atypical),
        address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
        postcode=commune.main_postcode,
        code_insee=commune.code_insee,
        commune_name=commune.name,
        departement_code=commune.departement_code,
        latitude=round(lat, 5),
        longitude=round(lon, 5),
        contact_name=first_name,
        contact_phone=_phone(rng),
        contact_email=f"contact{rng.randrange(10**6):06d}@example.org",
        contact_public=kind is not OfferKind.ASSISTANT_MATERNEL or rng.random() < 0.5,
        how_to_apply=(
            "Téléphonez pour convenir d’une visite."
            if kind in (OfferKind.ASSISTANT_MATERNEL, OfferKind.MAM)
            else (
                "Déposez une demande auprès de la structure ou demandez à votre conseiller de "
                "vous orienter."
            )
        ),
        age_min_months=0 if kind is not OfferKind.HALTE_GARDERIE else 3,
        age_max_months={
            OfferKind.ASSISTANT_MATERNEL: 72,
            OfferKind.MAM: 72,
            OfferKind.GARDE_DOMICILE: 144,
        }.get(kind, 48),
        capacity=capacity,
        free_places=free_places,
        free_places_on=today - timedelta(days=rng.randint(0, 45))
        if free_places is not None
        else None,
        avip=avip,
        avip_places=rng.randint(1, 5) if avip else None,
        avip_since=date(rng.randint(2017, today.year - 1), rng.randint(1, 12), 1) if avip else None,
        psu_pricing=kind
        in (
            OfferKind.CRECHE_COLLECTIVE,
            OfferKind.CRECHE_FAMILIALE,
            OfferKind.CRECHE_PARENTALE,
            OfferKind.HALTE_GARDERIE,
            OfferKind.ACCUEIL_EPHEMERE,
        )
        or (kind is OfferKind.MICRO_CRECHE and rng.random() < 0.4),
        cost_info=_cost_info(rng, kind),
        disability_access=rng.random() < 0.3,
        disability_info=(
            "Accueil d’enfants en situation de handicap, en lien avec le médecin de la structure."
        )
        if rng.random() < 0.3
        else "",
        is_demo=True,
        source=DEMO_SOURCE,
    )
    if structure is not None:
        offer.structure = structure
    else:
        assert operator_id is not None  # no structure: an operator was drawn
        offer.structure_id = operator_id
    offer.slots = slots
    if not offer.contact_public and offer.how_to_apply.startswith("Téléphonez"):
        # No public phone: the parent asks for a place online instead (app.directory.reach).
        offer.how_to_apply = "Demandez une place en ligne : vous serez recontacté·e."
    if kind is OfferKind.ACCUEIL_EPHEMERE:
        start = today + timedelta(days=rng.randint(-40, 20))
        offer.valid_from = start
        offer.valid_until = start + timedelta(days=rng.choice((14, 30, 60, 90)))
    if rng.random() < 0.2:
        start = (
            date(today.year, 12, 24)
            if today.month < 12 or today.day < 24
            else date(today.year + 1, 8, 1)
        )
        offer.closures = [
            Closure(
                start=start,
                end=start + timedelta(days=rng.choice((7, 14, 21))),
                reason="Fermeture annuelle",
            )
        ]
    if kind is OfferKind.FORMATION:
        cert, rncp, level, hours = rng.choice(DEMO_TRAININGS)
        offer.title = {
            Certification.CAP_AEPE: "CAP Accompagnant éducatif petite enfance",
            Certification.DEAP: "Diplôme d’État d’auxiliaire de puériculture",
            Certification.TP_ASSISTANT_MATERNEL: (
                "Titre professionnel Assistant maternel / garde d’enfants"
            ),
        }[cert]
        offer.description = (
            "Formation qualifiante aux métiers de la petite enfance, stages en "
            "crèche et chez des assistantes maternelles."
        )
        offer.age_min_months, offer.age_max_months = 0, 1
        offer.free_places = rng.randint(0, 8)
        start = today + timedelta(days=rng.randint(15, 200))
        offer.training = Training(
            certification=cert,
            rncp_code=rncp,
            level=level,
            hours=hours,
            modality=rng.choice(list(Modality)),
            funding=sorted(rng.sample([f.value for f in Funding], rng.randint(1, 3))),
            vae_possible=rng.random() < 0.6,
            open_to_iae=rng.random() < 0.5,
            sessions=[
                TrainingSession(
                    start=start,
                    end=start + timedelta(days=rng.choice((120, 240, 300))),
                    places=rng.randint(10, 25),
                    application_deadline=start - timedelta(days=14),
                )
            ],
        )
    return offer


def _cost_info(rng: random.Random, kind: OfferKind) -> str:
    if kind in (OfferKind.ASSISTANT_MATERNEL, OfferKind.MAM):
        return (
            f"{rng.choice((3.8, 4.0, 4.2, 4.5, 4.8, 5.2)):.2f} € net de l’heure, plus indemnités "
            "d’entretien et repas. Aide de la Caf (CMG) possible."
        ).replace(".", ",", 1)
    if kind is OfferKind.GARDE_DOMICILE:
        return "Environ 25 € de l’heure avant aides ; crédit d’impôt de 50 % et CMG possibles."
    if kind is OfferKind.FORMATION:
        return "Gratuite pour les demandeurs d’emploi selon le financement."
    return "Tarif horaire selon vos revenus et votre nombre d’enfants (barème national de la Caf)."


# -- Real data: Parcoursup DEEJE courses ---------------------------------------------------


def _nearest_commune(lat: float, lon: float, communes: list[Commune]) -> Commune:
    near = [
        c for c in communes if abs(c.latitude - lat) < 0.3 and abs(c.longitude - lon) < 0.4
    ] or communes
    return min(near, key=lambda c: haversine_km(lat, lon, c.latitude, c.longitude))


def _departement_from_uai(uai: str) -> str:
    code = uai[:3]
    if code.startswith("97"):
        return code
    return {"620": "2A", "720": "2B"}.get(code, code.lstrip("0").zfill(2))


def _largest_commune(departement: str, communes: list[Commune]) -> Commune:
    return max(
        (c for c in communes if c.departement_code == departement), key=lambda c: c.population
    )


def load_real_courses(session: Session) -> int:
    """Load the 63 real DEEJE courses (Parcoursup open data) with their attribution."""
    communes = [c for c in all_communes() if c.kind == "commune"]
    text = (
        resources.files("app.directory")
        .joinpath("data/formations-deeje-parcoursup.csv")
        .read_text("utf-8")
    )
    count = 0
    for row in csv.reader(text.splitlines()[1:]):
        status, uai, name, region, _course, gps = row
        note = ""
        if gps.strip():
            lat, lon = (float(x) for x in gps.split(","))
            commune = _nearest_commune(lat, lon, communes)
        else:
            # One row has no coordinates: place it in the largest commune of the département
            # given by its UAI code (075… → Paris), and say the position is approximate.
            commune = _largest_commune(_departement_from_uai(uai), communes)
            lat, lon = commune.latitude, commune.longitude
            note = (
                " Position approximative : l’adresse exacte n’est pas publiée dans les "
                "données ouvertes."
            )
        structure = Structure(
            name=name,
            kind=StructureKind.ETABLISSEMENT_ENSEIGNEMENT
            if "public" in status.lower()
            else StructureKind.ORGANISME_FORMATION,
            source=PARCOURSUP_SOURCE,
        )
        offer = Offer(
            structure=structure,
            kind=OfferKind.FORMATION,
            status=OfferStatus.PUBLISHED,
            title="Diplôme d’État d’éducateur de jeunes enfants",
            description=(
                f"Formation en 3 ans (niveau 6) préparant au DEEJE, proposée par {name} "
                f"({region}). Statut de l’établissement : {status}. Candidature sur "
                f"Parcoursup.{note}"
            ),
            code_insee=commune.code_insee,
            commune_name=commune.name,
            postcode=commune.main_postcode,
            departement_code=commune.departement_code,
            latitude=lat,
            longitude=lon,
            how_to_apply=(
                "Candidature sur la plateforme Parcoursup (formation « D.E Éducateur de "
                "jeunes enfants »)."
            ),
            age_min_months=0,
            age_max_months=1,
            source=PARCOURSUP_SOURCE,
        )
        offer.training = Training(
            certification=Certification.DEEJE,
            rncp_code="RNCP37679",
            level=6,
            hours=None,
            modality=Modality.PRESENTIEL,
            funding=[Funding.REGION.value],
            vae_possible=True,
            open_to_iae=False,
            organisation_uai=uai,
        )
        session.add(offer)
        count += 1
    session.flush()
    return count
