"""Every HTML form of the site, sent hostile values, never answers with a server error.

The forms are found, not listed. Every address of the URL conf (but the admin's and the API's,
see ``SKIPPED``) is opened as each demo person, its arguments filled with the demo's own
objects (``arguments``); the ``<form>`` elements of each page are read from its HTML, one of
each kind (its method, the view it is sent to and its fields); and each kind is sent, as the
person who was shown it, what a browser would send with one field changed: each field in turn
set to each value of ``SWEEP``, then one or two fields set to values hypothesis draws (huge and
non-finite numbers, NUL characters, 5,000-character strings, unicode, nothing, a file of the
wrong kind). Each sending runs in a savepoint that is rolled back, so that every one starts
from the demo data.

A new page or form is walked without a change here; a new kind of URL argument fails the walk
until ``arguments`` says where its demo values come from. The figures (forms, examples) are
printed and kept in ``test-artifacts/form-fuzzing.json``.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.throttling import SimpleRateThrottle

from assessments import services as assessment_services
from assessments.models import (
    Assignment,
    AssignmentStatus,
    ClarificationQuestion,
    ConflictDeclaration,
    ConflictWaiver,
    ImprovementArea,
    MethodologyVersion,
)
from labelling import services
from labelling.models import (
    ApiToken,
    Application,
    ApplicationState,
    Deadline,
    Effect,
    Invitation,
    InvitationRole,
    Level,
    Organisation,
    User,
)
from reports import demo
from reports.models import Certificate, DecisionLetter, Label
from tests import factories

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
#: Addresses not walked: the admin (Django's own forms, for superusers only) and the API,
#: which has no HTML form of its own and is fuzzed against its schema
#: (tests/api/test_schema_fuzzing.py).
SKIPPED = ("admin/", "api/")
URLENCODED = "application/x-www-form-urlencoded"
#: The key in the link of the invitation the walker opens.
INVITATION_KEY = "form-fuzzing-invitation"
#: Random examples per kind of form, on top of the sweep.
MAX_EXAMPLES = 8
#: Each field of a form is set to each of these in turn, the others left as the page gives
#: them, so that every one reaches every field (and a bad value in one field is not stopped
#: by another's), whatever hypothesis draws.
SWEEP = ["1E+400", "NaN", "-1", "a\x00b", "x" * 5000]
HOSTILE = [
    *SWEEP,
    "1e15",
    "٣٤ 💥 \u202e",
    "Infinity",
    "-Infinity",
    "0",
    "",
    " ",
    "9" * 30,
    "1.005",
    "0x10",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "2026-02-30",
]
#: The demo's people; the secretariat first, who may see every page (see ``discover``).
ROLES = {
    "secretariat": demo.SECRETARIAT,
    "secretariat-2": demo.SECRETARIAT_2,
    "manager": demo.MANAGER,
    "manager-2": demo.MANAGER_2,
    "expert-de": demo.EXPERT_DE,
    "expert-fr": demo.EXPERT_FR,
    "expert-be": demo.EXPERT_BE,
    "anonymous": None,
}


# --- Reading the forms of a page -----------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str
    #: What the page holds: an input's value, a textarea's text, a select's options.
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    page: str
    role: str
    action: str
    method: str
    multipart: bool
    fields: list[Field] = field(default_factory=list)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted({f.name for f in self.fields if f.name != "csrfmiddlewaretoken"}))

    def baseline(self) -> dict[str, list[str]]:
        """What a browser sends when the form is submitted as the page shows it."""
        data: dict[str, list[str]] = {}
        submitted = False
        for f in self.fields:
            if f.kind in {"checkbox", "radio"}:
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
            elif f.kind in {"submit", "button", "image"}:
                if not submitted:
                    data.setdefault(f.name, []).append(f.value)
                    submitted = True
            elif f.kind == "select":
                data.setdefault(f.name, []).append(f.value or next(iter(f.options), ""))
            elif f.kind != "file":
                data.setdefault(f.name, []).append(f.value)
        return data


class FormParser(HTMLParser):
    """The ``<form>`` elements of a page with their named fields: those inside each, and those
    anywhere that name it by its id (``form="..."``); disabled ones left out, as a browser
    leaves them out."""

    def __init__(self, page: str, role: str) -> None:
        super().__init__()
        self.page, self.role = page, role
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.by_id: dict[str, list[Field]] = {}
        self.ids: dict[str, Form] = {}
        self.select: Field | None = None
        #: The open <option>: its value (``None``: its text is its value), whether it is
        #: selected, and its text so far.
        self.option: tuple[str | None, bool, str] | None = None
        self.text: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = a.get("data-hx-post") or a.get("action") or self.page
            method = "post" if "data-hx-post" in a else (a.get("method") or "get").lower()
            self.form = Form(
                page=self.page,
                role=self.role,
                action=urljoin(self.page, action),
                method=method,
                multipart=a.get("enctype") == "multipart/form-data",
            )
            self.forms.append(self.form)
            if a.get("id"):
                self.ids[a["id"]] = self.form
            return
        if tag == "option" and self.select is not None:
            self.option = (a.get("value"), "selected" in a, "")
            return
        name = a.get("name")
        if not name or "disabled" in a or tag not in {"input", "button", "select", "textarea"}:
            return
        if "form" in a:
            fields = self.by_id.setdefault(a["form"], [])
        elif self.form is not None:
            fields = self.form.fields
        else:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            fields.append(Field(name, kind, a.get("value", ""), checked="checked" in a))
        elif tag == "button":
            fields.append(Field(name, "submit", a.get("value", "")))
        elif tag == "select":
            self.select = Field(name, "select")
            fields.append(self.select)
        else:
            self.text = Field(name, "textarea")
            fields.append(self.text)

    def close(self) -> None:
        super().close()
        for form_id, fields in self.by_id.items():
            if form_id in self.ids:
                self.ids[form_id].fields.extend(fields)

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text.value += data
        elif self.option is not None:
            value, selected, text = self.option
            self.option = (value, selected, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "option" and self.option is not None and self.select is not None:
            value, selected, text = self.option
            value = text.strip() if value is None else value
            self.select.options.append(value)
            if selected:
                self.select.value = value
            self.option = None
        elif tag == "textarea":
            self.text = None


def forms_of(html: str, page: str, role: str) -> list[Form]:
    parser = FormParser(page, role)
    parser.feed(html)
    parser.close()
    return parser.forms


# --- Where the URL conf's arguments come from ----------------------------------------------


def url_patterns() -> Iterator[tuple[str, URLPattern]]:
    """Every address of the URL conf, as its route and its pattern (includes followed)."""

    def walk(resolver: URLResolver, prefix: str) -> Iterator[tuple[str, URLPattern]]:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry, route)
            else:
                yield route, entry

    yield from walk(get_resolver(), "")


def _one_per(queryset, key: Callable[[Any], object]) -> list:
    """The first object of ``queryset`` for each value of ``key``."""
    chosen: dict[object, object] = {}
    for obj in queryset:
        chosen.setdefault(key(obj), obj)
    return list(chosen.values())


def arguments() -> dict[str, list[dict[str, object]]]:
    """URL arguments by an address's first segment: one application per state (with its
    parts), every organisation, one assignment and label per state, and so on."""
    applications = []
    for application in _one_per(Application.objects.order_by("pk"), lambda a: (a.state, a.level)):
        methodology = application.methodology
        area = ImprovementArea.objects.filter(application=application).first()
        evidence = application.evidence.first()
        applications.append(
            {
                "pk": application.pk,
                "application_pk": application.pk,
                "dimension_pk": methodology.dimensions.first().pk,
                "indicator_pk": methodology.indicators.first().pk,
                "evidence_pk": evidence.pk if evidence else None,
                "area_pk": area.pk if area else None,
                "action": "submit",
                "fmt": "csv",
            }
        )
    labels = _one_per(Label.objects.order_by("pk"), lambda label: label.state)
    assignments = _one_per(
        Assignment.objects.select_related("application").order_by("pk"),
        lambda a: (a.status, a.role, a.application.state),
    )
    return {
        "applications": applications,
        "organisations": [
            {"pk": pk, "organisation_pk": pk, "user_pk": user_pk}
            for pk, user_pk in Organisation.objects.values_list("pk", "managers").distinct()
        ],
        "assignments": [
            {"pk": a.pk, "indicator_pk": a.application.methodology.indicators.first().pk}
            for a in assignments
        ],
        "questions": [{"pk": q.pk} for q in ClarificationQuestion.objects.order_by("pk")[:2]],
        "labels": [{"pk": label.pk, "action": "suspend"} for label in labels],
        "verify": [{"number": c.number} for c in Certificate.objects.order_by("pk")[:1]],
        "credentials": [
            *[{"number": c.number} for c in Certificate.objects.order_by("pk")[:1]],
            {"purpose": "revocation", "number": 1},
            *[
                {"code": m.code, "version": m.version, "level": "gold"}
                for m in MethodologyVersion.objects.order_by("pk")[:1]
            ],
        ],
        "follow-ups": [{"pk": e.pk} for e in Effect.objects.order_by("created_at")[:1]],
        "account": [{"pk": token.pk} for token in ApiToken.objects.order_by("pk")[:1]],
        # allauth's links from its mails: a key that is no longer valid shows its page too.
        "accounts": [{"key": "expired-key", "uidb36": "1"}],
        "invitations": [{"pk": pk} for pk in Invitation.objects.values_list("pk", flat=True)],
        "invitation": [{"key": INVITATION_KEY}],
        "experts": [{"pk": pk} for pk in ConflictDeclaration.objects.values_list("pk", flat=True)],
        "conflicts": [
            {"pk": pk} for pk in ConflictDeclaration.objects.values_list("pk", flat=True)
        ],
        "waivers": [
            {"pk": pk, "decision": decision}
            for pk in ConflictWaiver.objects.values_list("pk", flat=True)
            for decision in ("confirm", "reject")
        ],
        "deadlines": [{"pk": pk} for pk in Deadline.objects.values_list("pk", flat=True)[:3]],
        "letters": [{"pk": pk} for pk in DecisionLetter.objects.values_list("pk", flat=True)[:3]],
        "exports": [{"fmt": "csv"}, {"fmt": "xlsx"}],
        "registry": [{"fmt": "csv"}],
    }


def addresses(
    demo_arguments: dict[str, list[dict[str, object]]], *, every_route: bool = True
) -> Iterator[tuple[str, str]]:
    """(URL name, address): each address of the URL conf once per set of demo arguments that
    fills it. A route the demo arguments cannot fill fails the walk, unless ``every_route`` is
    off (a caller that does not add what the demo lacks), which leaves it out."""
    for route, pattern in url_patterns():
        if route.startswith(SKIPPED):
            continue
        assert pattern.name, f"{route} has no name to reverse it by"
        needed = set(pattern.pattern.regex.groupindex)
        if not needed:
            yield pattern.name, reverse(pattern.name)
            continue
        segment = route.replace("^", "").split("/", 1)[0]
        options = demo_arguments.get(segment, [])
        missing = needed - {name for option in options for name in option}
        assert not (missing and every_route), (
            f"arguments() gives no demo value for {missing} of {route}"
        )
        for option in options:
            if all(option.get(name) is not None for name in needed):
                kwargs = {name: option[name] for name in needed}
                yield pattern.name, reverse(pattern.name, kwargs=kwargs)


# --- The walk ------------------------------------------------------------------------------


@dataclass
class Walk:
    """What the walk opened and found: the first form of each kind, by its signature."""

    pages: int = 0
    elements: int = 0
    forms: dict[tuple, Form] = field(default_factory=dict)


def _signature(form: Form) -> tuple | None:
    """A kind of form: its method, the view it is sent to, its fields (``None``: it leaves
    the site)."""
    target = urlsplit(form.action)
    if target.netloc and target.netloc != "testserver":
        return None
    try:
        view = resolve(target.path).view_name
    except Resolver404:
        view = target.path
    # One kind for the same fields of each indicator ("value-12", "value-13").
    names = tuple(sorted({re.sub(r"\d+", "#", name) for name in form.names}))
    return (form.method, view, names)


def discover(
    clients: dict[str, Client], demo_arguments: dict[str, list[dict[str, object]]]
) -> Walk:
    """Opens every address as every person and keeps the first form of each kind. An address
    that the secretariat (the first asked) gets as a file or as 405 (a view that only takes
    POST) has no page for anyone: nobody else is asked."""
    walk = Walk()
    for _name, address in addresses(demo_arguments):
        for n, (role, client) in enumerate(clients.items()):
            response = client.get(address)
            walk.pages += 1
            page = "html" in response.get("Content-Type", "")
            if n == 0 and (
                response.status_code == 405 or (response.status_code == 200 and not page)
            ):
                break
            if response.status_code != 200 or not page:
                continue
            for form in forms_of(response.content.decode(), address, role):
                walk.elements += 1
                signature = _signature(form)
                if signature is not None:
                    walk.forms.setdefault(signature, form)
    return walk


# --- Sending the forms ---------------------------------------------------------------------

hostile_texts = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=60),
    st.integers(-(10**30), 10**30).map(str),
    st.floats().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
hostile_files = st.builds(
    SimpleUploadedFile,
    name=st.sampled_from(["members.pdf", "a.docx", "x" * 300 + ".pdf", "\u202eFDP.exe", "notes"]),
    content=st.sampled_from([factories.PDF_BYTES, b"", b"PK\x03\x04broken", b"\x00" * 64]),
)


def _groups(form: Form) -> dict[str, list[Field]]:
    """The form's fields but its CSRF token, by name with the numbers left out: the same
    field of each indicator ("value-12", "value-13") is one group."""
    groups: dict[str, list[Field]] = {}
    for f in form.fields:
        if f.name != "csrfmiddlewaretoken":
            groups.setdefault(re.sub(r"\d+", "#", f.name), []).append(f)
    return groups


def _hostile(form: Form, draw: Callable[[st.SearchStrategy], Any]) -> dict[str, object]:
    """The form's baseline with one or two groups of fields replaced by hostile values (a
    choice by several of its options, too)."""
    data: dict[str, object] = dict(form.baseline())
    groups = _groups(form)
    if not groups:
        return data
    for name in draw(st.sets(st.sampled_from(sorted(groups)), min_size=1, max_size=2)):
        for f in groups[name]:
            if f.kind == "file":
                data[f.name] = draw(hostile_files)
            elif f.options and draw(st.booleans()):
                data[f.name] = draw(st.lists(st.sampled_from(f.options), max_size=3))
            else:
                data[f.name] = draw(hostile_texts)
    return data


def _sweep(form: Form) -> Iterator[tuple[str, str, dict[str, object]]]:
    """The form's baseline with one group of fields set to one value of ``SWEEP``, for
    each group (but files) and each value."""
    for name, fields in _groups(form).items():
        if any(f.kind == "file" for f in fields):
            continue
        for value in SWEEP:
            yield name, value, {**form.baseline(), **{f.name: value for f in fields}}


def send(
    client: Client, user: User | None, form: Form, data: dict[str, object], htmx: bool = False
) -> HttpResponse:
    """Sends the form as ``user`` would (encoded as the form says, through htmx or not), in a
    savepoint rolled back afterwards."""
    headers = {"HX-Request": "true"} if htmx else {}
    with transaction.atomic():
        if user is not None:
            client.force_login(user)  # again: a log-out form ends the session
        if form.method == "get":
            data = {k: v for k, v in data.items() if not isinstance(v, SimpleUploadedFile)}
            response = client.get(form.action, data, headers=headers)
        elif form.multipart:
            response = client.post(form.action, data, headers=headers)
        else:
            body = urlencode({k: v for k, v in data.items() if isinstance(v, str | list)}, True)
            response = client.post(form.action, body, URLENCODED, headers=headers)
        transaction.set_rollback(True)
    return response


def fuzz(client: Client, user: User | None, form: Form) -> int:
    """Sends ``form`` hypothesis' hostile values; returns how many examples were sent."""
    sent = 0

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def send_hostile(data: st.DataObject) -> None:
        nonlocal sent
        values = _hostile(form, data.draw)
        response = send(client, user, form, values, htmx=data.draw(st.booleans()))
        sent += 1
        assert response.status_code < 500, (form.page, form.action, values)

    send_hostile()
    return sent


