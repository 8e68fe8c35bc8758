"""Form widgets the pages share."""

from __future__ import annotations

import hashlib

from django import forms
from django.core.cache import cache
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

#: How long a rendered list stays in the cache; its key changes with anything it shows.
RENDERED_SECONDS = 3600


class CachedSelect(forms.Select):
    """A select rendered once per name, value, attributes, choices and language, then read from
    the cache: the ~250 countries, option by option through Django's widget templates, were
    three quarters of the registry page (measured with ``make bench``)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        shown = repr(
            (
                name,
                value,
                sorted({**self.attrs, **(attrs or {})}.items()),
                [(str(option), str(label)) for option, label in self.choices],
                translation.get_language(),
            )
        )
        key = "select:" + hashlib.sha256(shown.encode()).hexdigest()
        html = cache.get(key)
        if html is None:
            html = str(super().render(name, value, attrs, renderer))
            cache.set(key, html, RENDERED_SECONDS)
        # Rendered by Django's own widget templates (every label and value escaped there).
        return mark_safe(html)
