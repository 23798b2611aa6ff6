"""Offer management by their gestionnaires (``/gestion``): editing, hours, free places,
publication, the history of changes and the freshness reminders."""
