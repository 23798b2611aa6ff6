"""Finding communes from what a parent types: a name, a postcode, a former name, an INSEE code.

Everything here is a pure function over the reference loaded by :mod:`app.geo.communes`. The
search index is built once, lazily, and shared by the whole process (:func:`_index`).

How a query is matched
----------------------
The query and the names are :func:`normalize`-d, then:

* a name matches when every query token is a prefix of a *distinct* token of the name
  (« st etienne » → Saint-Étienne, « evry » → Évry-Courcouronnes, « paris 15 » → Paris 15e);
  a number in a text query may instead match the département code or a postcode
  (« toulon 83 », « sainte colombe 89 »);
* a query made of 2 to 5 digits matches postcodes by prefix (« 830 », « 83000 »); for an
  exact postcode, the communes whose main postcode it is come first, and an arrondissement
  before its city (« 75015 » → Paris 15e, then Paris);
* a 5-character query matching an INSEE code (« 83137 », « 2A004 ») matches that commune;
  5 digits count as an INSEE code only when they are nobody's postcode;
* former communes (``communes-aliases.csv``) match like names; the match carries the former
  name so that the interface can show « Saint-Bois → Arboys en Bugey (01 – Ain) »;
* a full label as produced by :attr:`Commune.label` (optionally « Former → Label ») matches
  its commune only.

Ranking: relevance tier (see the ``_T_*`` constants), then population (descending), then INSEE
code. Internally communes are numbered by that (population, code) order, their *rank*, so that
ordering candidates inside a tier is a plain sort of integers. Former names rank after the
current names that are equal to or start with the query, but before the looser « every word
somewhere in the name » matches: otherwise « Saint-Bois » would be buried under dozens of
Saint-Machin-du-Bois.

Performance: sorted (key, rank) arrays and :mod:`bisect` give the prefix ranges; a tier is only
examined while the result list is not full, and candidates are verified lazily in rank order.
No query scans the 35,000 communes.
"""

from __future__ import annotations

import difflib
import functools
import operator
import re
import threading
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .communes import LABEL_DASH, Commune, load_reference

__all__ = [
    "EMPTY_MESSAGE",
    "MAX_QUERY_LENGTH",
    "PlaceMatch",
    "PlaceResolution",
    "ambiguous_message",
    "by_departement",
    "lookup_places",
    "normalize",
    "not_found_message",
    "place_to_json",
    "resolve_place",
]

MAX_QUERY_LENGTH = 100
MAX_SUGGESTIONS = 10
MAX_CHOICES = 200  # matches counted when a place is ambiguous (« 200 autres communes ou plus »)
_FALLBACK_SUGGESTIONS = 5
_ALIAS_ARROW = "→"

# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------

_NON_ALNUM = re.compile(r"[\W_]+")
# 1er, 1re, 1ere, 2e, 2eme, 2ème, 3ieme, 2nd, 2nde (accents are already stripped).
_ORDINAL = re.compile(r"^(\d+)(?:er|ere|re|iere|e|eme|ieme|nd|nde)$")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


class _FoldTable(dict):
    """str.translate table folding one character at a time, filled on demand: « É » → « e »,
    « œ » → « oe », « ﬁ » → « fi », combining marks → nothing."""

    _MAX_SIZE = 20_000  # arbitrary input must not grow the cache without bound

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint).lower().translate(_LIGATURES)
        folded = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        folded = folded.lower().translate(_LIGATURES)
        if len(self) < self._MAX_SIZE:
            self[codepoint] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def _fold(text: str) -> str:
    return text.lower() if text.isascii() else text.translate(_FOLD_TABLE)


def _tokens(text: str) -> list[str]:
    tokens = []
    for token in _NON_ALNUM.split(_fold(text)):
        if not token:
            continue
        ordinal = _ORDINAL.match(token) if token[0].isdigit() else None
        token = ordinal.group(1) if ordinal else _ABBREVIATIONS.get(token, token)
        tokens.append(token)
    return tokens


_NEEDS_TOKEN_RULES = re.compile(r"\d|\bste?\b")


