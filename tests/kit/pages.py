"""What a page shows: its tags and attributes, its visible text, its sections and its unlabelled
controls, read with the standard library's parser."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: (v if v is not None else "") for k, v in attrs}))


def tags(html: str, name: str | None = None, **attrs: str) -> list[dict[str, str]]:
    """Attributes of each start tag named ``name`` whose attributes include ``attrs``
    (``class_`` for ``class``)."""
    parser = _Tags()
    parser.feed(html)
    wanted = {k.rstrip("_"): v for k, v in attrs.items()}
    return [
        a
        for tag, a in parser.tags
        if (name is None or tag == name) and all(a.get(k) == v for k, v in wanted.items())
    ]


def text_of(html: str) -> str:
    """The visible text, spaces collapsed, no-break spaces as plain spaces."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"</?(strong|span|em|b|i|a|abbr|small|time)\b[^>]*>", "", html)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", unescape(text)).replace("\u00a0", " ").replace("\u202f", " ").strip()


def section(html: str, element_id: str) -> str:
    """The HTML from the element with this id to the end of the document."""
    start = html.find(f'id="{element_id}"')
    assert start >= 0, f"no element #{element_id}"
    return html[html.rindex("<", 0, start) :]


def unlabelled_controls(html: str) -> list[str]:
    """Ids (or names) of form controls without a <label for> (hidden inputs and buttons aside)."""
    labelled = {a.get("for") for a in tags(html, "label")}
    missing = []
    for tag in ("input", "select", "textarea"):
        for a in tags(html, tag):
            if a.get("type") in ("hidden", "submit", "button"):
                continue
            if a.get("id") not in labelled and not a.get("aria-label"):
                missing.append(a.get("id") or a.get("name", "?"))
    return missing


def controls_named(html: str, control_name: str, tag: str = "input") -> list[dict[str, str]]:
    """The ``tag`` elements whose ``name`` attribute is ``control_name``."""
    return [a for a in tags(html, tag) if a.get("name") == control_name]


_RAW = re.compile(
    r"<!--.*?-->|<(script|style|textarea|pre|code|template)\b.*?</\1\s*>", re.S | re.I
)
_INLINE = re.compile(r"</?(strong|span|em|b|i|a|abbr|small|time|code|kbd|sup|sub|mark)\b[^>]*>")
#: French typography (app.core.french.typography) a text breaks: a plain or wide no-break space
#: where a narrow one is due (before : ; ? ! », after «), none or another one before € or
#: after a number before %, « n° » for « nᵒ », « CAF » for « Caf », « ? : » (a question label
#: followed by a colon).
_TYPOGRAPHY_FAULTS = re.compile(
    r"[ \u00a0]+[:;?!»]|«[ \u00a0]|[^\u00a0]€|\d[ \u202f]?%|\bn°|\bCAF\b|[?!]\s*:"
)


def visible_text_exact(html: str) -> str:
    """The visible text with its no-break spaces kept (runs of other white space as one)."""
    html = _RAW.sub("\n", html)
    html = _INLINE.sub("", html)
    text = unescape(re.sub(r"<[^>]+>", "\n", html))
    return re.sub(r"[ \t\r\n]+", " ", text)


def typography_faults(text: str) -> list[str]:
    """Each place where ``text`` breaks French typography, with a few characters around it."""
    return [
        repr(text[max(0, m.start() - 30) : m.end() + 10]) for m in _TYPOGRAPHY_FAULTS.finditer(text)
    ]
