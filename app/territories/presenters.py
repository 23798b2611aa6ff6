"""How the figures are shown: table columns, the choropleth, CSV and JSON downloads, labels."""

from __future__ import annotations

import csv
import io
from datetime import date

from app.directory.models import OFFER_KIND_LABELS, OfferKind
from app.directory.presenters import avip_commune_chart as commune_chart
from app.maps.choropleth import Choropleth, choropleth
from app.maps.france import Drawing
from app.territories.definitions import BY_KEY
from app.territories.needs import AGE_BANDS, HOURS_BANDS
from app.territories.outcomes import OUTCOMES
from app.territories.queries import COUNTS, Milestones, Table, Today

#: Columns of the tables and downloads: (key, header).
COLUMNS = tuple((key, BY_KEY[key].short) for key in COUNTS)


def avip_chart(table: Table) -> Choropleth:
    """AVIP offers by département; a département with no offer at all has « pas de donnée »."""
    names = {r.code: r.name for r in table.rows}
    values: dict[str, float | None] = {
        r.code: (r.avip_offers if r.offers else None) for r in table.rows
    }
    return choropleth("Offres AVIP par département", "offres AVIP", names, values)


def avip_commune_chart(table: Table, drawing: Drawing) -> Choropleth:
    """AVIP offers by commune (the directory's commune chart, fed with this table's counts:
    a commune with no offer shown has « pas de donnée »)."""
    return commune_chart({r.code: r.avip_offers for r in table.rows}, drawing)


def to_csv(table: Table, level_header: str) -> str:
    """Semicolon-separated with a BOM, as French spreadsheets open it; the date on each line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["date", "code", level_header, *(key for key, _ in COLUMNS)])
    for row in table.rows:
        writer.writerow(
            [table.on.isoformat(), row.code, row.name, *(getattr(row, k) for k, _ in COLUMNS)]
        )
    return "\ufeff" + buffer.getvalue()


def to_json(table: Table, milestones: Milestones | None, today: Today | None, definitions_url):
    data: dict[str, object] = {
        "date": table.on.isoformat(),
        "niveau": table.level,
        "definitions": definitions_url,
        "colonnes": {key: BY_KEY[key].label for key, _ in COLUMNS},
        "lignes": [r.as_dict() for r in table.rows],
        "total": {k: getattr(table.total, k) for k in COUNTS},
    }
    if milestones is not None and today is not None:
        data["jalons"] = {
            "source": milestones.source,
            "jalons": [
                {
                    "date": m.on.isoformat(),
                    "libelle": m.label,
                    "creches": m.creches,
                    "departements": m.departements,
                }
                for m in milestones.items
            ],
            "aujourd_hui": {
                "date": today.on.isoformat(),
                "offres_avip": today.avip_offers,
                "departements_couverts": today.departements,
                "departements": today.departements_total,
            },
        }
        data["departements_sans_avip"] = [
            {"code": r.code, "nom": r.name} for r in table.without_avip
        ]
    return data


def hours_label(band: str) -> str:
    return HOURS_BANDS.get(band, band)


def age_label(band: str) -> str:
    return AGE_BANDS.get(band, band)


def outcome_label(key: str) -> str:
    return OUTCOMES.get(key, key)


def kind_label(kind: str) -> str:
    try:
        return OFFER_KIND_LABELS[OfferKind(kind)]
    except ValueError:
        return kind


def days_hours(hours: float | None) -> str:
    """« 2 jours », « 5 heures » (a median time to an answer)."""
    if hours is None:
        return "—"
    if hours < 24:
        n = max(1, round(hours))
        return f"{n}\u00a0heure{'s' if n > 1 else ''}"
    n = round(hours / 24)
    return f"{n}\u00a0jour{'s' if n > 1 else ''}"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}\u00a0%"


def month_fr(day: date) -> str:
    return day.strftime("%m/%Y")