def normalize(text: str) -> str:
    """« Saint-Étienne » → « saint etienne »; « St-Œuf 15ème » → « saint oeuf 15 ».

    Accents stripped (NFKD), lowercase, œ/æ spelt out, every non-alphanumeric character turned
    into a single space, « st »/« ste » expanded, French ordinals reduced to their number.
    """
    if not isinstance(text, str):
        return ""
    folded = _NON_ALNUM.sub(" ", _fold(text)).strip()
    if _NEEDS_TOKEN_RULES.search(folded):  # ordinals, « st », « ste »
        return " ".join(_tokens(text))
    return folded


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    commune: Commune
    alias: str | None = None  # the former commune name when matched through the aliases

    @property
    def label(self) -> str:
        """« Toulon (83 – Var) » or « Saint-Bois → Arboys en Bugey (01 – Ain) »."""
        if self.alias:
            return f"{self.alias} {_ALIAS_ARROW} {self.commune.label}"
        return self.commune.label


def place_to_json(match: PlaceMatch) -> dict[str, object]:
    """A place found, as ``/lieux`` (JSON) and ``GET /api/v1/communes`` show it."""
    commune = match.commune
    return {
        "code_insee": commune.code_insee,
        "nom": commune.name,
        "libelle": commune.label,
        "ancien_nom": match.alias,
        "departement": commune.departement_code,
        "codes_postaux": list(commune.postcodes),
        "latitude": commune.latitude,
        "longitude": commune.longitude,
    }


@dataclass
class PlaceResolution:
    commune: Commune | None
    suggestions: list[PlaceMatch] = field(default_factory=list)
    message: str | None = None
    more: int = 0  # other matches not listed (``more_capped``: at least this many)
    more_capped: bool = False

    @property
    def narrow_hint(self) -> str:
        """How to reach the communes not listed (plain text), or "" when all are listed."""
        if not self.more:
            return ""
        count = f"{'Au moins ' if self.more_capped else ''}{self.more}"
        example = ""
        if self.suggestions:
            commune = self.suggestions[0].commune
            example = f" (par exemple {_quote(f'{commune.name} {commune.departement_code}')})"
        return (
            f"{count} autre{'s' if self.more > 1 else ''} commune{'s' if self.more > 1 else ''} "
            f"{'correspondent' if self.more > 1 else 'correspond'} aussi{_NBSP}: ajoutez le "
            f"numéro du département ou le code postal pour la trouver{example}."
        )


# ---------------------------------------------------------------------------------------------
# Index
# ---------------------------------------------------------------------------------------------

_LAST = chr(0x10FFFF)


def _prefix_slice(keys: Sequence[str], prefix: str) -> tuple[int, int]:
    return bisect_left(keys, prefix), bisect_left(keys, prefix + _LAST)


def _sorted_pairs(pairs: Iterable[tuple[str, int]]) -> tuple[list[str], list[int]]:
    """Parallel (keys, values) sorted by key. The pairs must come in ascending value order: the
    sort is stable, so values stay ascending (best rank first) among equal keys."""
    keys: list[str] = []
    values: list[int] = []
    for key, value in pairs:
        keys.append(key)
        values.append(value)
    if not keys:
        return [], []
    order = sorted(range(len(keys)), key=keys.__getitem__)
    if len(order) == 1:
        return [keys[order[0]]], [values[order[0]]]
    pick = operator.itemgetter(*order)
    return list(pick(keys)), list(pick(values))


_ARRONDISSEMENT_NAME = re.compile(r"^(.+) \d+ arrondissement$")


@dataclass(frozen=True)
class _Alias:
    name: str
    norm: str
    tokens: tuple[str, ...]
    rank: int  # rank of the current commune


