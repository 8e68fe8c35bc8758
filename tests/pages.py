"""Every page each role can open, found rather than listed: every address of the URL conf,
its arguments filled with the demo's objects (``tests.test_form_fuzzing.arguments``), that
answers the role with an HTML page; the first address of each kind (URL name)."""

from __future__ import annotations

from collections.abc import Iterator

from django.test import Client
from django.urls import reverse

from labelling.models import User
from reports import demo
from tests.test_form_fuzzing import SKIPPED, arguments, url_patterns

#: One person of each role (the other demo people of a role see the same kinds of page).
PEOPLE = {
    "secretariat": demo.SECRETARIAT,
    "manager": demo.MANAGER,
    "expert": demo.EXPERT_DE,
    "anonymous": None,
}
#: Answers for machines, not pages (the health check also runs its checks in an event loop,
#: which a browser test's thread already has).
NOT_PAGES = {"health", "metrics"}


def _addresses(demo_arguments) -> Iterator[tuple[str, str]]:
    """(kind of page, address) for each address the demo's objects fill (those the demo has
    none for, such as an open question, are left to the form fuzzing, which adds them)."""
    for route, pattern in url_patterns():
        if route.startswith(SKIPPED) or pattern.name in NOT_PAGES:
            continue
        needed = set(pattern.pattern.regex.groupindex)
        if not needed:
            yield pattern.name, reverse(pattern.name)
            continue
        segment = route.replace("^", "").split("/", 1)[0]
        for option in demo_arguments.get(segment, []):
            if all(option.get(name) is not None for name in needed):
                kwargs = {name: option[name] for name in needed}
                yield pattern.name, reverse(pattern.name, kwargs=kwargs)


def client_of(role: str) -> Client:
    """A test client logged in as the demo's ``role`` (not at all for ``anonymous``)."""
    client = Client()
    if PEOPLE[role] is not None:
        client.force_login(User.objects.get(email=PEOPLE[role]))
    return client


def pages_of(client: Client) -> dict[str, str]:
    """Address → HTML of the first address of each kind of page that answers ``client``
    with a page, on the demo data."""
    found: dict[str, tuple[str, str]] = {}
    for kind, address in _addresses(arguments()):
        if kind in found:
            continue
        response = client.get(address)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            found[kind] = (address, response.content.decode())
    return dict(found.values())
