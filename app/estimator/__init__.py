"""Aid estimator: « Combien va me coûter la garde, et quelle aide puis-je avoir ? »

Pure rules, no Flask, no database: the web page and the JSON API call these functions.

Main entry point::

    from datetime import date
    from decimal import Decimal
    from app.estimator import Activity, CareNeed, EstimateInput, estimate, format_euros

    result = estimate(EstimateInput(
        as_of=date(2025, 10, 1),
        inscrit_france_travail=True, categorie_demandeur=1,
        enfants=(2,),
        activite=Activity("cdi", date(2025, 10, 6), heures_par_semaine=Decimal(35)),
        ressources_mensuelles=Decimal(1800),
        garde=CareNeed(heures_par_mois=Decimal(150), tarif_horaire=Decimal("4.50")),
    ))
    result.age.eligible, format_euros(result.age.amount)      # True, "416,00 €"
    [c.message for c in result.age.conditions]                 # one French reason per condition
    result.cost("creche").monthly_out_of_pocket               # Decimal

Modules: :mod:`.age` (AGE / AGEPI), :mod:`.costs` (crèche, childminder, MAM), :mod:`.estimate`
(both together), :mod:`.parameters` (dated values and their sources), :mod:`.french`
(formatting). Money is :class:`~decimal.Decimal` rounded to the cent.
"""

from app.core.french import format_date, format_euros, format_number

from .age import (
    ACTIVITY_TYPES,
    TERRITORIES,
    Activity,
    AgeInput,
    AgeResult,
    Condition,
    DateOutOfRange,
    InvalidInput,
    estimate_age,
)
from .costs import (
    MODES,
    AidLine,
    CareInput,
    ModeCost,
    care_costs,
    childminder_cost,
    cmg_monthly,
    creche_cost,
    effort_rate,
    psu_hourly_price,
    tax_credit_monthly,
)
from .estimate import CareNeed, Child, ChildCare, Estimate, EstimateInput, ModeTotal, estimate

__all__ = [
    "ACTIVITY_TYPES",
    "MODES",
    "TERRITORIES",
    "Activity",
    "AgeInput",
    "AgeResult",
    "AidLine",
    "CareInput",
    "CareNeed",
    "Child",
    "ChildCare",
    "Condition",
    "DateOutOfRange",
    "Estimate",
    "EstimateInput",
    "InvalidInput",
    "ModeCost",
    "ModeTotal",
    "care_costs",
    "childminder_cost",
    "cmg_monthly",
    "creche_cost",
    "effort_rate",
    "estimate",
    "estimate_age",
    "format_date",
    "format_euros",
    "format_number",
    "psu_hourly_price",
    "tax_credit_monthly",
]