class _Index:
    def __init__(self) -> None:
        reference = load_reference()
        communes = sorted(reference.communes, key=lambda c: (-c.population, c.code_insee))
        self.communes: list[Commune] = communes
        self.norms: list[str] = [normalize(c.name) for c in communes]
        self.name_tokens: list[tuple[str, ...]] = [tuple(n.split()) for n in self.norms]
        self.rank_by_code: dict[str, int] = {c.code_insee: r for r, c in enumerate(communes)}
        self.max_tokens = max(map(len, self.name_tokens))

        self.name_keys, self.name_ranks = _sorted_pairs((n, r) for r, n in enumerate(self.norms))
        self.token_keys, self.token_ranks = _sorted_pairs(
            (token, rank) for rank, tokens in enumerate(self.name_tokens) for token in set(tokens)
        )
        self.exact: dict[str, list[int]] = {}
        self.by_name_and_departement: dict[tuple[str, str], int] = {}
        for rank, (norm, commune) in enumerate(zip(self.norms, communes, strict=True)):
            self.exact.setdefault(norm, []).append(rank)
            self.by_name_and_departement[(norm, commune.departement_code)] = rank

        self.postcode_keys, self.postcode_ranks = _sorted_pairs(
            (postcode, rank) for rank, c in enumerate(communes) for postcode in set(c.postcodes)
        )

        # Paris 15e → Paris: a postcode shared by an arrondissement and its city is not ambiguous.
        self.parent: dict[int, int] = {}
        for rank, commune in enumerate(communes):
            if commune.kind != "arrondissement":
                continue
            found = _ARRONDISSEMENT_NAME.match(self.norms[rank])
            if found:
                parent = self.by_name_and_departement.get(
                    (found.group(1), commune.departement_code)
                )
                if parent is not None:
                    self.parent[rank] = parent

        self.aliases: list[_Alias] = []
        for alias in reference.aliases:
            norm = normalize(alias.name)
            current = self.rank_by_code.get(alias.current_code)
            if norm and current is not None:
                self.aliases.append(_Alias(alias.name, norm, tuple(norm.split()), current))
        self.aliases.sort(key=lambda a: (a.rank, a.norm))  # alias number order = rank order
        self.alias_keys, self.alias_ids = _sorted_pairs(
            (a.norm, i) for i, a in enumerate(self.aliases)
        )
        self.alias_token_keys, self.alias_token_ids = _sorted_pairs(
            (token, i) for i, a in enumerate(self.aliases) for token in set(a.tokens)
        )
        self.alias_exact: dict[str, list[int]] = {}
        for i, a in enumerate(self.aliases):
            self.alias_exact.setdefault(a.norm, []).append(i)


_INDEX_LOCK = threading.Lock()


@functools.cache
def _index() -> _Index:
    """The process-wide search index (about 0.3 s to build, on first use)."""
    with _INDEX_LOCK:
        return _Index()


# ---------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------

# Relevance tiers, best first. Text queries:
_T_EXACT = 0  # normalized name == query                        « evry » → Évry
_T_START_WORD = 1  # name starts with the query, in whole words  « paris 1 » → Paris 1er Arr.
_T_START = 2  # name starts with the query                        « evr » → Évry-Courcouronnes
_T_ALIAS_EXACT = 3  # former name == query                        « saint bois » → Arboys en Bugey
_T_ALIAS_START = 4  # former name starts with the query
_T_ANYWHERE = 5  # every query token prefixes a distinct name token
_T_ALIAS_ANYWHERE = 6
# Digit queries: 0–3 for an exact postcode (see _postcode_tier), then
_T_POSTCODE_PREFIX = 10  # « 830 » → Toulon (83000)
_T_INSEE = 20  # « 83137 » → Toulon; « 2A004 » → Ajaccio
# A label from the autocomplete (« Toulon (83 – Var) »):
_T_LABEL = -1

_VERIFY_BUDGET = 1500  # candidates checked token by token, at most, per query

_INSEE_CODE = re.compile(r"^(?:\d{5}|2[ab]\d{3})$")
_NUMBER = re.compile(r"\d+|2[ab]\d{0,3}")
_LABEL = re.compile(
    r"^\s*(?:(?P<alias>[^→]+?)\s*→\s*)?(?P<name>.+?)\s*"
    r"\(\s*(?P<dep>\d{2,3}|2[abAB])\s*[-–—]\s*(?P<depname>[^()]+?)\s*\)\s*$"
)


@dataclass(frozen=True, slots=True)
class _Hit:
    tier: int
    rank: int
    alias: str | None = None


@dataclass
class _Search:
    kind: str  # "empty" | "label" | "digits" | "text"
    norm: str  # normalized query
    hits: list[_Hit]
    tokens: list[str] = field(default_factory=list)
    words: str = ""  # the query without its numbers (« sainte colombe » for « … 89 »)
    numbers: list[str] = field(default_factory=list)


