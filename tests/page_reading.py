"""Read rendered pages the way a person reads them: choices by their labels, messages, errors.

Used by the end-to-end tests, which drive the pages with the Django test client and must
find form values (a county's id, an enrollment's checkbox) from what the page shows.
"""

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@dataclass
class Control:
    """One input or select option of a page, with the text a person sees next to it."""

    name: str
    value: str
    label: str = ""
    checked: bool = False
    attrs: dict[str, str] = field(default_factory=dict)


class _Controls(HTMLParser):
    """Collects inputs (with the text of the label around them) and select options."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.controls: list[Control] = []
        self._select: str | None = None
        self._option: Control | None = None
        self._label: tuple[list[Control], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "select":
            self._select = a.get("name", "")
        elif tag == "option":
            self._option = Control(self._select or "", a.get("value", ""),
                                   checked="selected" in a, attrs=a)
        elif tag == "label":
            self._label = ([], [])
        elif tag in ("input", "textarea"):
            control = Control(a.get("name", ""), a.get("value", ""), checked="checked" in a,
                              attrs=a)
            self.controls.append(control)
            if self._label is not None:
                self._label[0].append(control)

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option.label += data
        if self._label is not None:
            self._label[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option is not None:
            self._option.label = " ".join(self._option.label.split())
            self.controls.append(self._option)
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "label" and self._label is not None:
            text = " ".join("".join(self._label[1]).split())
            for control in self._label[0]:
                control.label = text
            self._label = None


def body(response: Any) -> str:
    """The page's HTML as text."""
    return response.content.decode()


def controls(response: Any, name: str | None = None) -> list[Control]:
    """The page's inputs and options (only those named `name` when given)."""
    parser = _Controls()
    parser.feed(body(response))
    return [c for c in parser.controls if name is None or c.name == name]


def choice(response: Any, name: str, label: str, *, prefix: bool = False) -> str:
    """The value of the one option or checkbox of `name` whose label reads `label`."""
    found = [
        c.value for c in controls(response, name)
        if (c.label.startswith(label) if prefix else c.label == label)
    ]
    assert len(found) == 1, (name, label, [c.label for c in controls(response, name)])
    return found[0]


def chosen(response: Any, name: str) -> list[str]:
    """The values of `name` that the page preselects (selected options, ticked boxes)."""
    return [c.value for c in controls(response, name) if c.checked]


def flash(response: Any) -> list[tuple[str, str]]:
    """The messages shown at the top of the page, as (level, text)."""
    listing = re.search(r'<ul class="messages">(.*?)</ul>', body(response), re.S)
    if listing is None:
        return []
    return [
        (level, html.unescape(text).strip())
        for level, text in re.findall(r'<li class="(\w+)" role="status">(.*?)</li>',
                                      listing.group(1), re.S)
    ]


def errors(response: Any) -> list[str]:
    """Every form error on the page: the form's own and the fields'."""
    page = body(response)
    found = []
    for block in re.findall(r'<div class="errors" role="alert"><ul>(.*?)</ul></div>', page, re.S):
        found += re.findall(r"<li>(.*?)</li>", block, re.S)
    found += re.findall(r'<p class="error" role="alert">(.*?)</p>', page, re.S)
    return [html.unescape(e).strip() for e in found]


def landed_on(response: Any) -> str:
    """The public id in the URL the last redirect led to."""
    assert response.redirect_chain, "the form did not redirect"
    match = re.search(UUID_RE, response.redirect_chain[-1][0])
    assert match is not None, response.redirect_chain
    return match.group(0)


def link(response: Any, text: str) -> str:
    """The href of the one link whose text reads `text`."""
    hrefs = [
        href for href, inner in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', body(response),
                                           re.S)
        if " ".join(html.unescape(re.sub(r"<[^>]+>", "", inner)).split()) == text
    ]
    assert len(hrefs) == 1, (text, hrefs)
    return html.unescape(hrefs[0])


def figure(text: str) -> int:
    """A number as a page prints it ("¥4,800", "1,500", "88.9%" is not one of them)."""
    return int(re.sub(r"[¥,\s]", "", text))


def first(pattern: str, text: str) -> str:
    """The first group of the first match of `pattern` (dot matches newlines) in `text`."""
    match = re.search(pattern, text, re.S)
    assert match is not None, pattern
    return match.group(1)
