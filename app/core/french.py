"""French formatting for the estimator's messages: euros, numbers, dates, typography.

- :func:`format_euros` → ``"416,00 €"``, ``"3 500,00 €"`` (U+202F between thousands, U+00A0
  before €);
- :func:`format_number` → ``"14,9"``, ``"0,0619"`` (comma, no useless zeros);
- :func:`format_date` → ``"1er mai 2024"``;
- :func:`typography` is THE French spacing of the service: U+202F (narrow no-break space)
  before « : ; ? ! » and inside « », U+00A0 before « € » and « % » and between a number and the
  word after it (« 3 mois »), after « 1er »; in text written with ordinary spaces (or U+00A0
  where U+202F is due); in the service's own messages, also « nᵒ » for « n° » and ’ for the
  typewriter apostrophe;
- :func:`typeset_html` applies it to the text of an HTML document, never to its tags (so no
  attribute, no URL), comments, ``<script>``, ``<style>``, ``<textarea>``, ``<pre>``, ``<code>``:
  every HTML response and every email goes through it (:mod:`app.core.filters`,
  :func:`app.core.mail.compose`), so templates, messages and what people typed all come out
  the same way, whoever wrote them.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "CENT",
    "NBSP",
    "NNBSP",
    "format_date",
    "format_euros",
    "format_number",
    "money",
    "parse_date_fr",
    "parse_decimal_fr",
    "to_decimal",
    "typeset_html",
    "typography",
]

NBSP = "\u00a0"
NNBSP = "\u202f"
CENT = Decimal("0.01")

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def to_decimal(x: Decimal | float | int | str) -> Decimal:
    """Exact Decimal of ``x`` (a float goes through its shortest repr: 0.1 → Decimal('0.1'))."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, float):
        return Decimal(repr(x))
    return Decimal(x)


def money(x: Decimal | float | int) -> Decimal:
    """``x`` rounded to the cent, halves away from zero (41.065 → 41.07)."""
    return to_decimal(x).quantize(CENT, rounding=ROUND_HALF_UP)


def _group(digits: str) -> str:
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return NNBSP.join(groups)


def format_euros(x: Decimal | float | int) -> str:
    """``416`` → ``"416,00 €"``; ``3500`` → ``"3 500,00 €"`` (U+202F, then U+00A0 before €)."""
    amount = money(x)
    sign = "-" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    return f"{sign}{_group(units)},{cents}{NBSP}€"


def format_number(x: Decimal | float | int) -> str:
    """A number the French way, without trailing zeros: 15 → "15", 14.9 → "14,9", 1.3 → "1,3"."""
    number = to_decimal(x)
    if number == number.to_integral_value():
        text = f"{number.to_integral_value():f}"
    else:
        text = f"{number.normalize():f}"
    units, _, decimals = text.lstrip("-").partition(".")
    sign = "-" if number < 0 else ""
    return f"{sign}{_group(units)}" + (f",{decimals}" if decimals else "")


def format_date(d: date) -> str:
    """``date(2024, 5, 1)`` → ``"1er mai 2024"``; ``date(2024, 9, 10)`` → ``"10 septembre 2024"``.

    Plain spaces: pass the sentence through :func:`typography`."""
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {MONTHS_FR[d.month - 1]} {d.year}"


_NUMBER_THEN_WORD = re.compile(r"(?<=\d) (?=[a-zà-ÿ])")  # "3 mois", "12 derniers"
#: Spaces a text may hold where French wants a no-break one (HTML's &nbsp; included).
_GAP = r"(?:[ \t\r\n\u00a0\u202f]|&nbsp;|&#160;|&#xa0;)"
_BEFORE_MARK = re.compile(rf"{_GAP}+(?=[:;?!»])")
_AFTER_GUILLEMET = re.compile(rf"«{_GAP}*")
_BEFORE_UNIT = re.compile(rf"(?<=\d){_GAP}+(?=[€%])|(?<=[\d,]){_GAP}*(?=€)")
_FIRST = re.compile(rf"\b1er{_GAP}+")
_NUMERO = re.compile(rf"\b([nN])[°º]{_GAP}*(?=\d)")
_NUMERO_GAP = re.compile(rf"\b([nN])ᵒ{_GAP}*(?=\d)")
#: A cheap test before the regexes: only text holding one of these can change.
_MARKS = frozenset(":;?!«»€%°ºᵒ1")