def _is_number(token: str) -> bool:
    """Digits, or a Corsican code start (« 2a », « 2a004 »)."""
    return bool(_NUMBER.fullmatch(token))


def _numbers_fit(commune: Commune, numbers: Sequence[str]) -> bool:
    """« 89 », « 890 », « 89440 »: a prefix of the département code or of a postcode."""
    departement = commune.departement_code.lower()
    return all(
        departement.startswith(n) or any(p.startswith(n) for p in commune.postcodes)
        for n in numbers
    )


class _Collector:
    """Best hit per commune, in the order tiers are fed (best tier first), up to ``limit``.

    ``numbers`` optionally restricts hits to communes whose département or postcode they fit.
    """

    def __init__(self, ix: _Index, limit: int, numbers: Sequence[str] = ()) -> None:
        self.ix = ix
        self.limit = limit
        self.numbers = numbers
        self.hits: list[_Hit] = []
        self.seen: set[int] = set()

    @property
    def full(self) -> bool:
        return len(self.hits) >= self.limit

    def add(self, tier: int, rank: int, alias: str | None = None) -> bool:
        """Add unless already there or filtered out; return True once the list is full."""
        if rank not in self.seen:
            self.seen.add(rank)
            if not self.numbers or _numbers_fit(self.ix.communes[rank], self.numbers):
                self.hits.append(_Hit(tier, rank, alias))
        return self.full

    def add_all(self, tier: int, ranks: Iterable[int]) -> bool:
        if self.full:
            return True
        return any(self.add(tier, rank) for rank in ranks)


def _tokens_match(
    name_tokens: Sequence[str], query_tokens: Sequence[str], commune: Commune
) -> bool:
    """Every query token is a prefix of a distinct name token (bipartite matching).

    A numeric query token may instead fit the département code or a postcode, without using
    up a name token (« toulon 83 »).
    """
    options: list[list[int]] = []
    for token in query_tokens:
        if _is_number(token) and _numbers_fit(commune, (token,)):
            continue
        choices = [i for i, name_token in enumerate(name_tokens) if name_token.startswith(token)]
        if not choices:
            return False
        options.append(choices)
    if len(options) > len(name_tokens):
        return False
    if all(len(choices) == 1 for choices in options):
        return len({choices[0] for choices in options}) == len(options)

    owner: dict[int, int] = {}  # name token index → query token index (Kuhn's algorithm)

    def assign(q: int, visited: set[int]) -> bool:
        for i in options[q]:
            if i not in visited:
                visited.add(i)
                if i not in owner or assign(owner[i], visited):
                    owner[i] = q
                    return True
        return False

    return all(assign(q, set()) for q in range(len(options)))


def _candidates(keys: list[str], values: list[int], tokens: Sequence[str]) -> set[int]:
    """Values having, for every query token, a token it is a prefix of (distinctness and the
    numeric alternatives are checked afterwards by :func:`_tokens_match`)."""
    ranges = []
    for token in tokens:
        lo, hi = _prefix_slice(keys, token)
        if lo == hi:
            return set()
        ranges.append((hi - lo, lo, hi))
    ranges.sort()  # start from the most selective token
    _, lo, hi = ranges[0]
    found = set(values[lo:hi])
    for _, lo, hi in ranges[1:]:
        found.intersection_update(values[lo:hi])
        if not found:
            break
    return found


