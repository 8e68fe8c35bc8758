"""Errors as problem details (issue 7, point 4): what the other API tests leave out.

Covered elsewhere: an illegal transition answers 409 with ``current_state`` and
``allowed_transitions`` (tests/labelling/test_api.py), bad fields 400 with ``errors`` naming them
(tests/*/test_api*.py) and an oversized upload 413 (tests/assessments/test_api.py). Here: two
clients acting on the same state, an unknown API route, and bad input that must never be a 500.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from labelling import selectors
from labelling.models import Application, StateChange
from labelling.models import ApplicationState as S
from tests import factories
from tests.api.clients import token_client

PROBLEM = "application/problem+json"
ENORMOUS = "9" * 30


@pytest.fixture
def submitted(organisation, manager):
    return factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.SUBMITTED
    )


def _accept(client: APIClient, application: Application):
    return client.post(
        reverse("api_application_action", args=[application.pk, "accept"]), {}, format="json"
    )


def _accepted_once(application: Application) -> bool:
    changes = StateChange.objects.filter(object_id=application.pk, transition="accept")
    return Application.objects.get(pk=application.pk).state == S.ACCEPTED and changes.count() == 1


# --- Two clients, one state ------------------------------------------------------------------


def test_acting_on_a_state_another_client_just_changed_answers_409_with_the_current_state(
    secretariat, second_secretariat, submitted
):
    first, second = token_client(secretariat), token_client(second_secretariat)
    assert _accept(first, submitted).status_code == 200

    response = _accept(second, submitted)

    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert (body["code"], body["current_state"]) == ("illegal_transition", S.ACCEPTED)
    assert body["allowed_transitions"] == ["withdraw"]
    assert _accepted_once(submitted)


@pytest.fixture
def stale_accept(secretariat, second_secretariat, submitted, monkeypatch):
    """The second member's "accept" on the application as they read it, just before the first
    member's "accept" (run between that read and their save) changed it."""
    first, second = token_client(secretariat), token_client(second_secretariat)
    load = selectors.application_get
    first_answers = []

    def load_then_let_the_first_client_act(**kwargs) -> Application:
        application = load(**kwargs)
        if kwargs["user"] == second_secretariat and not first_answers:
            first_answers.append(_accept(first, submitted))
        return application

    monkeypatch.setattr(selectors, "application_get", load_then_let_the_first_client_act)
    response = _accept(second, submitted)
    assert [answer.status_code for answer in first_answers] == [200]
    return response


def test_acting_on_a_copy_loaded_before_another_client_changed_it_answers_409_stale_state(
    stale_accept, submitted
):
    assert stale_accept.status_code == 409
    assert stale_accept["Content-Type"] == PROBLEM
    assert stale_accept.json()["code"] == "stale_state"
    assert _accepted_once(submitted)


def test_stale_state_problem_names_the_state_the_application_is_in_now(stale_accept):
    body = stale_accept.json()

    assert (body.get("current_state"), body.get("allowed_transitions")) == (
        S.ACCEPTED,
        ["withdraw"],
    )


# --- Unknown routes --------------------------------------------------------------------------


@pytest.mark.parametrize("authenticated", [True, False], ids=["with-token", "anonymous"])
def test_unknown_api_route_answers_404_problem_not_the_html_page(manager, authenticated):
    client = token_client(manager if authenticated else None)

    response = client.get("/api/v1/no-such-resource/")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert (response.json()["status"], response.json()["code"]) == (404, "not_found")


def test_unknown_page_outside_the_api_stays_an_html_page(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- Bad input is refused, never a server error ----------------------------------------------


def _answer(application: Application, body: object):
    url = reverse("api_self_assessment_answer", args=[application.pk, "STR-1"])
    return lambda client: client.put(url, body, format="json")


def _get(url_name: str, *args: object, **query: str):
    return lambda client: client.get(reverse(url_name, args=args), query)


def _raw(url_name: str, body: bytes):
    return lambda client: client.generic(
        "POST", reverse(url_name), body, content_type="application/json"
    )


#: Who sends what (built from the manager's draft), the status, and the field ``errors`` names.
BAD_INPUT = [
    pytest.param("manager", lambda app: _answer(app, {"value": "many"}), 400, "value", id="words"),
    pytest.param("manager", lambda app: _answer(app, {"value": "NaN"}), 400, "value", id="nan"),
    pytest.param(
        "manager", lambda app: _answer(app, {"value": 10**40}), 400, "value", id="enormous-value"
    ),
    pytest.param(
        "manager",
        lambda app: _answer(app, {"value": 20, "comment": "a\x00b"}),
        400,
        "comment",
        id="nul-byte-in-text",
    ),
    pytest.param(
        "manager",
        lambda app: _answer(app, ["value", 20]),
        400,
        "non_field_errors",
        id="list-instead-of-object",
    ),
    pytest.param(
        "manager", lambda app: _raw("api_organisations", b'{"name": '), 400, None, id="bad-json"
    ),
    pytest.param(
        "secretariat",
        lambda app: _get("api_application", int(ENORMOUS)),
        404,
        None,
        id="enormous-id-in-path",
    ),
    pytest.param(
        "secretariat",
        lambda app: _get("api_applications", organisation=ENORMOUS),
        400,
        "organisation",
        id="enormous-id-filtering-applications",
    ),
    pytest.param(
        "secretariat",
        lambda app: _get("api_assignments", application=ENORMOUS),
        400,
        "application",
        id="enormous-id-filtering-assignments",
    ),
    pytest.param(
        "secretariat",
        lambda app: _get("api_conflicts", organisation=ENORMOUS),
        400,
        "organisation",
        id="enormous-id-filtering-conflicts",
    ),
    pytest.param(
        "secretariat",
        lambda app: _get("api_organisations", search="\x00"),
        400,
        None,
        id="nul-byte-in-search",
    ),
    pytest.param(
        "secretariat",
        lambda app: _get("api_labels", q="\x00"),
        400,
        "q",
        id="nul-byte-in-label-filter",
    ),
]


@pytest.mark.parametrize(("role", "make", "status", "field"), BAD_INPUT)
def test_bad_input_is_refused_as_a_problem_never_a_server_error(
    request, application, role, make, status, field
):
    send = make(application)

    response = send(token_client(request.getfixturevalue(role)))

    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    if field:
        assert list(response.json()["errors"]) == [field]
