"""French text analysis for the search index.

Chain: tokenizer keeping hyphenated words → hyphen parts + merged form → lowercase →
accent folding → French stop words (folded) → French Snowball stemming (all but the
tokenizer memoized per distinct token: :class:`FrenchTokenFilter`).
Accents are folded *before* stemming so that « crèche », « creche » and « CRÈCHE » share a stem,
and « micro-crèche », « micro crèche » and « microcrèche » all meet on some token.
"""

from __future__ import annotations

import functools
import unicodedata

from whoosh.analysis import Filter, RegexTokenizer, StemFilter, StopFilter, Token
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


class FrenchTokenFilter(Filter):
    """Hyphen parts, folding, stop words and stemming, as one filter memoized per distinct
    token: what the chain makes of a token never depends on its neighbours, and an index build
    analyses millions of tokens drawn from a vocabulary of tens of thousands. The memo is at
    module level (not pickled with the schema) and emptied when it grows too large."""

    MEMO_LIMIT = 200_000

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        memo = _MEMO
        for token in tokens:
            outputs = memo.get(token.text)
            if outputs is None:
                outputs = _chain_outputs(token.text)
                if len(memo) >= self.MEMO_LIMIT:
                    memo.clear()
                memo[token.text] = outputs
            for text, stopped in outputs:
                if stopped and token.removestops:
                    continue
                token.text = text
                token.stopped = stopped
                yield token


_MEMO: dict[str, tuple[tuple[str, bool], ...]] = {}
_CHAIN = (
    HyphenFilter(),
    FoldFilter(),
    StopFilter(stoplist=FRENCH_STOP_WORDS, minsize=1),
    StemFilter(lang="fr", cachesize=0),
)


def _chain_outputs(text: str) -> tuple[tuple[str, bool], ...]:
    """(text, stopped) of every token the filter chain makes of one token."""
    probe = Token(positions=False, chars=False, removestops=False, mode="index")
    probe.text, probe.stopped, probe.boost = text, False, 1.0
    stream = iter([probe])
    for step in _CHAIN:
        stream = step(stream)
    return tuple((t.text, t.stopped) for t in stream)


def french_analyzer():
    return RegexTokenizer(TOKEN_PATTERN) | FrenchTokenFilter()


def analyze(text: str) -> list[str]:
    """The index terms of a text (used by query building and tests)."""
    return [t.text for t in french_analyzer()(text)]
