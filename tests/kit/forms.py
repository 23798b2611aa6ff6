"""Forms read the way a browser submits them: every form of a page (its id, action, method, the
successful controls with their current values, which of them are free text), one form by id as
a MultiDict to post back, and POSTs carrying the session's CSRF token."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

TEXT_TYPES = {"text", "search", "email", "tel", "url", "number", "date", "time", "password", ""}
NOT_SENT = ("submit", "button", "image", "reset", "file")


@dataclass
class PageForm:
    action: str
    method: str
    id: str = ""
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
                a.get("action") or self.page_url,
                (a.get("method") or "get").lower(),
                a.get("id", ""),
            )
            self.forms.append(self.current)
            return
        if tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._select_value = value
            return
        form, name = self.current, a.get("name")
        if form is None or not name:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in NOT_SENT:
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


def forms_of(html: str, page_url: str = "") -> list[PageForm]:
    """Every form of the page (a form without action posts to ``page_url``)."""
    parser = _Forms(page_url)
    parser.feed(html)
    return parser.forms


def read_form(html: str, form_id: str = "formulaire-offre") -> MultiDict:
    """What ``<form id=form_id>`` sends as it stands (text, hidden, date, checked boxes,
    selected options, textareas)."""
    pairs = [pair for form in forms_of(html) if form.id == form_id for pair in form.pairs]
    assert pairs, f"no form #{form_id} or no fields"
    return MultiDict(pairs)


def with_values(values: MultiDict, **changes) -> MultiDict:
    """A copy with ``changes`` (a list sets several values; None removes the field;
    ``__`` in a name stands for ``-``)."""
    copy = MultiDict(values)
    for name, value in changes.items():
        name = name.replace("__", "-")
        if value is None:
            copy.poplist(name)
        elif isinstance(value, list):
            copy.setlist(name, value)
        else:
            copy.setlist(name, [value])
    return copy


def csrf_token_in(html: str) -> str | None:
    """The CSRF token of the first form of ``html`` that has one."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    return match.group(1) if match else None


def csrf_token(client, url: str = "/connexion") -> str:
    """The CSRF token of the session, read from a page's form."""
    token = csrf_token_in(client.get(url).get_data(as_text=True))
    assert token, f"no CSRF token on {url}"
    return token


def post_form(client, url: str, data: dict, *, token_from: str | None = None, **kwargs):
    """POST like a browser: with the CSRF token of the form at ``token_from`` (default ``url``)."""
    token = csrf_token(client, token_from or url)
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)
