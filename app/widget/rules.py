"""Partner-token rules, without Flask: allowed origins (with wildcards), presets, tokens."""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from urllib.parse import urlencode

from app.directory.criteria import LIMITS
from app.directory.models import OfferKind
from app.geo import get_commune, get_departement

ORIGIN_PATTERN = re.compile(
    r"^(https?)://(\*\.)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(:\d{1,5})?$"
)
MAX_ORIGINS = 20
#: A declined token request (organisation, contact, reason) is deleted this long after the
#: decision: long enough to answer a partner who writes back about it, no longer (GDPR,
#: article 5(1)(e), storage limitation). A choice of this project, not a legal figure.
DECLINED_KEPT_DAYS = 30
PRESET_KEYS = ("code_insee", "departement", "rayon", "type", "avip")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def parse_origins(text: str, https_only: bool = False) -> tuple[list[str], list[str]]:
    """(origins, errors) from one origin per line (or separated by spaces or commas):
    « https://www.caf.fr », « https://*.caf.fr », « http://localhost:8080 » (refused when
    ``https_only``: a partner's public site is served over https)."""
    origins, errors = [], []
    for raw in re.split(r"[\s,]+", text or ""):
        candidate = raw.strip().rstrip("/").lower()
        if not candidate:
            continue
        match = ORIGIN_PATTERN.match(candidate)
        if not match:
            errors.append(
                f"« {raw.strip()[:80]} » n’est pas une origine : écrivez "
                "https://www.exemple.fr ou https://*.exemple.fr, sans chemin."
            )
        elif https_only and match.group(1) != "https":
            errors.append(
                f"« {raw.strip()[:80]} » : seules les adresses en https sont acceptées, "
                "par exemple https://www.exemple.fr."
            )
        elif candidate not in origins:
            origins.append(candidate)
    if len(origins) > MAX_ORIGINS:
        errors.append(f"{MAX_ORIGINS} origines au plus.")
    return origins, errors


def declined_purge_due(decided_at: datetime | None, now: datetime) -> bool:
    """Is a declined request old enough to be deleted?"""
    return decided_at is not None and now >= decided_at + timedelta(days=DECLINED_KEPT_DAYS)


def clean_siret(text: str) -> str:
    """A SIRET as typed (« 123 456 789 00012 ») without its spaces."""
    return re.sub(r"[\s.]", "", text or "")


def snippet(base_url: str, attributes: list[tuple[str, str]]) -> str:
    """The code to paste: one attribute per line, so that on a phone it wraps between attributes
    rather than inside one (the values are escaped for an HTML attribute)."""
    lines = ["<script", f'  src="{base_url}/static/js/embed.js"']
    lines += [f'  {name}="{html.escape(value, quote=True)}"' for name, value in attributes]
    lines.append("  async></script>")
    return "\n".join(lines)


def origin_allowed(origin: str, patterns: Iterable[str]) -> bool:
    """Does ``origin`` (« https://agence.caf.fr ») match one of ``patterns``, as the browser
    matches CSP frame-ancestors (« https://*.caf.fr » covers subdomains, not caf.fr itself)?"""
    match = ORIGIN_PATTERN.match((origin or "").lower())
    if not match or match.group(2):
        return False
    scheme, host, port = match.group(1), match.group(3), match.group(4) or ""
    for pattern in patterns:
        wanted = ORIGIN_PATTERN.match(pattern)
        if not wanted or wanted.group(1) != scheme or (wanted.group(4) or "") != port:
            continue
        if wanted.group(2):
            if host.endswith("." + wanted.group(3)):
                return True
        elif host == wanted.group(3):
            return True
    return False


def frame_ancestors(patterns: Iterable[str]) -> str:
    """The CSP ``frame-ancestors`` sources: the partner's origins and this site (previews)."""
    return " ".join(["'self'", *patterns])


def clean_presets(values: Mapping[str, object]) -> tuple[dict, dict[str, str]]:
    """(presets, errors by key): a commune (INSEE) or a département, a radius, kinds, AVIP."""
    presets: dict = {}
    errors: dict[str, str] = {}
    code = str(values.get("code_insee") or "").strip().upper()
    if code:
        if get_commune(code) is None:
            errors["code_insee"] = (
                "Code commune INSEE inconnu (5 caractères, par exemple 83137 pour Toulon)."
            )
        else:
            presets["code_insee"] = code
    departement = str(values.get("departement") or "").strip().upper()
    if departement:
        if get_departement(departement) is None:
            errors["departement"] = (
                "Département inconnu : écrivez son numéro, par exemple 83 ou 2A."
            )
        elif code:
            errors["departement"] = "Choisissez une commune ou un département, pas les deux."
        else:
            presets["departement"] = departement
    rayon = str(values.get("rayon") or "").strip()
    if rayon:
        if rayon not in {str(r) for r in LIMITS.radius_choices}:
            errors["rayon"] = "Choisissez un rayon parmi 1, 2, 3, 5, 10, 20 ou 30 km."
        else:
            presets["rayon"] = rayon
    given = values.get("type") or []
    if isinstance(given, str):
        kinds = [k for k in re.split(r"[\s,]+", given) if k]
    else:
        kinds = [str(k) for k in given] if isinstance(given, list | tuple) else []
    known = {k.value for k in OfferKind}
    unknown = [k for k in kinds if k not in known]
    if unknown:
        errors["type"] = f"Type inconnu : {', '.join(unknown)[:80]}."
    elif kinds:
        presets["type"] = list(dict.fromkeys(kinds))
    if str(values.get("avip") or "") in ("1", "true", "on", "y"):
        presets["avip"] = "1"
    return presets, errors


def widget_query(presets: Mapping[str, object]) -> str:
    """The presets as widget URL parameters (« code_insee=83137&type=mam&type=micro_creche »)."""
    pairs = []
    for key in PRESET_KEYS:
        value = presets.get(key)
        for item in value if isinstance(value, list) else [value]:
            if item:
                pairs.append((key, str(item)))
    return urlencode(pairs)
