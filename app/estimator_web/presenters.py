"""What the estimator templates show: steps, error list, links (share, print, directory)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from flask import url_for

from app.core.french import format_number
from app.estimator import Estimate
from app.estimator_web.forms import CONTRACTS, MAX_CHILDREN, STEPS, EstimatorForm

# The directory's « Âge de l'enfant » filter, in months, for a child's age in years.
_AGE_FILTER = {0: "0", 1: "12", 2: "24", 3: "36", 4: "48", 5: "48"}


@dataclass(frozen=True)
class ErrorItem:
    name: str
    label: str
    message: str


def _ordinal(n: int) -> str:
    return "1er" if n == 1 else f"{n}e"


@dataclass
class EstimatorView:
    form: EstimatorForm
    submitted: bool
    result: Estimate | None = None
    added_child: bool = False
    steps: tuple = STEPS
    max_children: int = MAX_CHILDREN
    errors: list[ErrorItem] = field(init=False)

    def __post_init__(self) -> None:
        self.errors = [
            ErrorItem(name, self._label(name), message)
            for name, messages in self.form.error_fields().items()
            for message in messages
        ] + [ErrorItem("formulaire-estimation", "Estimation", m) for m in self.form.form_errors]

    def _label(self, name: str) -> str:
        if name.startswith("enfants-"):
            return f"Âge du {self.child_label(int(name.split('-')[1]) + 1).lower()}"
        return self.form[name].label.text if name in self.form._fields else name

    @staticmethod
    def child_label(position: int) -> str:
        return f"{_ordinal(position)} enfant"

    @property
    def visible_steps(self) -> int:
        return (
            len(self.steps) if self.submitted else min(self.form.steps_done() + 1, len(self.steps))
        )

    @property
    def as_of_iso(self) -> str:
        return self.form.as_of().isoformat()

    # -- links -------------------------------------------------------------------------------

    def query(self) -> list[tuple[str, str]]:
        """The answers as query parameters (what the form would send), for share and print."""
        form = self.form
        pairs: list[tuple[str, str]] = [("date", self.as_of_iso)]
        for name in (
            "activite",
            "date_debut",
            "date_fin",
            "duree_heures",
            "heures_semaine",
            "lieu",
            "inscrit",
            "categorie",
            "allocation",
            "montant_allocation",
            "parent_isole",
            "deja_aide",
            "date_derniere_aide",
        ):
            value = form[name].data
            if value:
                pairs.append((name, str(value)))
        for entry in form.enfants.entries:
            if entry.data:
                pairs.append((entry.name, entry.data))
        pairs += [("jours", day) for day in form.jours.data or []]
        for name in ("de", "a", "ressources", "tarif"):
            if form[name].data:
                pairs.append((name, form[name].data))
        pairs.append(("calculer", "1"))
        return pairs

    @property
    def share_url(self) -> str:
        return url_for("estimator.page", _external=True) + "?" + urlencode(self.query())

    @property
    def print_url(self) -> str:
        return url_for("estimator.printable") + "?" + urlencode(self.query())

    @property
    def page_url(self) -> str:
        return url_for("estimator.page") + "?" + urlencode(self.query())

    @property
    def directory_url(self) -> str:
        form = self.form
        params: list[tuple[str, str]] = []
        if form.commune is not None:
            params += [("lieu", form.commune.label), ("code_insee", form.commune.code_insee)]
        if form.jours.data and form.de.time_value is not None and form.a.time_value is not None:
            params += [("jours", day) for day in form.jours.data]
            params += [
                ("de", form.de.time_value.strftime("%H:%M")),
                ("a", form.a.time_value.strftime("%H:%M")),
            ]
        ages = form.children_ages()
        if ages:
            params.append(("age", _AGE_FILTER.get(min(ages), "72")))
        return url_for("directory.search") + ("?" + urlencode(params) if params else "")

    # -- what the results say ------------------------------------------------------------------

    @property
    def hours_text(self) -> str | None:
        hours, from_schedule = self.form.care_hours()
        if hours is None:
            return None
        rounded = format_number(hours.quantize(Decimal("1")) if hours >= 10 else hours)
        source = (
            "d’après vos horaires de garde"
            if from_schedule
            else "autant que les heures de votre emploi ou de votre formation"
        )
        return f"Pour environ {rounded}\u00a0heures de garde par mois, {source}."

    def answers(self) -> list[tuple[str, str]]:
        """The answers, in words, for the printable view."""
        form = self.form
        out: list[tuple[str, str]] = []

        def choice_label(fld) -> str:
            return next((str(c.label) for c in fld.choices if c.value == fld.data), "")

        if form.activite.data:
            out.append(("Activité", choice_label(form.activite)))
        if form.date_debut.date_value:
            out.append(("Début", form.date_debut.date_value.strftime("%d/%m/%Y")))
        if form.activite.data in CONTRACTS and form.date_fin.date_value:
            out.append(("Fin du contrat", form.date_fin.date_value.strftime("%d/%m/%Y")))
        if form.activite.data == "formation" and form.duree_heures.data:
            out.append(("Durée de la formation", f"{form.duree_heures.data}\u00a0h"))
        if form.heures_semaine.data:
            out.append(("Heures par semaine", form.heures_semaine.data))
        if form.commune:
            out.append(("Commune", form.commune.label))
        for fld in (form.inscrit, form.allocation, form.parent_isole, form.deja_aide):
            if fld.data:
                out.append((fld.label.text, choice_label(fld)))
        if form.inscrit.data == "oui":
            out.append((form.categorie.label.text, choice_label(form.categorie)))
        if form.allocation.data == "oui" and form.montant_allocation.data:
            out.append(("Allocation par jour", f"{form.montant_allocation.data}\u00a0€"))
        ages = form.children_ages()
        if ages:
            out.append(
                (
                    "Âge des enfants",
                    ", ".join(
                        "moins de 1 an" if a == 0 else f"{a}\u00a0an{'s' if a > 1 else ''}"
                        for a in ages
                    ),
                )
            )
        if form.ressources.data:
            out.append(("Revenus mensuels du foyer", f"{form.ressources.data}\u00a0€"))
        if form.tarif.data:
            out.append(
                ("Salaire horaire de l’assistant·e maternel·le", f"{form.tarif.data}\u00a0€")
            )
        return out
