"""The admin over the demo data: every registered model lists and opens for a superuser."""

from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from labelling import demo
from labelling.models import Application, User

REGISTERED_MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def superuser_client(client, db, django_capture_on_commit_callbacks, no_rendering):
    """Logged in as the demo's superuser, after seeding (notifications delivered too)."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    Group.objects.create(name="Demo reviewers")  # the seed makes no group; the admin has one
    client.force_login(User.objects.get(email=demo.SECRETARIAT, is_superuser=True))
    return client


def _admin_url(model, view: str, *args: object) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def test_admin_index_answers_200(superuser_client):
    assert superuser_client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize(
    "model", REGISTERED_MODELS, ids=[model._meta.label_lower for model in REGISTERED_MODELS]
)
def test_admin_changelist_and_change_page_answer_200(superuser_client, model):
    instance = model._default_manager.order_by("pk").first()
    assert instance is not None, f"the demo data has no {model._meta.verbose_name} to open"

    assert superuser_client.get(_admin_url(model, "changelist")).status_code == 200
    assert superuser_client.get(_admin_url(model, "change", instance.pk)).status_code == 200


def test_admin_change_page_of_every_demo_application_answers_200(superuser_client):
    for application in Application.objects.all():
        response = superuser_client.get(_admin_url(Application, "change", application.pk))
        assert response.status_code == 200, application.state


def test_admin_application_changelist_shows_the_demo_organisations(superuser_client):
    response = superuser_client.get(_admin_url(Application, "changelist"))

    for organisation in demo.ORGANISATIONS:
        assert organisation.name in response.content.decode(), organisation.name
