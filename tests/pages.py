"""Every page each role can open, found rather than listed: every address of the URL conf,
its arguments filled with the demo's objects (``tests.test_form_fuzzing.arguments``), that
answers the role with an HTML page; the first address of each kind (URL name)."""

from __future__ import annotations

from django.test import Client

from labelling.models import User
from reports import demo
from tests.test_form_fuzzing import addresses, arguments

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


def client_of(role: str) -> Client:
    """A test client logged in as the demo's ``role`` (not at all for ``anonymous``)."""
    return client_for(PEOPLE[role])


def client_for(email: str | None) -> Client:
    """A test client logged in as the person with ``email`` (not at all for ``None``)."""
    client = Client()
    if email is not None:
        client.force_login(User.objects.get(email=email))
    return client


def pages_of(client: Client) -> dict[str, str]:
    """Address → HTML of the first address of each kind of page that answers ``client``
    with a page, on the demo data."""
    pages: dict[str, str] = {}
    kinds: set[str] = set()
    for kind, address in addresses(arguments(), every_route=False):
        if kind in kinds or kind in NOT_PAGES:
            continue
        response = client.get(address)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            kinds.add(kind)
            pages[address] = response.content.decode()
    return pages
