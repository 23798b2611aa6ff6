"""Every form of a page, read the way a browser would submit it: its action, method, the
successful controls with their current values, and which of them are free text."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

TEXT_TYPES = {"text", "search", "email", "tel", "url", "number", "date", "time", "password", ""}


@dataclass
class PageForm:
    action: str
    method: str
    pairs: list[tuple[str, str]] = field(default_factory=list)
    text_fields: list[str] = field(default_factory=list)  # text-like inputs and textareas
    passwords: set[str] = field(default_factory=set)


class _Forms(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[PageForm] = []
        self.current: PageForm | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.current = PageForm(
                a.get("action") or self.page_url, (a.get("method") or "get").lower()
            )
            self.forms.append(self.current)
            return
        form, name = self.current, a.get("name")
        if form is None or not name:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.pairs.append((name, a.get("value", "on")))
                return
            form.pairs.append((name, a.get("value", "")))
            if kind in TEXT_TYPES and name not in form.text_fields:
                form.text_fields.append(name)
            if kind == "password":
                form.passwords.add(name)
        elif tag == "select":
            self._select, self._select_value, self._select_first = name, None, None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._select_value = value
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select" and self._select is not None and self.current is not None:
            value = (
                self._select_value if self._select_value is not None else (self._select_first or "")
            )
            self.current.pairs.append((self._select, value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self.current is not None:
            text = "".join(self._text)
            self.current.pairs.append((self._textarea, text[1:] if text.startswith("\n") else text))
            if self._textarea not in self.current.text_fields:
                self.current.text_fields.append(self._textarea)
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def forms_of(html: str, page_url: str) -> list[PageForm]:
    parser = _Forms(page_url)
    parser.feed(html)
    return parser.forms


def input_value(html: str, name: str) -> str | None:
    """The value shown back in the first text input or textarea named ``name``."""
    for form in forms_of(html, ""):
        for key, value in form.pairs:
            if key == name:
                return value
    return None
