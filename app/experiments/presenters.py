"""What the scenario pages show: the comparison as rows of French text, a bar chart drawn as
SVG on the server (no JavaScript), the CSV export, and the summary of the rules changed."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from app.core.french import format_date, format_euros, format_number
from app.experiments.model import Comparison, Line, Rules
from app.experiments.rules import BY_KEY, OVERRIDES, national_values


def whole(x: float) -> str:
    return format_number(round(x))


def euros(x: float) -> str:
    return format_euros(Decimal(round(x)))


def signed(text: str, x: float) -> str:
    return f"+{text}" if x > 0.5 else text


@dataclass(frozen=True)
class Row:
    label: str
    national_events: str
    scenario_events: str
    national_aids: str
    scenario_aids: str
    extra_aids: str
    national_cost: str
    scenario_cost: str
    extra_cost: str
    per_extra: str


def row(line: Line) -> Row:
    per = line.cost_per_extra_beneficiary
    return Row(
        label=line.label,
        national_events=whole(line.national_events),
        scenario_events=whole(line.scenario_events),
        national_aids=whole(line.national_aids),
        scenario_aids=whole(line.scenario_aids),
        extra_aids=signed(whole(line.extra_aids), line.extra_aids),
        national_cost=euros(line.national_cost),
        scenario_cost=euros(line.scenario_cost),
        extra_cost=signed(euros(line.extra_cost), line.extra_cost),
        per_extra="—" if per is None else euros(per),
    )


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    national_width: float
    scenario_width: float
    national_text: str
    scenario_text: str


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart: yearly cost by territory, national vs scenario."""

    width: int
    height: int
    label_width: int
    bars: tuple[Bar, ...]
    title: str


def chart(comparison: Comparison, max_bars: int = 12) -> Chart:
    lines = sorted(comparison.by_territory, key=lambda ln: (-ln.scenario_cost, ln.key))[:max_bars]
    top = max([max(ln.scenario_cost, ln.national_cost) for ln in lines] + [1.0])
    # The label above its two bars: the chart stays legible on a 390-pixel phone.
    label_width, plot = 0, 300
    bars = tuple(
        Bar(
            label=ln.label,
            y=10 + i * 66,
            national_width=round(plot * ln.national_cost / top, 1),
            scenario_width=round(plot * ln.scenario_cost / top, 1),
            national_text=euros(ln.national_cost),
            scenario_text=euros(ln.scenario_cost),
        )
        for i, ln in enumerate(lines)
    )
    return Chart(
        width=label_width + plot + 120,
        height=20 + 66 * len(bars),
        label_width=label_width,
        bars=bars,
        title="Coût annuel par département : règles nationales et scénario",
    )


def sensitivity(comparison: Comparison) -> list[tuple[str, str, str, str]]:
    return [
        (
            f"{format_number(Decimal(str(f)) * 100)} %",
            whole(n),
            whole(s),
            signed(euros(extra), extra),
        )
        for f, n, s, extra in comparison.sensitivity
    ]


def _value_text(key: str, value: Any) -> str:
    override = BY_KEY[key]
    if override.kind == "bool":
        return "oui" if value else "non"
    if override.unit == "€":
        return format_euros(Decimal(value))
    text = format_number(value)
    return f"{text} {override.unit}" if override.unit else text


def changes(overrides: dict[str, Any], on: date) -> list[tuple[str, str, str]]:
    """(label, national value, scenario value) for each rule the scenario changes."""
    national = national_values(on)
    return [
        (o.label, _value_text(o.key, national[o.key]), _value_text(o.key, overrides[o.key]))
        for o in OVERRIDES
        if o.key in overrides
    ]


def rules_text(rules: Rules) -> str:
    return (
        f"enfant de moins de {rules.child_age_limit} ans ; allocation au plus "
        f"{format_number(Decimal(str(rules.resource_coefficient)))} × l’ARE minimale ; "
        f"{'parent isolé requis' if rules.single_required else 'parent isolé ou non'} ; "
        f"CDD d’au moins {format_number(round(rules.cdd_min_days))} jours ; formation d’au moins "
        f"{format_number(round(rules.training_min_hours))} heures ; une aide tous les "
        f"{rules.months_between} mois"
    )


def period_factor(starts_on: date, last_day: date) -> float:
    return ((last_day - starts_on).days + 1) / 365.0


def csv_export(comparison: Comparison, name: str, starts_on: date, last_day: date) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [f"Scénario : {name}", f"du {format_date(starts_on)} au {format_date(last_day)}"]
    )
    writer.writerow(
        [
            "niveau",
            "code",
            "libelle",
            "evenements_national",
            "evenements_scenario",
            "aides_national",
            "aides_scenario",
            "cout_national_eur",
            "cout_scenario_eur",
            "cout_par_beneficiaire_supplementaire_eur",
        ]
    )
    for level, lines in (
        ("ensemble", (comparison.total,)),
        ("departement", comparison.by_territory),
        ("groupe", comparison.by_group),
    ):
        for ln in lines:
            per = ln.cost_per_extra_beneficiary
            writer.writerow(
                [
                    level,
                    ln.key,
                    ln.label,
                    f"{ln.national_events:.1f}",
                    f"{ln.scenario_events:.1f}",
                    f"{ln.national_aids:.1f}",
                    f"{ln.scenario_aids:.1f}",
                    f"{ln.national_cost:.0f}",
                    f"{ln.scenario_cost:.0f}",
                    "" if per is None else f"{per:.0f}",
                ]
            )
    writer.writerow([])
    writer.writerow(
        ["sensibilite_recours_facteur", "aides_national", "aides_scenario", "surcout_eur"]
    )
    for f, n, s, extra in comparison.sensitivity:
        writer.writerow([f, f"{n:.1f}", f"{s:.1f}", f"{extra:.0f}"])
    return out.getvalue()