def _text_hits(ix: _Index, tokens: list[str], collector: _Collector) -> None:
    query = " ".join(tokens)
    if collector.add_all(_T_EXACT, ix.exact.get(query, ())):
        return
    lo, hi = _prefix_slice(ix.name_keys, query + " ")
    if collector.add_all(_T_START_WORD, sorted(ix.name_ranks[lo:hi])):
        return
    lo, hi = _prefix_slice(ix.name_keys, query)
    if collector.add_all(_T_START, sorted(ix.name_ranks[lo:hi])):
        return

    for i in ix.alias_exact.get(query, ()):
        if collector.add(_T_ALIAS_EXACT, ix.aliases[i].rank, ix.aliases[i].name):
            return
    lo, hi = _prefix_slice(ix.alias_keys, query)
    for i in sorted(ix.alias_ids[lo:hi]):  # alias numbers follow the communes' rank
        if collector.add(_T_ALIAS_START, ix.aliases[i].rank, ix.aliases[i].name):
            return

    # Candidates come from the words; numbers may be a département or a postcode.
    words = [t for t in tokens if not _is_number(t)] or tokens
    if len(words) > ix.max_tokens:
        return
    # Tokens unrelated by prefix can never claim the same name token, so without numbers the
    # candidates need no further check (« saint e »); otherwise verify them, within a budget
    # that only absurd queries (« de de de de ») can exhaust.
    check = len(words) != len(tokens) or any(
        a.startswith(b) for i, a in enumerate(tokens) for j, b in enumerate(tokens) if i != j
    )
    budget = _VERIFY_BUDGET
    for rank in sorted(_candidates(ix.token_keys, ix.token_ranks, words)):
        if rank in collector.seen:
            continue
        if check:
            budget -= 1
            if budget < 0:
                break
            if not _tokens_match(ix.name_tokens[rank], tokens, ix.communes[rank]):
                continue
        if collector.add(_T_ANYWHERE, rank):
            return
    for i in sorted(_candidates(ix.alias_token_keys, ix.alias_token_ids, words)):
        alias = ix.aliases[i]
        if (
            alias.rank not in collector.seen
            and (not check or _tokens_match(alias.tokens, tokens, ix.communes[alias.rank]))
            and collector.add(_T_ALIAS_ANYWHERE, alias.rank, alias.name)
        ):
            return


def _postcode_tier(ix: _Index, rank: int, postcode: str, query: str) -> int:
    if postcode != query:
        return _T_POSTCODE_PREFIX
    commune = ix.communes[rank]
    # Main postcode first, then arrondissements before their city: 75015 → Paris 15e, Paris.
    return (0 if commune.main_postcode == query else 2) + (
        0 if commune.kind == "arrondissement" else 1
    )


def _digit_hits(ix: _Index, query: str, collector: _Collector) -> None:
    best: dict[int, int] = {}
    if 2 <= len(query) <= 5:
        lo, hi = _prefix_slice(ix.postcode_keys, query)
        for postcode, rank in zip(ix.postcode_keys[lo:hi], ix.postcode_ranks[lo:hi], strict=True):
            tier = _postcode_tier(ix, rank, postcode, query)
            if tier < best.get(rank, _T_INSEE):
                best[rank] = tier
    # A parent typing 5 digits means a postcode: 3,058 INSEE codes are also some other
    # commune's postcode (« 51300 » is Isle-sur-Marne's INSEE code and Vitry-le-François's
    # postcode), so the INSEE code only counts when no postcode matches.
    insee = ix.rank_by_code.get(query) if len(query) == 5 and not best else None
    if insee is not None:
        best[insee] = _T_INSEE
    for rank, tier in sorted(best.items(), key=lambda item: (item[1], item[0])):
        if collector.add(tier, rank):
            return


def _label_hit(ix: _Index, text: str) -> _Hit | None:
    """« Toulon (83 – Var) » or « Saint-Bois → Arboys en Bugey (01 – Ain) » → that commune."""
    if "(" not in text:
        return None
    found = _LABEL.match(text)
    if not found:
        return None
    rank = ix.by_name_and_departement.get(
        (normalize(found.group("name")), found.group("dep").upper())
    )
    if rank is None:
        return None
    alias = None
    if found.group("alias"):
        wanted = normalize(found.group("alias"))
        alias = next(
            (
                ix.aliases[i].name
                for i in ix.alias_exact.get(wanted, ())
                if ix.aliases[i].rank == rank
            ),
            None,
        )
    return _Hit(_T_LABEL, rank, alias)


def _merge(runs: Iterable[list[_Hit]], limit: int) -> list[_Hit]:
    best: dict[int, _Hit] = {}
    for hits in runs:
        for hit in hits:
            if hit.rank not in best or hit.tier < best[hit.rank].tier:
                best[hit.rank] = hit
    return sorted(best.values(), key=lambda h: (h.tier, h.rank))[:limit]


