"""The public pages kept ready (reports.public_cache): answered without the database, never
stale after a change, the same for every anonymous visitor but for their own CSRF token."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from labelling.models import Level, Sector
from reports import public_cache, services
from reports.models import Label
from tests import factories

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ANY_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


@pytest.fixture
def label(organisation):
    return factories.LabelFactory(organisation=organisation, level=Level.SILVER)


def _page(client, label):
    return client.get(reverse("verify", args=[label.certificate.number]))


def _json(client, label):
    return client.get(reverse("api_public_verify", args=[label.certificate.number])).json()


def test_a_second_visit_to_a_verification_page_needs_no_query(client, label):
    first = _page(Client(), label)

    with CaptureQueriesContext(connection) as queries:
        second = _page(client, label)

    assert second.status_code == 200
    assert len(queries) == 0
    assert ANY_TOKEN.sub(r"\1", second.content.decode()) == ANY_TOKEN.sub(
        r"\1", first.content.decode()
    )


def test_each_visitor_of_a_kept_page_gets_their_own_working_csrf_token(label):
    _page(Client(), label)
    visitor = Client(enforce_csrf_checks=True)

    page = _page(visitor, label).content.decode()

    (token, *_) = TOKEN.findall(page)
    assert str(public_cache.CSRF_PLACEHOLDER) not in page
    # The kept page's language form works for this visitor: the token matches their cookie.
    response = visitor.post(
        reverse("set_language"), {"language": "de", "csrfmiddlewaretoken": token, "next": "/"}
    )
    assert response.status_code == 302


def test_a_revocation_shows_on_the_kept_page_and_answer_at_once(client, label, secretariat):
    assert "Valid" in _page(client, label).content.decode()
    assert _json(client, label)["status"] == "valid"

    services.label_revoke(label=label, actor=secretariat, reason="Fraudulent evidence.")

    assert "Revoked" in _page(client, label).content.decode()
    assert _json(client, label)["status"] == "revoked"


def test_a_renamed_organisation_shows_on_the_next_visit(client, label):
    _page(client, label)
    organisation = label.organisation
    organisation.name = "Renamed Photonics Cluster"
    organisation.save()

    assert "Renamed Photonics Cluster" in _page(client, label).content.decode()


def test_an_answer_built_from_the_state_before_a_change_is_not_kept_for_after_it():
    def build_while_a_change_commits():
        public_cache.changed()  # the change commits while this reader renders the old state
        return "before"

    assert public_cache.kept("public:test", build_while_a_change_commits) == "before"
    assert public_cache.kept("public:test", lambda: "after") == "after"


def test_a_kept_page_ends_at_midnight_when_a_label_expires_by_date(client, organisation):
    today = timezone.localdate()
    label = factories.LabelFactory(organisation=organisation, valid_until=today)
    evening = timezone.make_aware(datetime.datetime.combine(today, datetime.time(23, 59)))

    with time_machine.travel(evening, tick=False):
        assert "Valid" in _page(client, label).content.decode()
    with time_machine.travel(evening + datetime.timedelta(minutes=2), tick=False):
        page = _page(client, label).content.decode()

    assert "Expired" in page


def test_a_logged_in_visitor_gets_their_own_page_not_the_kept_one(client, label, manager):
    _page(Client(), label)
    client.force_login(manager)

    page = _page(client, label).content.decode()

    assert "Log out" in page


def test_an_unknown_number_is_not_kept(client, db):
    url = reverse("verify", args=["CL-2026-999999-0"])

    assert client.get(url).status_code == 404
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 404
    assert len(queries) > 0


def test_the_registry_shows_a_new_label_and_a_renamed_sector_on_the_next_visit(
    client, label, organisation
):
    registry = reverse("registry")
    client.get(registry)
    other = factories.LabelFactory(level=Level.GOLD)
    sector = Sector.objects.create(code="photonics", name="Photonics")
    organisation.sectors.add(sector)

    page = client.get(registry).content.decode()

    assert other.organisation.name in page
    assert "Photonics" in page


def test_registry_pages_with_other_filters_are_kept_apart(client, organisation):
    factories.LabelFactory(organisation=organisation, level=Level.GOLD)
    silver = factories.LabelFactory(level=Level.SILVER)
    registry = reverse("registry")

    gold_only = client.get(registry, {"level": "gold"}).content.decode()
    everything = client.get(registry).content.decode()

    assert silver.organisation.name not in gold_only
    assert silver.organisation.name in everything


def test_a_deleted_label_leaves_the_registry_at_once(client, label):
    registry = reverse("registry")
    assert label.organisation.name in client.get(registry).content.decode()

    Label.objects.filter(pk=label.pk).get().certificate.delete()

    assert label.organisation.name not in client.get(registry).content.decode()


def test_nothing_is_kept_when_the_setting_is_zero(client, label, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    _page(client, label)

    with CaptureQueriesContext(connection) as queries:
        _page(client, label)

    assert len(queries) > 0


def test_the_deployment_check_warns_of_a_per_process_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    assert [m.id for m in public_cache.check_shared_cache()] == ["reports.W001"]


def test_the_deployment_check_accepts_redis_or_nothing_kept(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
    assert public_cache.check_shared_cache() == []

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.PUBLIC_CACHE_SECONDS = 0
    assert public_cache.check_shared_cache() == []
