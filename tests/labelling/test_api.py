"""The authenticated API: tokens, scoped reads, transitions as actions, problem-detail errors."""

import hashlib

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from labelling import services
from labelling.models import ApiToken, Application, StateChange
from labelling.models import ApplicationState as S
from tests import factories

PROBLEM = "application/problem+json"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def submitted(organisation, manager):
    return factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.SUBMITTED
    )


@pytest.fixture
def assigned(lead_expert):
    """An application of another organisation that ``lead_expert`` is invited to assess."""
    return factories.AssignmentFactory(
        expert=lead_expert, application__self_assessed=False
    ).application


def _action_url(application: Application, action: str) -> str:
    return reverse("api_application_action", args=[application.pk, action])


def _listed_ids(api: APIClient) -> set[int]:
    response = api.get(reverse("api_applications"))
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_token_authenticates_its_user(api, manager, application):
    _token, key = services.api_token_create(user=manager, name="CRM sync")

    response = api.get(reverse("api_applications"), HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [application.pk]


def test_token_use_is_recorded(api, manager):
    token, key = services.api_token_create(user=manager, name="CRM sync")

    api.get(reverse("api_applications"), HTTP_AUTHORIZATION=f"Bearer {key}")

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_token_is_refused_with_401_problem(api, manager):
    token, key = services.api_token_create(user=manager, name="CRM sync")
    services.api_token_revoke(token=token, actor=manager)

    response = api.get(reverse("api_applications"), HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_request_without_credentials_is_refused_with_401_problem(api):
    response = api.get(reverse("api_applications"))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_token_key_is_stored_hashed(manager):
    token, key = services.api_token_create(user=manager, name="CRM sync")

    stored = ApiToken.objects.values().get(pk=token.pk)
    assert stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {str(value) for value in stored.values()}
    assert key.startswith(stored["prefix"])


def test_token_of_another_user_cannot_be_revoked(manager, other_manager):
    from labelling.exceptions import ActionForbidden

    token, _key = services.api_token_create(user=manager, name="CRM sync")

    with pytest.raises(ActionForbidden):
        services.api_token_revoke(token=token, actor=other_manager)


def test_secretariat_may_revoke_anyones_token(manager, secretariat):
    token, _key = services.api_token_create(user=manager, name="CRM sync")

    services.api_token_revoke(token=token, actor=secretariat)

    assert token.revoked_at is not None


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("manager", {"application"}),
        ("other_manager", set()),
        ("secretariat", {"application", "assigned"}),
        ("lead_expert", {"assigned"}),
        ("outsider", set()),
    ],
    ids=["manager-own", "other-manager-nothing", "secretariat-all", "expert-assigned", "outsider"],
)
def test_application_list_is_scoped_per_role(request, api, application, assigned, role, sees):
    api.force_authenticate(request.getfixturevalue(role))

    listed = _listed_ids(api)

    assert listed == {request.getfixturevalue(name).pk for name in sees}


def test_application_list_filters_by_state(api, secretariat, application, submitted):
    api.force_authenticate(secretariat)

    response = api.get(reverse("api_applications"), {"state": S.SUBMITTED})

    assert [row["id"] for row in response.json()["results"]] == [submitted.pk]


def test_organisation_list_is_scoped_to_the_manager(api, manager, other_manager, organisation):
    api.force_authenticate(manager)

    response = api.get(reverse("api_organisations"))

    assert [row["id"] for row in response.json()["results"]] == [organisation.pk]


def test_application_detail_gives_allowed_transitions_and_history(api, manager, application):
    api.force_authenticate(manager)

    body = api.get(reverse("api_application", args=[application.pk])).json()

    assert body["state"] == S.DRAFT
    assert body["allowed_transitions"] == ["submit", "withdraw"]
    assert body["history"] == []


def test_submit_moves_the_state_and_records_the_audit_row(api, manager, application):
    api.force_authenticate(manager)

    response = api.post(_action_url(application, "submit"), {}, format="json")

    assert response.status_code == 200
    assert response.json()["state"] == S.SUBMITTED
    change = StateChange.objects.get(object_id=application.pk, transition="submit")
    assert (change.source, change.target, change.actor) == (S.DRAFT, S.SUBMITTED, manager)
    assert response.json()["history"][-1]["transition"] == "submit"


def test_illegal_transition_answers_409_problem(api, secretariat, application):
    api.force_authenticate(secretariat)

    response = api.post(_action_url(application, "accept"), {}, format="json")

    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["current_state"] == S.DRAFT
    assert body["allowed_transitions"] == ["submit", "withdraw"]