def _search(query: object, limit: int) -> _Search:
    if not isinstance(query, str) or limit <= 0:
        return _Search("empty", "", [])
    text = query.strip()
    if not text or len(text) > MAX_QUERY_LENGTH:
        return _Search("empty", "", [])
    ix = _index()

    label = _label_hit(ix, text)
    if label is not None:
        return _Search("label", normalize(text), [label])

    tokens = _tokens(text)
    if not tokens:
        return _Search("empty", "", [])
    norm = " ".join(tokens)
    collector = _Collector(ix, limit)
    if len(tokens) == 1 and tokens[0].isdigit():
        _digit_hits(ix, tokens[0], collector)
        return _Search("digits", norm, collector.hits, tokens)
    if len(tokens) == 1 and _INSEE_CODE.match(tokens[0]):  # « 2A004 »
        rank = ix.rank_by_code.get(tokens[0].upper())
        hits = [] if rank is None else [_Hit(_T_INSEE, rank)]
        return _Search("text", norm, hits, tokens)

    _text_hits(ix, tokens, collector)
    hits = collector.hits
    words = [t for t in tokens if not _is_number(t)]
    numbers = [t for t in tokens if _is_number(t)]
    if words and numbers:
        # « sainte colombe 89 »: rank the words as a name, the numbers only filter.
        filtered = _Collector(ix, limit, numbers)
        _text_hits(ix, words, filtered)
        hits = _merge((hits, filtered.hits), limit)
    return _Search("text", norm, hits, tokens, " ".join(words), numbers)


def lookup_places(query: str, limit: int = 10) -> list[PlaceMatch]:
    """Communes matching what was typed, best first (see the module docstring).

    Returns [] for an empty, blank or too long (> 100 characters) query, and never raises,
    whatever the string.
    """
    try:
        limit = int(limit)
    except (TypeError, ValueError, OverflowError):
        return []
    search = _search(query, limit)
    if not search.hits:
        return []
    communes = _index().communes
    return [PlaceMatch(communes[hit.rank], hit.alias) for hit in search.hits]


# ---------------------------------------------------------------------------------------------
# Resolution of a submitted form field
# ---------------------------------------------------------------------------------------------

# French typography (as app.core.french.typography): narrow no-break spaces inside « » and
# before « : ».
_NBSP = "\u202f"
EMPTY_MESSAGE = "Saisissez le nom d’une commune ou un code postal."


def _displayable(text: str) -> str:
    """The typed text as it may be echoed: control characters, lone surrogates and other
    non-printable code points replaced by spaces, whitespace collapsed."""
    cleaned = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in text)
    return " ".join(cleaned.split())


def _quote(text: str) -> str:
    text = _displayable(text)
    if len(text) > 60:
        text = text[:59].rstrip() + "…"
    return f"«{_NBSP}{text}{_NBSP}»"


def ambiguous_message(text: str) -> str:
    """« Plusieurs communes correspondent à « X » : précisez laquelle. » (plain text)."""
    return f"Plusieurs communes correspondent à {_quote(text)}{_NBSP}: précisez laquelle."


def not_found_message(text: str) -> str:
    """« Nous ne trouvons pas la commune « X ». Vérifiez l’orthographe… » (plain text)."""
    return (
        f"Nous ne trouvons pas la commune {_quote(text)}. "
        "Vérifiez l’orthographe ou saisissez un code postal."
    )


def _exact_name_is_unambiguous(ix: _Index, search: _Search, top: _Hit) -> bool:
    """« toulon » → Toulon. Not when another current or former commune has the same name,
    nor when a bigger commune's name starts with it: « aix » (Corrèze, 352 inhabitants) must
    not silently win over Aix-en-Provence, nor « evry » (Yonne) over Évry-Courcouronnes."""
    name = ix.norms[top.rank]
    numbers = search.numbers if name != search.norm else ()

    def fits(rank: int) -> bool:
        return not numbers or _numbers_fit(ix.communes[rank], numbers)

    same_name = {r for r in ix.exact.get(name, ()) if fits(r)}
    same_name.update(
        ix.aliases[i].rank for i in ix.alias_exact.get(name, ()) if fits(ix.aliases[i].rank)
    )
    if same_name != {top.rank}:
        return False
    lo, hi = _prefix_slice(ix.name_keys, name + " ")
    return not any(r < top.rank and fits(r) for r in ix.name_ranks[lo:hi])


