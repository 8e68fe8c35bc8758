"""Finds English source strings left untranslated on a page shown in German.

Only exact matches of the German catalogue's msgids count (after whitespace normalisation), so
data on the page (organisation names, numbers, codes) is never taken for a missing
translation: a text is flagged when it is an English msgid whose German msgstr differs from it,
and it is not itself German (some German words are English msgids too: "Register").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import polib
from django.conf import settings

#: The committed German catalogue.
GERMAN_PO = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"

#: The options of ``make messages`` (Makefile); tests/test_translations.py extracts the same.
MAKEMESSAGES_IGNORE = [".venv", "var", "staticfiles", "test-artifacts", "tests", "benchmarks"]

#: Attributes a person reads or hears (screen readers) besides the text itself.
READABLE_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}
#: Elements whose content is no visible text.
INVISIBLE = {"script", "style", "template"}
#: Elements without an end tag.
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
#: A text node often joins a translated label to a value ("Threshold: 5 · minimum
#: requirement"); its parts between these separators are checked too.
SEPARATORS = re.compile(r"\s*(?:[:·—|()]|\s–\s)\s*")
#: Placeholders of python-format msgids, as Django writes them for {% blocktranslate %} too.
PLACEHOLDER = re.compile(r"%\((\w+)\)([sdif])|%%")
#: A msgid whose words outside its placeholders are this short ("%(start)s to %(end)s") would
#: match data as well as an untranslated string; it is not looked for.
MIN_LITERAL_LETTERS = 4
TAG = re.compile(r"<[^>]+>")


def normalise(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Catalogue:
    """What to look for: each translated English msgid, and the German texts to leave alone."""

    exact: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]
    german: frozenset[str]

    def untranslated(self, text: str) -> bool:
        if not text or text in self.german:
            return False
        return text in self.exact or any(p.fullmatch(text) for p in self.patterns)


def _pattern(msgid: str) -> re.Pattern[str] | None:
    """A regular expression for a msgid with placeholders, or ``None`` when too little of it
    is words to tell an untranslated string from data."""
    parts, literal, position = [], "", 0
    for match in PLACEHOLDER.finditer(msgid):
        text = msgid[position : match.start()]
        parts.append(re.escape(text))
        literal += text
        if match.group(0) == "%%":
            parts.append("%")
        else:
            parts.append(r"-?\d+" if match.group(2) in "di" else ".+?")
        position = match.end()
    literal += msgid[position:]
    parts.append(re.escape(msgid[position:]))
    if sum(ch.isalpha() for ch in literal) < MIN_LITERAL_LETTERS:
        return None
    return re.compile("".join(parts))


def _pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    if entry.msgid_plural:
        return [
            (entry.msgid, entry.msgstr_plural.get(0, "")),
            (entry.msgid_plural, entry.msgstr_plural.get(1, "")),
        ]
    return [(entry.msgid, entry.msgstr)]


def catalogue_from(po: polib.POFile) -> Catalogue:
    exact: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    german: set[str] = set()
    for entry in po.translated_entries():
        for msgid, msgstr in _pairs(entry):
            # The page shows the text, not the markup of a msgid such as "<strong>%(level)s".
            msgid, msgstr = normalise(TAG.sub("", msgid)), normalise(TAG.sub("", msgstr))
            if not msgstr:
                continue
            german.add(msgstr.replace("%%", "%"))
            if msgstr == msgid:
                continue
            if PLACEHOLDER.search(msgid):
                pattern = _pattern(msgid)
                if pattern is not None:
                    patterns.append(pattern)
            else:
                exact.add(msgid)
    return Catalogue(frozenset(exact), tuple(patterns), frozenset(german))


@functools.cache
def german_catalogue() -> Catalogue:
    return catalogue_from(polib.pofile(str(GERMAN_PO)))


class _ReadableText(HTMLParser):
    """Collects the texts of a page: every text node, each element's whole text (for msgids
    with inline markup) and the readable attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._open: list[tuple[str, list[str]]] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in READABLE_ATTRIBUTES:
            if values.get(name):
                self.texts.append(values[name])
        is_button = tag == "button" or values.get("type") in {"submit", "button", "reset"}
        if is_button and values.get("value"):
            self.texts.append(values["value"])
        if tag in INVISIBLE:
            self._hidden += 1
        if tag not in VOID:
            self._open.append((tag, []))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not any(name == tag for name, _ in self._open):
            return  # a stray end tag
        while self._open:
            name, chunks = self._open.pop()
            whole = "".join(chunks)
            self.texts.append(whole)
            if self._open:
                self._open[-1][1].append(whole)
            if name in INVISIBLE:
                self._hidden -= 1
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        self.texts.append(data)
        if self._open:
            self._open[-1][1].append(data)


def readable_texts(html: str) -> set[str]:
    """The page's texts, normalised, with their parts between separators."""
    parser = _ReadableText()
    parser.feed(html)
    parser.close()
    texts: set[str] = set()
    for raw in parser.texts:
        text = normalise(raw)
        if text:
            texts.add(text)
            texts.update(part for part in SEPARATORS.split(text) if part)
    return texts


def untranslated_strings(html: str, catalogue: Catalogue | None = None) -> list[str]:
    """The texts of ``html`` that are English source strings with a German translation,
    sorted; empty on a page fully in German."""
    catalogue = catalogue or german_catalogue()
    return sorted(text for text in readable_texts(html) if catalogue.untranslated(text))
