"""The answers of « Estimer mes aides » for its usual case: a mother in Toulon, a CDD of 35 h a
week, two children (2 and 7), no allowance, weekdays 7:30–18:00."""

from __future__ import annotations


def estimator_answers(day: str, start: str, end: str) -> list[tuple[str, str]]:
    """The form's pairs, the estimate made on ``day`` for a CDD from ``start`` to ``end``
    (ISO dates)."""
    return [
        ("date", day),
        ("activite", "cdd"),
        ("date_debut", start),
        ("date_fin", end),
        ("heures_semaine", "35"),
        ("lieu", "Toulon (83 – Var)"),
        ("inscrit", "oui"),
        ("categorie", "1"),
        ("allocation", "non"),
        ("parent_isole", "oui"),
        ("deja_aide", "non"),
        ("enfants-0", "2"),
        ("enfants-1", "7"),
        *[("jours", d) for d in ("lu", "ma", "me", "je", "ve")],
        ("de", "7:30"),
        ("a", "18:00"),
        ("ressources", "1 450"),
        ("tarif", "4,60"),
    ]