@pytest.fixture
def unthrottled(monkeypatch):
    """Hundreds of sendings a minute: throttling is tested on its own."""
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)


def test_no_form_answers_a_hostile_value_with_a_server_error(demo_people, unthrottled, capsys):
    started = time.monotonic()
    people = demo_people
    clients = {}
    for role, user in people.items():
        clients[role] = Client()
        if user is not None:
            clients[role].force_login(user)
    walk = discover(clients, arguments())
    assert walk.forms, "the walk found no form at all"

    examples = 0
    for form in walk.forms.values():
        client, user = clients[form.role], people[form.role]
        for name, value, data in _sweep(form):
            response = send(client, user, form, data)
            examples += 1
            assert response.status_code < 500, (form.page, form.action, name, value)
        examples += fuzz(client, user, form)

    seconds = time.monotonic() - started
    figures = {
        "pages": walk.pages,
        "form_elements": walk.elements,
        "forms": len(walk.forms),
        "examples": examples,
        "seconds": round(seconds, 1),
        "kinds": sorted(
            f"{m.upper()} {view} ({', '.join(names)})" for m, view, names in walk.forms
        ),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "form-fuzzing.json").write_text(json.dumps(figures, indent=2))
    with capsys.disabled():
        print(
            f"\nform fuzzing: {len(walk.forms)} kinds of form ({walk.elements} <form> elements "
            f"on {walk.pages} pages opened), {examples} examples sent, none answered 5xx, "
            f"{seconds:.0f} s"
        )


