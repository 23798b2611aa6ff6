"""What the estimator templates show: steps, error list, links (share, print, directory)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from flask import url_for

from app.core.french import format_number
from app.directory.criteria import DAY_CODES, DAY_LABELS
from app.estimator import AgeResult, ChildCare, Estimate, ModeCost
from app.estimator.parameters import Entry
from app.estimator_web.forms import (
    CONTRACTS,
    MAX_CHILDREN,
    MODE_PARAMS,
    MONTHS,
    STEPS,
    EstimatorForm,
)

# The directory's « Âge de l'enfant » filter, in months, for a child's age in years.
_AGE_FILTER = {0: "0", 1: "12", 2: "24", 3: "36", 4: "48", 5: "48"}


@dataclass(frozen=True)
class ErrorItem:
    name: str
    label: str
    message: str


def _ordinal(n: int) -> str:
    return "1er" if n == 1 else f"{n}e"


@dataclass(frozen=True)
class ExperimentNotice:
    """The parent's estimate used an experiment's rules: which ones (``label``: « règles
    expérimentales du département … jusqu'au … ») and what the national rules give."""

    label: str
    national: AgeResult


@dataclass
class EstimatorView:
    form: EstimatorForm
    submitted: bool
    result: Estimate | None = None
    added_child: bool = False
    experiment: ExperimentNotice | None = None
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
        for row in form.child_rows():
            for entry in row:
                if entry.data:
                    pairs.append((entry.name, entry.data))
        pairs += [("jours", day) for day in form.jours.data or []]
        for name in (
            "de",
            "a",
            "heures_mois",
            "ressources",
            "tarif",
            "entretien",
            "repas",
            "prix_micro_creche",
            "tarif_domicile",
            "mode",
        ):
            if form[name].data:
                pairs.append((name, form[name].data))
        pairs += [("situations", item) for item in form.situations.data or []]
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

    def child_heading(self, child: ChildCare) -> str:
        age = (
            "moins de 1\u00a0an"
            if child.age == 0
            else f"{child.age}\u00a0an" + ("s" if child.age > 1 else "")
        )
        return f"{self.child_label(child.position)} ({age})"

    def ordered(self, costs: tuple[ModeCost, ...]) -> list[ModeCost]:
        """The modes, the one the parent came for (``?mode=`` from an offer page) first."""
        wanted = self.form.mode.data if self.form.mode.data in MODE_PARAMS else None
        return sorted(costs, key=lambda cost: cost.mode != wanted)

    def headline(self) -> list[tuple[str, Decimal]]:
        """Each mode and the cash it asks each month, for all the children to be cared for."""
        if self.result is None:
            return []
        totals = {total.mode: total for total in self.result.totals}
        modes = self.ordered(self.result.children[0].costs) if self.result.children else []
        ordered = [totals[c.mode] for c in modes if c.mode in totals]
        ordered += [t for t in self.result.totals if t not in ordered]
        return [(total.label, total.monthly_cash) for total in ordered]

    @property
    def several_children(self) -> bool:
        return bool(self.result and len(self.result.children) > 1)

    @property
    def care_month(self) -> str | None:
        if self.result is None or self.result.care_reference_date is None:
            return None
        on = self.result.care_reference_date
        return f"{MONTHS[on.month - 1]} {on.year}"

    @staticmethod
    def sources(cost: ModeCost) -> list[Entry]:
        """The official texts behind the card's figures, once each."""
        seen: dict[str, Entry] = {}
        for item in cost.parameters_used:
            seen.setdefault(item.source, item)
        return list(seen.values())

    @staticmethod
    def has_unverified(cost: ModeCost) -> bool:
        return any(item.unverified for item in cost.parameters_used)

    def schedule_text(self) -> str | None:
        """The care days and hours, in words (« lundi, mardi… de 7:30 à 18:00 »)."""
        form = self.form
        if not (form.jours.data and form.de.time_value and form.a.time_value):
            return None
        names = dict(zip(DAY_CODES, DAY_LABELS, strict=True))
        days = ", ".join(names[d].lower() for d in DAY_CODES if d in form.jours.data)
        return (
            f"{days}, de {form.de.time_value.strftime('%H:%M').lstrip('0')} à "
            f"{form.a.time_value.strftime('%H:%M').lstrip('0')}"
        ).replace(" :", ":")

    @property
    def hours_text(self) -> str | None:
        hours, from_schedule = self.form.care_hours()
        if hours is None:
            return None
        rounded = format_number(hours.quantize(Decimal("1")) if hours >= 10 else hours)
        source = (
            "d’après vos réponses sur la garde"
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
        schedule = self.schedule_text()
        if schedule:
            out.append(("Jours et heures de garde", schedule))
        hours, _ = form.care_hours()
        if hours:
            out.append(("Heures de garde par mois", format_number(hours)))
        if form.ressources.data:
            out.append(("Revenus mensuels du foyer", f"{form.ressources.data}\u00a0€"))
        for item in form.situations.data or []:
            label = next((str(c.label) for c in form.situations.choices if c.value == item), "")
            out.append(("Situation", label))
        if form.tarif.data:
            out.append(
                ("Salaire horaire de l’assistant·e maternel·le", f"{form.tarif.data}\u00a0€")
            )
        for fld in (form.entretien, form.repas, form.prix_micro_creche, form.tarif_domicile):
            if fld.data:
                out.append((fld.label.text, f"{fld.data}\u00a0€"))
        return out
