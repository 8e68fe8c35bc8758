"""The authenticated API, writing: registering and changing organisations, opening applications;
and what the organisation and application lists filter, sort and cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from labelling.models import Application, Level, Membership, Organisation
from labelling.models import ApplicationState as S
from reports.models import LabelState
from tests import factories

PROBLEM = "application/problem+json"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def health(db):
    return factories.SectorFactory(code="health", name="Health")


def _profile(**changes) -> dict:
    """What a client sends to register an organisation."""
    return {
        "name": "BioCluster Berlin",
        "legal_name": "BioCluster Berlin e.V.",
        "country": "DE",
        "region": "DE3",
        "website": "https://biocluster.example.org",
        "founded_year": 2010,
        "members_companies": 40,
        "members_research": 8,
        "members_public": 3,
        "management_fte": "3.5",
        **changes,
    }


def _register(api: APIClient, **changes):
    return api.post(reverse("api_organisations"), _profile(**changes), format="json")


def _organisation_url(organisation: Organisation) -> str:
    return reverse("api_organisation", args=[organisation.pk])


# Registering an organisation


@pytest.mark.parametrize("role", ["manager", "secretariat"])
def test_manager_or_secretariat_registers_an_organisation(request, api, role):
    api.force_authenticate(request.getfixturevalue(role))

    response = _register(api)

    assert response.status_code == 201
    organisation = Organisation.objects.get(name="BioCluster Berlin")
    assert response.json()["id"] == organisation.pk
    assert response["Location"] == _organisation_url(organisation)
    assert response.json()["country"] == "DE"


def test_manager_who_registers_an_organisation_becomes_its_manager(api, manager):
    api.force_authenticate(manager)

    organisation_id = _register(api).json()["id"]

    assert Membership.objects.filter(user=manager, organisation_id=organisation_id).exists()


@pytest.mark.parametrize("role", ["lead_expert", "outsider"])
def test_only_managers_and_the_secretariat_register_organisations(request, api, role):
    api.force_authenticate(request.getfixturevalue(role))

    # Refused for who asks, before anything is said about the (here invalid) input.
    response = _register(api, country="XX")

    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert "register organisations" in response.json()["detail"]
    assert not Organisation.objects.filter(name="BioCluster Berlin").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"region": "Berlin"}, "region"),
        ({"management_fte": "-1"}, "management_fte"),
        ({"management_fte": "3.55"}, "management_fte"),
        ({"founded_year": 1850}, "founded_year"),
        ({"website": "not a url"}, "website"),
        ({"name": ""}, "name"),
        ({"sectors": ["no-such-sector"]}, "sectors"),
    ],
    ids=[
        "unknown-country",
        "not-a-nuts-code",
        "negative-fte",
        "fte-too-precise",
        "founded-too-early",
        "bad-website",
        "blank-name",
        "unknown-sector",
    ],
)
def test_registering_with_bad_input_answers_400_naming_the_field(api, manager, changes, field):
    api.force_authenticate(manager)

    response = _register(api, **changes)

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert list(response.json()["errors"]) == [field]
    assert not Organisation.objects.filter(name="BioCluster Berlin").exists()


@pytest.mark.parametrize(
    "sector_as",
    [lambda s: s.pk, lambda s: s.code, lambda s: s.name.upper()],
    ids=["id", "code", "name"],
)
def test_sectors_are_given_by_id_code_or_name(api, manager, health, sector_as):
    api.force_authenticate(manager)

    response = _register(api, sectors=[sector_as(health)])

    assert response.status_code == 201
    assert response.json()["sectors"] == ["Health"]
    assert list(Organisation.objects.get(name="BioCluster Berlin").sectors.all()) == [health]


@pytest.mark.parametrize("name", ["Health", "gesundheit"], ids=["english", "german"])
def test_a_sector_is_found_by_its_name_in_either_language_whatever_the_readers(api, manager, name):
    sector = factories.SectorFactory(code="health", name_en="Health", name_de="Gesundheit")
    manager.language = "de"
    manager.save(update_fields=["language"])
    api.force_login(manager)

    response = _register(api, sectors=[name])

    assert response.status_code == 201
    assert list(Organisation.objects.get(name="BioCluster Berlin").sectors.all()) == [sector]


def test_a_sector_name_shared_by_two_sectors_answers_400(api, manager, health):
    factories.SectorFactory(code="life-sciences", name="Health")
    api.force_authenticate(manager)

    response = _register(api, sectors=["Health"])

    assert response.status_code == 400
    assert "code or id" in response.json()["errors"]["sectors"][0]


# Changing an organisation


def test_patch_changes_only_the_fields_sent(api, manager, organisation, health):
    organisation.sectors.add(health)
    api.force_authenticate(manager)

    response = api.patch(_organisation_url(organisation), {"management_fte": "4.0"}, format="json")

    assert response.status_code == 200
    organisation.refresh_from_db()
    assert str(organisation.management_fte) == "4.0"
    assert organisation.name.startswith("Cluster")
    assert list(organisation.sectors.all()) == [health]


def test_put_replaces_the_profile(api, manager, organisation, health):
    api.force_authenticate(manager)

    response = api.put(_organisation_url(organisation), _profile(sectors=["health"]), format="json")

    assert response.status_code == 200
    assert response.json()["name"] == "BioCluster Berlin"
    assert response.json()["sectors"] == ["Health"]
    organisation.refresh_from_db()
    assert organisation.legal_name == "BioCluster Berlin e.V."


def test_put_without_a_required_field_answers_400(api, manager, organisation):
    api.force_authenticate(manager)
    profile = _profile()
    del profile["legal_name"]

    response = api.put(_organisation_url(organisation), profile, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["legal_name"]


def test_secretariat_changes_any_organisation(api, secretariat, organisation):
    api.force_authenticate(secretariat)

    response = api.patch(_organisation_url(organisation), {"region": "DE30"}, format="json")

    assert response.status_code == 200
    organisation.refresh_from_db()
    assert organisation.region == "DE30"


@pytest.mark.parametrize("role", ["other_manager", "lead_expert", "outsider"])
def test_an_organisation_the_caller_does_not_manage_answers_404(request, api, organisation, role):
    api.force_authenticate(request.getfixturevalue(role))

    response = api.patch(_organisation_url(organisation), {"name": "Taken over"}, format="json")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    organisation.refresh_from_db()
    assert organisation.name != "Taken over"


def test_changing_with_bad_input_answers_400_and_changes_nothing(api, manager, organisation):
    api.force_authenticate(manager)

    response = api.patch(
        _organisation_url(organisation), {"name": "Renamed", "country": "XX"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["country"]
    organisation.refresh_from_db()
    assert organisation.name != "Renamed"


# Opening an application


def _open(api: APIClient, **body):
    return api.post(reverse("api_applications"), body, format="json")


def test_manager_opens_a_draft_application(api, manager, organisation):
    factories.small_methodology()
    api.force_authenticate(manager)

    response = _open(api, organisation=organisation.pk, level=Level.SILVER)

    assert response.status_code == 201
    body = response.json()
    application = Application.objects.get(pk=body["id"])
    assert response["Location"] == reverse("api_application", args=[application.pk])
    assert (body["state"], body["level"], body["renews"]) == (S.DRAFT, Level.SILVER, None)
    assert body["allowed_transitions"] == ["withdraw"]
    assert [change["transition"] for change in body["history"]] == ["create"]
    assert application.created_by == manager


def test_manager_opens_a_renewal_of_the_organisations_label(api, manager, organisation):
    label = factories.LabelFactory(organisation=organisation)
    api.force_authenticate(manager)

    response = _open(api, organisation=organisation.pk, level=Level.BRONZE, renews=label.pk)

    assert response.status_code == 201
    assert response.json()["renews"] == label.pk
    assert Application.objects.get(pk=response.json()["id"]).renews == label


def test_renewing_a_revoked_label_answers_400_renews(api, manager, organisation):
    label = factories.LabelFactory(organisation=organisation, state=LabelState.REVOKED)
    api.force_authenticate(manager)

    response = _open(api, organisation=organisation.pk, level=Level.BRONZE, renews=label.pk)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["renews"]


def test_renewing_a_label_the_manager_cannot_see_answers_400_renews(
    api, manager, organisation, other_manager
):
    other_label = factories.LabelFactory(organisation=other_manager.organisations.get())
    api.force_authenticate(manager)

    response = _open(api, organisation=organisation.pk, level=Level.BRONZE, renews=other_label.pk)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["renews"]


def test_opening_for_an_organisation_the_manager_cannot_see_answers_400_organisation(
    api, other_manager, organisation
):
    api.force_authenticate(other_manager)

    response = _open(api, organisation=organisation.pk, level=Level.BRONZE)

    # The same answer as for an id that does not exist: nothing is told about the organisation.
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["organisation"]
    assert not Application.objects.exists()


def test_secretariat_sees_the_organisation_but_cannot_open_its_application(
    api, secretariat, organisation
):
    factories.small_methodology()
    api.force_authenticate(secretariat)

    response = _open(api, organisation=organisation.pk, level=Level.BRONZE)

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Application.objects.exists()


def test_opening_with_an_unknown_level_answers_400_level(api, manager, organisation):
    api.force_authenticate(manager)

    response = _open(api, organisation=organisation.pk, level="platinum")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["level"]


def test_opening_while_another_application_is_open_answers_400(api, manager, application):
    api.force_authenticate(manager)

    response = _open(api, organisation=application.organisation_id, level=Level.GOLD)

    assert response.status_code == 400
    assert "already has an open application" in response.json()["detail"]
    assert Application.objects.count() == 1


# Lists: filters, search, ordering


def _names(api: APIClient, **params) -> list[str]:
    response = api.get(reverse("api_organisations"), params)
    assert response.status_code == 200
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def three_organisations(db):
    for name, country in [("Lyon Santé", "FR"), ("Berlin Bio", "DE"), ("Munich Mobility", "DE")]:
        factories.OrganisationFactory(name=name, legal_name=f"{name} Association", country=country)


def test_organisation_list_filters_by_country(api, secretariat, three_organisations):
    api.force_authenticate(secretariat)

    assert _names(api, country="DE") == ["Berlin Bio", "Munich Mobility"]


def test_organisation_list_searches_by_name(api, secretariat, three_organisations):
    api.force_authenticate(secretariat)

    assert _names(api, search="mobil") == ["Munich Mobility"]


def test_organisation_list_sorts(api, secretariat, three_organisations):
    api.force_authenticate(secretariat)

    assert _names(api, ordering="-name") == ["Munich Mobility", "Lyon Santé", "Berlin Bio"]


def test_organisation_list_refuses_an_unknown_country_with_400(api, secretariat):
    api.force_authenticate(secretariat)

    response = api.get(reverse("api_organisations"), {"country": "XX"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["country"]


def test_application_list_names_the_organisation(api, manager, application):
    api.force_authenticate(manager)

    row = api.get(reverse("api_applications")).json()["results"][0]

    assert (row["organisation"], row["organisation_name"]) == (
        application.organisation_id,
        application.organisation.name,
    )


def test_application_list_filters_by_organisation(api, secretariat, application):
    factories.ApplicationFactory(self_assessed=False)
    api.force_authenticate(secretariat)

    response = api.get(reverse("api_applications"), {"organisation": application.organisation_id})

    assert [row["id"] for row in response.json()["results"]] == [application.pk]


def _add_organisations(manager, count: int) -> None:
    for organisation in factories.OrganisationFactory.create_batch(count):
        organisation.sectors.add(factories.SectorFactory())
        Membership.objects.create(user=manager, organisation=organisation)


def _add_applications(manager, count: int) -> None:
    for _ in range(count):
        organisation = factories.OrganisationFactory()
        Membership.objects.create(user=manager, organisation=organisation)
        factories.ApplicationFactory(organisation=organisation, self_assessed=False)


def _queries(api: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200
    assert response.json()["count"] == len(response.json()["results"])
    return len(queries)


@pytest.mark.parametrize(
    ("url_name", "add"),
    [("api_organisations", _add_organisations), ("api_applications", _add_applications)],
    ids=["organisations", "applications"],
)
def test_list_costs_as_many_queries_for_20_rows_as_for_2(api, db, url_name, add):
    manager = factories.ManagerFactory()
    api.force_authenticate(manager)
    add(manager, 2)
    with_two = _queries(api, reverse(url_name))
    add(manager, 18)

    assert _queries(api, reverse(url_name)) == with_two