def test_action_by_a_wrong_role_answers_403_problem(api, manager, submitted):
    api.force_authenticate(manager)

    response = api.post(_action_url(submitted, "accept"), {}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Application.objects.get(pk=submitted.pk).state == S.SUBMITTED


def test_action_without_a_required_reason_answers_400_with_errors_reason(
    api, secretariat, submitted
):
    api.force_authenticate(secretariat)

    response = api.post(_action_url(submitted, "reject"), {"reason": " "}, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert list(response.json()["errors"]) == ["reason"]


def test_action_with_an_unknown_outcome_answers_400_with_errors_outcome(
    api, secretariat, submitted
):
    api.force_authenticate(secretariat)

    response = api.post(_action_url(submitted, "reject"), {"outcome": "platinum"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["outcome"]


@pytest.mark.parametrize(
    ("method", "url_name", "args"),
    [
        ("get", "api_application", ()),
        ("post", "api_application_action", ("submit",)),
    ],
    ids=["read", "action"],
)
def test_another_organisations_application_answers_404(
    api, other_manager, application, method, url_name, args
):
    api.force_authenticate(other_manager)

    response = getattr(api, method)(reverse(url_name, args=[application.pk, *args]))

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert Application.objects.get(pk=application.pk).state == S.DRAFT


def test_unknown_action_answers_404(api, manager, application):
    api.force_authenticate(manager)

    response = api.post(_action_url(application, "teleport"), {}, format="json")

    assert response.status_code == 404


def _list_queries(api: APIClient) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api.get(reverse("api_applications")).status_code == 200
    return len(queries)


def test_application_list_query_count_does_not_grow(api, secretariat):
    api.force_authenticate(secretariat)
    factories.ApplicationFactory.create_batch(5, self_assessed=False)
    with_five = _list_queries(api)
    factories.ApplicationFactory.create_batch(45, self_assessed=False)

    assert _list_queries(api) == with_five


def test_public_api_not_found_is_a_problem(api, db):
    response = api.get(reverse("api_public_verify", args=["CL-2000-000000-0"]))

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_token_page_shows_a_new_key_once(client, manager):
    client.force_login(manager)

    response = client.post(reverse("api_tokens"), {"name": "CRM sync"})

    token = ApiToken.objects.get(user=manager)
    key = response.context["new_key"]
    assert token.key_hash == ApiToken.hash_key(key)
    assert key not in client.get(reverse("api_tokens")).content.decode()


def test_token_page_revokes_own_token(client, manager):
    token, _key = services.api_token_create(user=manager, name="CRM sync")
    client.force_login(manager)

    response = client.post(reverse("api_token_revoke", args=[token.pk]))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_page_does_not_revoke_another_users_token(client, manager, other_manager):
    token, _key = services.api_token_create(user=manager, name="CRM sync")
    client.force_login(other_manager)

    response = client.post(reverse("api_token_revoke", args=[token.pk]))

    assert response.status_code == 404


def test_schema_validates(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )


def test_upload_too_large_is_a_413_problem():
    from assessments.services.evidence import UploadTooLarge
    from labelling.api_errors import problem_exception_handler

    response = problem_exception_handler(UploadTooLarge("The file is too large.", field="file"), {})

    assert response.status_code == 413
    assert response.content_type == PROBLEM
    assert response.data["errors"] == {"file": ["The file is too large."]}


@pytest.fixture
def rates(settings):
    """Lowers throttle rates for one test (the defaults are far above what any test sends)."""

    def lower(**scopes: str) -> None:
        current = settings.REST_FRAMEWORK
        settings.REST_FRAMEWORK = {
            **current,
            "DEFAULT_THROTTLE_RATES": {**current["DEFAULT_THROTTLE_RATES"], **scopes},
        }

    return lower


def _with_key(api: APIClient, key: str, **extra):
    return api.get(reverse("api_applications"), HTTP_AUTHORIZATION=f"Bearer {key}", **extra)


def _assert_throttled(response) -> None:
    assert response.status_code == 429
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_failed_token_logins_past_the_rate_answer_429_problem_with_retry_after(api, db, rates):
    rates(failed_token="2/minute")

    answers = [_with_key(api, "cl_guessed") for _ in range(3)]

    assert [response.status_code for response in answers[:2]] == [401, 401]
    _assert_throttled(answers[2])


def test_address_past_the_failed_login_rate_is_refused_even_with_a_right_key(api, manager, rates):
    rates(failed_token="2/minute")
    _token, key = services.api_token_create(user=manager, name="CRM sync")
    for _ in range(2):
        _with_key(api, "cl_guessed")

    _assert_throttled(_with_key(api, key))


def test_failed_token_logins_are_counted_per_address(api, db, rates):
    rates(failed_token="2/minute")
    for _ in range(2):
        _with_key(api, "cl_guessed", REMOTE_ADDR="192.0.2.1")

    response = _with_key(api, "cl_guessed", REMOTE_ADDR="192.0.2.2")

    assert response.status_code == 401


def test_requests_with_a_right_key_are_not_counted_as_failures(api, manager, rates):
    rates(failed_token="1/minute")
    _token, key = services.api_token_create(user=manager, name="CRM sync")
    for _ in range(3):
        assert _with_key(api, key).status_code == 200

    assert _with_key(api, "cl_guessed").status_code == 401


def test_requests_of_a_person_past_the_user_rate_answer_429_problem(api, manager, rates):
    rates(user="2/minute")
    api.force_authenticate(manager)

    answers = [api.get(reverse("api_organisations")) for _ in range(3)]

    assert [response.status_code for response in answers[:2]] == [200, 200]
    _assert_throttled(answers[2])


def test_public_api_keeps_its_own_rate(api, db, rates):
    rates(public="1/minute")

    answers = [api.get(reverse("api_public_labels")) for _ in range(2)]

    assert answers[0].status_code == 200
    _assert_throttled(answers[1])
