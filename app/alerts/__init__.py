"""Saved searches and their alerts: a prescripteur (account) or a parent (an email address,
double opt-in) is emailed, at most daily and in one digest, the offers that appear or gain free
places around a saved search. Matching follows the search change log (:mod:`app.search.changes`)
with a cursor, offer by offer, against the saved searches as numpy columns."""