@pytest.fixture
def demo_people(db, no_rendering) -> dict[str, User | None]:
    """The demo data (with what it lacks for some forms to show), and each demo person by
    role."""
    demo.seed_demo()
    people = {
        role: None if email is None else User.objects.get(email=email)
        for role, email in ROLES.items()
    }
    # What the demo has none of: a token, a question waiting for its answer, evidence on the
    # draft, and a SILVER draft with an improvement area.
    manager = people["manager"]
    services.api_token_create(user=manager, name="Form fuzzing")
    draft = Application.objects.get(state=ApplicationState.DRAFT, organisation__managers=manager)
    assessment_services.evidence_upload(
        application=draft,
        actor=manager,
        upload=io.BytesIO(demo.evidence_pdf()),
        name="members.pdf",
        indicator=draft.methodology.indicators.first(),
    )
    silver = factories.ApplicationFactory(
        organisation=draft.organisation,
        created_by=manager,
        level=Level.SILVER,
        methodology=draft.methodology,
        self_assessed=False,
    )
    assessment_services.improvement_area_add(
        application=silver,
        actor=manager,
        title="Internationalisation",
        description="A desk for members' first steps abroad.",
        effect="Twelve members exporting for the first time.",
    )
    assessed = Application.objects.filter(state=ApplicationState.IN_ASSESSMENT).first()
    assessment_services.question_ask(
        application=assessed,
        actor=assessed.assignments.filter(status=AssignmentStatus.ACCEPTED).first().expert,
        text="Who signed the letters of commitment?",
        due_date=timezone.localdate() + datetime.timedelta(days=14),
    )
    # An invitation whose link the walker knows (only its key's hash is ever stored).
    invitation = services.invitation_create(
        email="invited@example.org", role=InvitationRole.EXPERT, actor=people["secretariat"]
    )
    invitation.key_hash = Invitation.hash_key(INVITATION_KEY)
    invitation.save(update_fields=["key_hash"])
    return people
