"""Accounts of professionals (gestionnaires, prescripteurs, coordinateurs, admins): models,
pure access rules (:mod:`.policies`), signed tokens, the flows (:mod:`.services`) and views.
Parents never need an account."""
