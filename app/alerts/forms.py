"""The forms of alerts: a parent's address (the only thing asked), and buttons (CSRF only)."""

from __future__ import annotations

from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Email, Length

from app.accounts.forms import EMAIL_MESSAGE
from app.core.forms import FrenchForm, trim


class ParentAlertForm(FrenchForm):
    """A parent saves a search with her address; a confirmation email is sent to it."""

    email = StringField(
        "Votre adresse électronique",
        description="Nous vous écrirons d’abord pour confirmer l’alerte ; rien d’autre avant.",
        filters=[trim],
        validators=[
            DataRequired("Indiquez votre adresse électronique."),
            Length(max=254, message="L’adresse est trop longue."),
            Email(EMAIL_MESSAGE, check_deliverability=False),
        ],
    )
    accord = BooleanField(
        "J’accepte de recevoir ces courriels (au plus un par jour, pendant 6 mois au plus)",
        validators=[DataRequired("Cochez la case pour recevoir les alertes.")],
    )


class ButtonForm(FrenchForm):
    """Only the CSRF token: what to do is in the URL."""
