"""Bad input is answered as bad input, never with a server error (PostgreSQL refuses a NUL
character in any text, where SQLite stores it): NUL characters in the address, the query string
or a posted form (``labelling.middleware.BadInputMiddleware``); uploads larger than their limit,
refused from the Content-Length before the body is read; JSON bodies the API cannot take
(``labelling.api_parsers``); organisation figures beyond their bounds."""

from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from rest_framework.test import APIClient

from assessments.models import Evidence
from labelling.middleware import FORM_OVERHEAD_BYTES
from labelling.models import Organisation
from tests import factories

PROBLEM = "application/problem+json"
NUL_MESSAGE = "Null characters are not allowed."


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def draft(organisation, manager):
    return factories.ApplicationFactory(
        organisation=organisation, created_by=manager, self_assessed=False
    )


def _profile(**changes) -> dict[str, object]:
    """The organisation form as a manager fills it in."""
    return {
        "name": "BioCluster Berlin",
        "legal_name": "BioCluster Berlin e.V.",
        "country": "DE",
        "founded_year": "2010",
        "members_companies": "40",
        "members_research": "8",
        "members_public": "3",
        "management_fte": "3.5",
        **changes,
    }


# --- NUL characters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/verify/%00/", "text/html; charset=utf-8"), ("/api/v1/public/verify/%00/", PROBLEM)],
    ids=["page", "api"],
)
def test_address_with_a_nul_character_answers_404(client, db, path, content_type):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == content_type


@pytest.mark.parametrize(
    "path",
    ["/registry/?country=%00", "/verify/?number=CL%00", "/dashboard/?q=a%00b"],
    ids=["registry", "verify-lookup", "dashboard"],
)
def test_query_string_with_a_nul_character_answers_400(client, manager, path):
    client.force_login(manager)

    response = client.get(path)

    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


def test_query_string_with_a_nul_character_answers_400_problem_on_the_api(api, db):
    response = api.get("/api/v1/public/labels/?country=%00")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"] == {"country": [NUL_MESSAGE]}


def test_posted_field_with_a_nul_character_answers_400_and_stores_nothing(client, manager):
    client.force_login(manager)

    response = client.post(reverse("organisation_create"), _profile(name="BioCluster\x00Berlin"))

    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()
    assert not Organisation.objects.filter(legal_name="BioCluster Berlin e.V.").exists()


def test_posted_field_name_with_a_nul_character_answers_400(client, manager):
    client.force_login(manager)

    response = client.post(reverse("organisation_create"), {**_profile(), "name\x00": "x"})

    assert response.status_code == 400


@pytest.mark.parametrize(
    "header", ["HTTP_USER_AGENT", "HTTP_COOKIE", "HTTP_ACCEPT_LANGUAGE"], ids=str.lower
)
def test_header_with_a_nul_character_answers_400_before_the_lockout_records_it(
    client, manager, header
):
    response = client.post(
        reverse("account_login"),
        {"login": manager.email, "password": "a wrong guess"},
        **{header: "evil\x00value"},
    )

    assert response.status_code == 400
    assert not AccessAttempt.objects.exists()


def test_posted_form_with_a_nul_character_answers_400_problem_on_the_api(api, manager):
    api.force_authenticate(manager)

    response = api.post(reverse("api_organisations"), _profile(name="Bio\x00"), format="multipart")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert not Organisation.objects.filter(legal_name="BioCluster Berlin e.V.").exists()


def _put_with_a_nul_in_a_sector(api, organisation, **encoding):
    """A manager's PUT of the organisation whose sector slug holds a NUL character: a
    PostgreSQL server error when it reached the sector lookup."""
    return api.put(reverse("api_organisation", args=[organisation.pk]), **encoding)


def _refused_by_field(response, organisation) -> None:
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert NUL_MESSAGE in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.name != "Cluster 0"


NUL_SECTOR = {**_profile(name="Cluster 0"), "sectors": ["health\x00"]}


def test_multipart_put_with_a_nul_character_answers_400_on_the_api(api, manager, organisation):
    api.force_authenticate(manager)

    response = _put_with_a_nul_in_a_sector(api, organisation, data=NUL_SECTOR, format="multipart")

    _refused_by_field(response, organisation)


