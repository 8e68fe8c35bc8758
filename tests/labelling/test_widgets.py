"""The cached select: rendered once, and never the HTML of another value or language."""

import pytest
from django import forms
from django.utils import translation

from labelling.widgets import CachedSelect

CHOICES = [("", "All"), ("DE", "Germany"), ("FR", "France <République>")]


def _render(value, choices=CHOICES) -> str:
    return CachedSelect(choices=choices).render("country", value)


def test_the_chosen_value_is_selected_in_its_own_rendering(db):
    assert '<option value="DE" selected>' in _render("DE")
    assert '<option value="FR" selected>' in _render("FR")


def test_labels_are_escaped_as_django_renders_them(db):
    assert "France &lt;République&gt;" in _render("")


def test_a_second_rendering_comes_from_the_cache(db, monkeypatch):
    first = _render("DE")
    monkeypatch.setattr(forms.Select, "render", lambda *a, **k: pytest.fail("rendered again"))

    assert _render("DE") == first


def test_each_language_has_its_own_rendering(db):
    english = _render("", [("", "All"), ("DE", translation.gettext_lazy("Country"))])
    with translation.override("de"):
        german = _render("", [("", "All"), ("DE", translation.gettext_lazy("Country"))])

    assert ">Country<" in english
    assert ">Land<" in german
