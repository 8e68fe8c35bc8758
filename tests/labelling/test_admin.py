"""The admin over the demo data: every registered model lists and opens for a superuser."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from assessments.models import MethodologyVersion
from labelling import services
from labelling.models import (
    DECIDED_STATES,
    ApiToken,
    Application,
    ApplicationState,
    Level,
    Outcome,
    User,
)
from reports import demo
from reports.credentials import badge, status
from reports.models import Certificate
from tests import factories
from tests.admin_forms import change_form_data

REGISTERED_MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture(scope="module")
def admin_demo(demo_seed) -> None:
    """The demo, with what the admin lists and the seed makes none of, once per module."""
    Group.objects.create(name="Demo reviewers")
    # Nor credentials, which the (skipped) rendering signs: one, and its published lists.
    badge.issue(Certificate.objects.order_by("pk").first())
    status.publish_all()
    # Nor a token: each person makes their own.
    services.api_token_create(user=User.objects.get(email=demo.MANAGER), name="Demo CRM sync")
    # Nor a failed log-in, which the admin lists (django-axes: the attempt and the failure).
    Client().post(reverse("account_login"), {"login": demo.MANAGER, "password": "a wrong guess"})


@pytest.fixture
def superuser_client(client, db, admin_demo):
    """Logged in as the demo's superuser."""
    client.force_login(User.objects.get(email=demo.SECRETARIAT, is_superuser=True))
    return client


def _admin_url(model, view: str, *args: object) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def test_admin_index_answers_200(superuser_client):
    assert superuser_client.get(reverse("admin:index")).status_code == 200


def test_every_registered_model_s_admin_pages_answer_200(superuser_client):
    """The list and the first row's page of every model in the admin, on the demo data (seeded
    once for all of them: a test per model seeded it 30 times over)."""
    failures = []
    for model in REGISTERED_MODELS:
        label = model._meta.label_lower
        instance = model._default_manager.order_by("pk").first()
        if instance is None:
            failures.append(f"{label}: the demo data has none to open")
            continue
        for view, args in (("changelist", ()), ("change", (instance.pk,))):
            status = superuser_client.get(_admin_url(model, view, *args)).status_code
            if status != 200:
                failures.append(f"{label} {view}: {status}")

    assert failures == []


def test_admin_change_page_of_every_demo_application_answers_200(superuser_client):
    for application in Application.objects.all():
        response = superuser_client.get(_admin_url(Application, "change", application.pk))
        assert response.status_code == 200, application.state


def test_admin_application_changelist_shows_the_demo_organisations(superuser_client):
    response = superuser_client.get(_admin_url(Application, "changelist"))

    for organisation in demo.ORGANISATIONS:
        assert organisation.name in response.content.decode(), organisation.name


# API tokens


@pytest.fixture
def admin_client(client, db):
    """Logged in as a superuser of the secretariat, without the demo data."""
    client.force_login(factories.SecretariatFactory(is_superuser=True))
    return client


@pytest.fixture
def token(manager) -> ApiToken:
    token, _key = services.api_token_create(user=manager, name="CRM sync")
    return token


def test_api_token_list_shows_owner_name_and_dates(admin_client, token):
    response = admin_client.get(_admin_url(ApiToken, "changelist"))

    text = response.content.decode()
    assert response.status_code == 200
    assert token.name in text
    assert str(token.user) in text
    assert token.prefix in text


def test_api_token_list_searches_by_owner(admin_client, token, other_manager):
    other, _key = services.api_token_create(user=other_manager, name="Other sync")

    response = admin_client.get(_admin_url(ApiToken, "changelist"), {"q": "other-manager@"})

    assert list(response.context["cl"].result_list) == [other]


def test_api_token_page_shows_the_key_hash_and_changes_nothing(admin_client, token):
    url = _admin_url(ApiToken, "change", token.pk)

    response = admin_client.get(url)
    admin_client.post(url, {"name": "Renamed", "key_hash": "0" * 64})

    assert token.key_hash in response.content.decode()
    assert 'name="key_hash"' not in response.content.decode()
    token.refresh_from_db()
    assert (token.name, token.key_hash) != ("Renamed", "0" * 64)


def test_api_token_cannot_be_added_in_the_admin(admin_client):
    assert admin_client.get(_admin_url(ApiToken, "add")).status_code == 403


def test_admin_action_revokes_the_selected_tokens(admin_client, token):
    response = admin_client.post(
        _admin_url(ApiToken, "changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "1 token revoked." in response.content.decode()


# Applications after a decision

DECIDED_ON = {"organisation", "level", "methodology"}


def _decided(state: str = ApplicationState.DECIDED) -> Application:
    return factories.ApplicationFactory(state=state, decided_outcome=Outcome.BRONZE)


@pytest.mark.parametrize("state", DECIDED_STATES, ids=[str(state) for state in DECIDED_STATES])
def test_admin_application_after_a_decision_shows_what_it_was_decided_on_read_only(
    admin_client, state
):
    response = admin_client.get(_admin_url(Application, "change", _decided(state).pk))

    assert set(response.context["adminform"].readonly_fields) >= DECIDED_ON
    assert not DECIDED_ON & set(response.context["adminform"].form.fields)


def test_admin_application_post_after_a_decision_changes_nothing_it_was_decided_on(admin_client):
    application = _decided()
    url = _admin_url(Application, "change", application.pk)
    other_methodology = MethodologyVersion.objects.create(code="other", version="9", name="Other")
    changes = {
        "organisation": factories.OrganisationFactory().pk,
        "level": Level.GOLD,
        "methodology": other_methodology.pk,
    }

    response = admin_client.post(url, change_form_data(admin_client.get(url), **changes))

    assert response.status_code == 302
    stored = Application.objects.get(pk=application.pk)
    assert (stored.organisation_id, stored.level, stored.methodology_id) == (
        application.organisation_id,
        application.level,
        application.methodology_id,
    )


def test_admin_application_post_while_a_decision_is_only_proposed_changes_the_level(
    admin_client,
):
    application = factories.ApplicationFactory(state=ApplicationState.DECISION_PROPOSED)
    url = _admin_url(Application, "change", application.pk)

    admin_client.post(url, change_form_data(admin_client.get(url), level=Level.SILVER))

    assert Application.objects.get(pk=application.pk).level == Level.SILVER
