"""The rules of docs/architecture.md that import-linter (``make lint``) does not check."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from labelling import extensions

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "labelling", "assessments", "reports")


def _imports_of_private_names() -> list[str]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not isinstance(node, ast.ImportFrom) or not node.module:
                    continue
                if node.module.split(".")[0] not in APPS:
                    continue
                found += [
                    f"{path.relative_to(ROOT)}: from {node.module} import {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
    return found


def test_no_module_imports_another_modules_private_names():
    # A task calls a service's public function, never its helpers: what is private may change.
    assert _imports_of_private_names() == []


def test_every_slot_of_labelling_is_provided_by_an_app_above():
    assert extensions.check_slots_provided() == []
    assert extensions.SLOTS, "the slots are found"


def test_a_slot_nobody_provides_is_a_system_check_error_not_a_silent_no():
    slot = extensions.Slot("example", "an example")
    extensions.SLOTS.append(slot)
    try:
        errors = extensions.check_slots_provided()
    finally:
        extensions.SLOTS.remove(slot)
    assert [error.id for error in errors] == ["labelling.E001"]
    assert "example" in errors[0].msg


def test_asking_a_slot_nobody_provides_raises_improperly_configured():
    with pytest.raises(ImproperlyConfigured, match="Nothing provides"):
        extensions.Slot("example", "an example")()


def test_a_slot_cannot_be_provided_twice_by_different_functions():
    slot = extensions.Slot("example", "an example")
    slot.provide(len)
    slot.provide(len)  # the same provider again (a second ready()) is harmless
    with pytest.raises(ImproperlyConfigured, match="provided twice"):
        slot.provide(abs)
