"""Read a form the way a browser submits it: the successful controls of ``<form id=…>`` with
their current values (text, hidden, date, checked boxes, selected options, textareas)."""

from __future__ import annotations

from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict


class _FormParser(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.depth = 0
        self.pairs: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            if a.get("id") == self.form_id:
                self.inside = True
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.pairs.append((name, a.get("value", "on")))
                return
            self.pairs.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_value, self._select_first = name, None, None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._select_value = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            value = (
                self._select_value if self._select_value is not None else (self._select_first or "")
            )
            self.pairs.append((self._select, value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.pairs.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def read_form(html: str, form_id: str = "formulaire-offre") -> MultiDict:
    parser = _FormParser(form_id)
    parser.feed(html)
    assert parser.pairs, f"no form #{form_id} or no fields"
    return MultiDict(parser.pairs)


def with_values(values: MultiDict, **changes) -> MultiDict:
    """A copy with ``changes`` (a list sets several values; None removes the field)."""
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