def test_urlencoded_put_with_a_nul_character_answers_400_on_the_api(api, manager, organisation):
    api.force_authenticate(manager)

    response = _put_with_a_nul_in_a_sector(
        api,
        organisation,
        data=urlencode(NUL_SECTOR, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )

    _refused_by_field(response, organisation)


# --- Uploads larger than their limit -------------------------------------------------------


class Unread:
    """A request body that fails the test if anything reads it."""

    def read(self, *args) -> bytes:
        raise AssertionError("the body of an oversized upload was read")

    readline = read


def _declaring(size: int) -> dict[str, object]:
    """The environ of a multipart request that declares ``size`` bytes and must not be read."""
    return {
        "CONTENT_LENGTH": str(size),
        "CONTENT_TYPE": "multipart/form-data; boundary=BoUnDaRy",
        "wsgi.input": Unread(),
    }


def test_upload_declared_larger_than_the_limit_answers_413_without_reading_the_body(
    client, draft, manager, settings
):
    settings.EVIDENCE_MAX_BYTES = 1024
    indicator = draft.methodology.indicators.get(code="STR-1")
    client.force_login(manager)

    response = client.generic(
        "POST",
        reverse("evidence_upload", args=[draft.pk, indicator.pk]),
        **_declaring(1024 + FORM_OVERHEAD_BYTES + 1),
    )

    assert response.status_code == 413
    assert f"The file is larger than {filesizeformat(1024)}." in response.content.decode()
    assert not Evidence.objects.filter(application=draft).exists()


def test_upload_declared_larger_than_the_limit_answers_413_problem_on_the_api(
    api, draft, manager, settings
):
    settings.EVIDENCE_MAX_BYTES = 1024
    api.force_authenticate(manager)

    response = api.generic(
        "POST",
        reverse("api_evidence_list", args=[draft.pk]),
        **_declaring(1024 + FORM_OVERHEAD_BYTES + 1),
    )

    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "too_large"
    assert response.json()["errors"] == {
        "file": [f"The file is larger than {filesizeformat(1024)}."]
    }


def test_certificate_upload_to_verify_declared_larger_than_a_certificate_answers_413(client, db):
    response = client.generic("POST", reverse("verify_lookup"), **_declaring(10**9))

    assert response.status_code == 413


def test_large_form_to_a_page_without_an_upload_is_not_refused_for_its_size(client, manager):
    client.force_login(manager)
    long_name = "x" * (FORM_OVERHEAD_BYTES + 1)

    response = client.post(reverse("organisation_create"), _profile(legal_name=long_name))

    assert response.status_code == 200  # the form's own length check answers
    assert "Ensure this value has at most 250 characters" in response.content.decode()


# --- JSON the API cannot take --------------------------------------------------------------


def _patch_json(api: APIClient, organisation: Organisation, body: str):
    return api.patch(
        reverse("api_organisation", args=[organisation.pk]), body, content_type="application/json"
    )


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ('{"legal_name": 1E+400}', {"legal_name": ["The number is too large."]}),
        ('{"sectors": [-1e999]}', {"sectors": ["The number is too large."]}),
        ('{"legal_name": "Bio\\u0000"}', {"legal_name": [NUL_MESSAGE]}),
        ('{"sectors": ["health\\u0000"]}', {"sectors": [NUL_MESSAGE]}),
        ('{"legal_name\\u0000": "Bio"}', {"non_field_errors": [NUL_MESSAGE]}),
    ],
    ids=["huge-number", "huge-number-in-a-list", "nul", "nul-in-a-list", "nul-in-a-name"],
)
def test_json_the_database_cannot_store_answers_400_naming_the_field(
    api, manager, organisation, body, errors
):
    api.force_authenticate(manager)

    response = _patch_json(api, organisation, body)

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"] == errors
    organisation.refresh_from_db()
    assert organisation.legal_name != "inf"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_or_infinity_answers_400_problem(api, manager, organisation, constant):
    api.force_authenticate(manager)

    response = _patch_json(api, organisation, f'{{"management_fte": {constant}}}')

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "parse_error"


def test_json_nested_deeper_than_the_parser_goes_answers_400_problem(api, manager, organisation):
    api.force_authenticate(manager)

    response = _patch_json(api, organisation, "[" * 100_000 + "]" * 100_000)

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM


# --- Organisation figures ------------------------------------------------------------------


FIGURES = [
    ("members_companies", "100001"),
    ("members_research", "1e15"),
    ("members_public", "-1"),
    ("management_fte", "1000.5"),
    ("management_fte", "NaN"),
    ("management_fte", "1E+400"),
    ("founded_year", "Infinity"),
    ("founded_year", "99999999999999999999"),
]
FIGURE_IDS = [f"{field}={value}" for field, value in FIGURES]


@pytest.mark.parametrize(("field", "value"), FIGURES, ids=FIGURE_IDS)
def test_organisation_form_answers_a_figure_beyond_its_bounds_with_a_field_error(
    client, manager, field, value
):
    client.force_login(manager)

    response = client.post(reverse("organisation_create"), _profile(**{field: value}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Organisation.objects.filter(legal_name="BioCluster Berlin e.V.").exists()


@pytest.mark.parametrize(("field", "value"), FIGURES, ids=FIGURE_IDS)
def test_api_answers_an_organisation_figure_beyond_its_bounds_with_400_naming_it(
    api, manager, field, value
):
    api.force_authenticate(manager)

    response = api.post(reverse("api_organisations"), _profile(**{field: value}), format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_api_schema_states_the_bound_of_the_member_counts(api, db):
    schema = api.get(reverse("api_schema"), {"format": "json"}).json()

    figures = schema["components"]["schemas"]["OrganisationInput"]["properties"]
    assert [
        figures[f"members_{kind}"]["maximum"] for kind in ("companies", "research", "public")
    ] == [100_000] * 3


# --- Too many attempts ---------------------------------------------------------------------


def test_too_many_wrong_passwords_to_reauthenticate_answer_429_not_a_server_error(client, manager):
    """allauth's own limits render the 429 page without the seconds the site's throttles give."""
    client.force_login(manager)

    statuses = [
        client.post(reverse("account_reauthenticate"), {"password": "a wrong guess"}).status_code
        for _attempt in range(11)
    ]

    assert statuses[-1] == 429
    assert max(statuses) < 500
