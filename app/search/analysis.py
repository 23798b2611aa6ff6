"""French text analysis for the search index.

Chain: tokenizer keeping hyphenated words → hyphen parts + merged form → lowercase →
accent folding → French stop words (folded) → French Snowball stemming.
Accents are folded *before* stemming so that « crèche », « creche » and « CRÈCHE » share a stem,
and « micro-crèche », « micro crèche » and « microcrèche » all meet on some token.
"""

from __future__ import annotations

import functools
import unicodedata

from whoosh.analysis import Filter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang import stopwords_for_language

# Words split on apostrophes (« l'enfant » → « l », « enfant »), kept whole across hyphens.
TOKEN_PATTERN = r"\w+(?:-\w+)*"


def fold(text: str) -> str:
    """Lowercase and strip accents (œ → oe)."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_fold_cached = functools.lru_cache(maxsize=50_000)(fold)

FRENCH_STOP_WORDS = frozenset(fold(w) for w in stopwords_for_language("fr")) | {
    "qu",
    "les",
    "l",
    "d",
}


class HyphenFilter(Filter):
    """« micro-crèche » → « micro », « crèche » and the merged « microcrèche »."""

    def __call__(self, tokens):
        for token in tokens:
            if "-" not in token.text:
                yield token
                continue
            original = token.text
            parts = [p for p in original.split("-") if p]
            for part in parts:
                token.text = part
                yield token
            token.text = "".join(parts)
            yield token
            token.text = original


class FoldFilter(Filter):
    """Lowercase and accent folding (see :func:`fold`), memoized: the vocabulary is small.
    The cache is at module level so that it is not pickled with the schema."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = _fold_cached(token.text)
            yield token


def french_analyzer():
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | HyphenFilter()
        | FoldFilter()
        | StopFilter(stoplist=FRENCH_STOP_WORDS, minsize=1)
        | StemFilter(lang="fr", cachesize=50000)
    )


def analyze(text: str) -> list[str]:
    """The index terms of a text (used by query building and tests)."""
    return [t.text for t in french_analyzer()(text)]