def _alias_is_unambiguous(ix: _Index, search: _Search, top: _Hit) -> bool:
    """« Saint-Bois » → Arboys en Bugey, when no current or other former commune has that name."""
    if search.norm in ix.exact:
        return False
    return {ix.aliases[i].rank for i in ix.alias_exact.get(search.norm, ())} == {top.rank}


def _postcode_is_unambiguous(ix: _Index, postcode: str, top: _Hit) -> bool:
    """« 83000 » → Toulon; « 75015 » → Paris 15e (Paris itself does not count against it);
    « 51300 », the main postcode of 40-odd villages, stays ambiguous."""
    lo, hi = _prefix_slice(ix.postcode_keys, postcode)
    others = {
        rank
        for key, rank in zip(ix.postcode_keys[lo:hi], ix.postcode_ranks[lo:hi], strict=True)
        if key == postcode and rank != top.rank and rank != ix.parent.get(top.rank)
    }
    if any(ix.communes[rank].main_postcode == postcode for rank in others):
        return False
    return not others or ix.communes[top.rank].main_postcode == postcode


def _is_whole(ix: _Index, search: _Search, hit: _Hit) -> bool:
    """Every typed word is a whole word of the name (or the département, or a postcode):
    « cherbourg » is whole for Cherbourg-en-Cotentin, « toulouze » is not for Toulouzette."""
    if hit.tier in (_T_LABEL, _T_EXACT, _T_ALIAS_EXACT, _T_INSEE):
        return True
    if search.kind == "digits":
        return hit.tier < _T_POSTCODE_PREFIX
    commune = ix.communes[hit.rank]
    name_tokens = set(normalize(hit.alias).split() if hit.alias else ix.name_tokens[hit.rank])
    return all(
        token in name_tokens
        or (
            _is_number(token)
            and (token == commune.departement_code.lower() or token in commune.postcodes)
        )
        for token in search.tokens
    )


def _fallback(ix: _Index, norm: str) -> list[PlaceMatch]:
    """Looser suggestions when nothing matched: close spellings, or the same first letters."""
    if norm.isdigit():
        for size in (3, 2):
            if len(norm) > size:
                lo, hi = _prefix_slice(ix.postcode_keys, norm[:size])
                ranks = sorted(set(ix.postcode_ranks[lo:hi]))[:_FALLBACK_SUGGESTIONS]
                if ranks:
                    return [PlaceMatch(ix.communes[r]) for r in ranks]
        return []
    if len(norm) < 3:
        return []
    lo, hi = _prefix_slice(ix.name_keys, norm[:3])
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(norm)
    scored = []
    for name, rank in zip(ix.name_keys[lo:hi], ix.name_ranks[lo:hi], strict=True):
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() >= 0.75 and matcher.quick_ratio() >= 0.75:
            ratio = matcher.ratio()
            if ratio >= 0.75:
                scored.append((-ratio, rank))
    ranks = [rank for _, rank in sorted(scored)[:_FALLBACK_SUGGESTIONS]]
    if not ranks and len(norm) >= 4:
        lo, hi = _prefix_slice(ix.name_keys, norm[:4])
        ranks = sorted(ix.name_ranks[lo:hi])[:_FALLBACK_SUGGESTIONS]
    return [PlaceMatch(ix.communes[r]) for r in ranks]


def _commune_from_code(code_insee: object) -> Commune | None:
    if not isinstance(code_insee, str):
        return None
    code = code_insee.strip().upper()
    if not _INSEE_CODE.match(code.lower()):
        return None
    ix = _index()
    rank = ix.rank_by_code.get(code)
    return None if rank is None else ix.communes[rank]


