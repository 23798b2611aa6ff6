"""Recognising one place in several files: normalised keys, AVIP wording, eligibility codes.

Pure functions (no database): the import (:mod:`app.api.imports`) uses them to match a record
to an offer already known from another source.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

#: data·inclusion's network of AVIP crèches (``reseaux_porteurs``).
AVIP_NETWORK = "creches-avip"
#: How data·inclusion writes monenfant.fr's AVIP flag into a service's name and description
#: (« Garde et accueil des enfants, À Vocation d’Insertion Professionnelle »; the description
#: starts with « ## À Vocation d’Insertion Professionnelle »), compared without accents.
AVIP_WORDS = "a vocation d'insertion professionnelle"
#: Words that say nothing about which place it is, left out of the name key.
STOP_WORDS = frozenset(
    {"la", "le", "les", "l", "de", "des", "du", "d", "a", "au", "aux", "et", "en"}
    | {"creche", "creches", "multi", "accueil", "micro"}
)
STREET_WORDS = {
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "r": "rue",
    "pl": "place",
    "che": "chemin",
    "chem": "chemin",
    "imp": "impasse",
    "all": "allee",
    "rte": "route",
    "sq": "square",
}


def plain(text: str) -> str:
    """Lower case, no accents, typographic apostrophes as ', spaces collapsed."""
    text = unicodedata.normalize("NFKD", text or "").replace("’", "'").replace("`", "'")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().split())


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", plain(text))


def match_key(name: str, address: str, code_insee: str) -> str | None:
    """« crèche Les Lilas », « 12, av. Foch », 83137 → "83137|lilas|12 avenue foch"; None
    without a name or a street."""
    name_words = [w for w in _words(name) if w not in STOP_WORDS]
    street = [STREET_WORDS.get(w, w) for w in _words(address)]
    if not name_words or not street or not code_insee:
        return None
    return f"{code_insee}|{' '.join(name_words)}|{' '.join(street)}"[:200]


def says_avip(texts: Iterable[Any], networks: Iterable[Any] = (), typologie: Any = None) -> bool:
    """A record is AVIP when its networks hold ``creches-avip``, its structure's typology is
    ``AVIP`` (schema v0), or its name or description carries monenfant.fr's wording."""
    if AVIP_NETWORK in {str(n) for n in networks or () if n}:
        return True
    if isinstance(typologie, str) and typologie.strip().upper() == "AVIP":
        return True
    return any(isinstance(t, str) and AVIP_WORDS in plain(t) for t in texts)


def eligible_codes(value: Any) -> list[str] | None:
    """``zone_eligibilite``: INSEE codes of communes (5 characters) or départements (2–3);
    None when the zone is the whole country (``france``, ``99100``), empty or unreadable."""
    if isinstance(value, str):
        value = [v for v in re.split(r"[,;|\s]+", value) if v]
    if not isinstance(value, list):
        return None
    codes = []
    for item in value:
        code = str(item).strip().upper()
        if code.lower() == "france" or code == "99100":
            return None
        if re.fullmatch(r"\d[0-9AB]\d{3}|\d{2,3}|2[AB]", code):
            codes.append(code)
    return sorted(set(codes)) or None
