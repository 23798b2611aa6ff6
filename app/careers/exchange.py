"""Links to the job exchange (« bourse de l’emploi »), built as plain URLs from its documented
parameters: ``GET /bourse-emploi?lieu=…&rayon=…&metier=<code ROME>&contrat=…&immersion=1``.
Nothing here imports the job exchange: the link works whether or not it is installed."""

from __future__ import annotations

from urllib.parse import urlencode

PATH = "/bourse-emploi"


def exchange_url(
    *,
    metier: str = "",
    lieu: str = "",
    rayon: int | None = None,
    contrat: str = "",
    immersion: bool = False,
) -> str:
    params: list[tuple[str, str]] = []
    if lieu:
        params.append(("lieu", lieu))
    if rayon:
        params.append(("rayon", str(rayon)))
    if metier:
        params.append(("metier", metier))
    if contrat:
        params.append(("contrat", contrat))
    if immersion:
        params.append(("immersion", "1"))
    return f"{PATH}?{urlencode(params)}" if params else PATH