def resolve_place(text: str, code_insee: str | None = None) -> PlaceResolution:
    """Turn a submitted « commune » field (and the autocomplete's INSEE code, if any) into a
    commune.

    * a valid ``code_insee`` wins;
    * a label from the autocomplete (« Toulon (83 – Var) », « Saint-Bois → Arboys en Bugey
      (01 – Ain) ») is that commune;
    * otherwise the best match if it is unambiguous: the only match, typed in whole words; an
      exact name shared by no other current or former commune and not the start of a bigger
      commune's name; an exact former name; an exact postcode whose best commune is clearly
      first; an exact INSEE code. The other matches come as ``suggestions``;
    * otherwise ``commune`` is None, with up to 10 ``suggestions`` and a French ``message``
      (plain text: escape it when rendering).
    """
    commune = _commune_from_code(code_insee)
    if commune is not None:
        return PlaceResolution(commune, [], None)
    if not isinstance(text, str) or not _displayable(text):
        return PlaceResolution(None, [], EMPTY_MESSAGE)

    ix = _index()
    search = _search(text, MAX_SUGGESTIONS + 1)
    matches = [PlaceMatch(ix.communes[h.rank], h.alias) for h in search.hits]
    if not matches:
        suggestions = _fallback(ix, search.norm) if search.norm else []
        return PlaceResolution(None, suggestions, not_found_message(text))

    top = search.hits[0]
    if len(matches) == 1:
        if _is_whole(ix, search, top):
            return PlaceResolution(matches[0].commune, [], None)
        # « Toulouze » only prefixes Toulouzette: offer it, with close spellings (Toulouse).
        extra = [m for m in _fallback(ix, search.norm) if m.commune != matches[0].commune]
        return PlaceResolution(None, matches + extra, not_found_message(text))

    resolved = (
        search.kind == "label"
        or top.tier == _T_INSEE
        or (
            search.kind == "text"
            and top.tier == _T_EXACT
            and _exact_name_is_unambiguous(ix, search, top)
        )
        or (
            search.kind == "text"
            and top.tier == _T_ALIAS_EXACT
            and _alias_is_unambiguous(ix, search, top)
        )
        or (
            search.kind == "digits"
            and len(search.norm) == 5
            and top.tier < _T_POSTCODE_PREFIX
            and _postcode_is_unambiguous(ix, search.norm, top)
        )
    )
    if resolved:
        return PlaceResolution(matches[0].commune, matches[1:], None)
    return _choices(ix, search, text)


def _same_place(ix: _Index, search: _Search) -> list[int]:
    """Every commune a person may mean by exactly what she typed: all the communes of that
    name (and of that former name), or all the communes of that postcode."""
    if search.kind == "digits" and len(search.norm) == 5:
        lo, hi = _prefix_slice(ix.postcode_keys, search.norm)
        found = [
            rank
            for key, rank in zip(ix.postcode_keys[lo:hi], ix.postcode_ranks[lo:hi], strict=True)
            if key == search.norm
        ]
    elif search.kind == "text":
        numbers = search.numbers
        name = search.words or search.norm
        found = [
            *ix.exact.get(name, ()),
            *(ix.aliases[i].rank for i in ix.alias_exact.get(name, ())),
        ]
        found = [r for r in found if not numbers or _numbers_fit(ix.communes[r], numbers)]
    else:
        found = []
    return sorted(set(found))


def _choices(ix: _Index, search: _Search, text: str) -> PlaceResolution:
    """The communes to choose from: every one of the exact name or postcode (« Sainte-Colombe »:
    its 12 communes, « 17210 »: its 14), then the best other matches up to 10 in all; ``more``
    says how many others match (at least), so that the page says how to narrow."""
    exact = _same_place(ix, search)
    wider = _search(text, MAX_CHOICES + 1)
    listed = set(exact)
    others = [h for h in wider.hits if h.rank not in listed]
    room = max(0, MAX_SUGGESTIONS - len(exact))
    matches = [PlaceMatch(ix.communes[r]) for r in exact]
    matches += [PlaceMatch(ix.communes[h.rank], h.alias) for h in others[:room]]
    more = len(others) - min(room, len(others))
    capped = len(wider.hits) > MAX_CHOICES
    return PlaceResolution(None, matches, ambiguous_message(text), more, capped)


def by_departement(matches: Sequence[PlaceMatch]) -> list[tuple[str, list[PlaceMatch]]]:
    """The choices grouped by département, in the order of their codes:
    [(« 17 – Charente-Maritime », [...]), …]."""
    groups: dict[str, list[PlaceMatch]] = {}
    for match in sorted(matches, key=lambda m: m.commune.departement_code):
        groups.setdefault(match.commune.departement_code, []).append(match)
    return [
        (f"{code} {LABEL_DASH} {found[0].commune.departement.name}", found)
        for code, found in groups.items()
    ]