def typography(text: str, ours: bool = True) -> str:
    """French no-break spaces in ``text`` (see the module's docstring). Only spaces change,
    never a character a person typed, unless the text is ``ours`` (a message of the service):
    then also the apostrophe (’) and « nᵒ ». Pages and emails as a whole (:func:`typeset_html`)
    are not ours: an address, a name or a note shows as typed. Idempotent; cheap (a membership
    test, then a few regex passes in C)."""
    if ours and "'" in text:
        text = text.replace("'", "’")
    if not any(mark in text for mark in _MARKS):
        return text
    text = _BEFORE_MARK.sub(NNBSP, text)
    if "«" in text:
        text = _AFTER_GUILLEMET.sub("«" + NNBSP, text)
    text = _BEFORE_UNIT.sub(NBSP, text)
    if "1er" in text:
        text = _FIRST.sub("1er" + NBSP, text)
    if ours and ("°" in text or "º" in text):
        text = _NUMERO.sub(lambda m: m.group(1) + "ᵒ" + NBSP, text)
    if "ᵒ" in text:
        text = _NUMERO_GAP.sub(lambda m: m.group(1) + "ᵒ" + NBSP, text)
    return _NUMBER_THEN_WORD.sub(NBSP, text)


#: What typeset_html leaves alone: comments, the doctype, whole raw or code elements, and tags.
_UNTOUCHED = re.compile(
    r"<!--.*?-->"
    r"|<!.*?>"
    r"|<(script|style|textarea|pre|code|kbd|samp)\b.*?</\1\s*>"
    r"""|<[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""",  # a tag; quoted values may hold ">"
    re.S | re.I,
)


def format_duration(hours: float | None) -> str:
    """A delay as a person says it (issue 22: « 2 jours » rather than « 1,9 j »): « moins d’une
    heure », « 5 heures », « 1 jour », « 2 jours »; « — » when there is none."""
    if hours is None:
        return "—"
    if hours < 1:
        return "moins d’une heure"
    if hours < 23.5:
        count, unit = round(hours), "heure"
    else:
        count, unit = max(1, round(hours / 24)), "jour"
    return f"{count}\u00a0{unit}{'s' if count > 1 else ''}"


def typeset_html(html: str) -> str:
    """:func:`typography` of text not ours (spaces only) between the tags of ``html``."""
    out: list[str] = []
    position = 0
    for untouched in _UNTOUCHED.finditer(html):
        start = untouched.start()
        if start > position:
            text = html[position:start]
            out.append(text if text.isspace() else typography(text, ours=False))
        out.append(untouched.group(0))
        position = untouched.end()
    out.append(typography(html[position:], ours=False))
    return "".join(out)


_SPACES = str.maketrans("", "", f" {NBSP}{NNBSP}\u2009")
_DATE_FR = re.compile(r"(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})")
#: « 5 janvier 2027 », « 1er janv. 2027 », « mardi 5 janvier 2027 » (the weekday is ignored).
_DATE_WORDS = re.compile(
    r"(?:[^\W\d_]+\.?,? )?(\d{1,2})(?:er)? ([^\W\d_]+\.?) (\d{4})", re.IGNORECASE
)


def parse_decimal_fr(text: str) -> Decimal:
    """A number typed the French way: « 4,50 », « 1 800 », « 1 800,50 € », « 4.5 ».

    ValueError when ``text`` is not such a number (NaN and infinities included)."""
    cleaned = text.strip().removesuffix("€").translate(_SPACES).replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", cleaned):
        raise ValueError(f"not a number: {text!r}")
    return Decimal(cleaned)


def _month_number(word: str) -> int | None:
    """« janvier », « Janv. », « fevrier », « aout » → 1, 2, 8 (accents and case optional, the
    usual abbreviations of three letters or more)."""
    plain = unicodedata.normalize("NFKD", word.lower().rstrip(".")).encode("ascii", "ignore")
    typed = plain.decode()
    if len(typed) < 3 or typed == "jui":  # « jui » : juin or juillet?
        return None
    for number, name in enumerate(MONTHS_FR, start=1):
        full = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        if full.startswith(typed):
            return number
    return None


def parse_date_fr(text: str) -> date:
    """The one parse of a date a person types (issue 22): what a date input sends
    (« 2026-12-01 »), « 1/12/2026 », « 01.12.2026 », « 5-1-2027 », and written months:
    « 5 janvier 2027 », « 1er janvier 2027 », « mardi 5 janv. 2027 ».

    ValueError when ``text`` is not a real date."""
    text = " ".join(text.strip().split())
    match = _DATE_FR.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    words = _DATE_WORDS.fullmatch(text)
    month_number = _month_number(words.group(2)) if words else None
    if words and month_number:
        return date(int(words.group(3)), month_number, int(words.group(1)))
    raise ValueError(f"not a date: {text!r}")
