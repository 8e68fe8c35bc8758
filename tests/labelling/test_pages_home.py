"""The landing page: what the scheme is, its levels, the way in, and how many labels are active."""

import datetime

from django.urls import reverse
from django.utils import timezone

from labelling.models import Level
from reports.models import Label, LabelState
from tests import factories


def test_home_counts_the_active_labels_per_level(client, db):
    factories.LabelFactory.create_batch(2, level=Level.GOLD)
    factories.LabelFactory(level=Level.BRONZE)
    suspended = factories.LabelFactory(level=Level.SILVER)
    # Fixture set-up only: the state the suspend service would have reached.
    Label.objects.filter(pk=suspended.pk).update(state=LabelState.SUSPENDED)

    page = client.get(reverse("home")).content.decode()

    for line in (
        "<li>GOLD: 2 labels</li>",
        "<li>SILVER: 0 labels</li>",
        "<li>BRONZE: 1 label</li>",
    ):
        assert line in page


def test_home_does_not_count_a_label_past_its_validity(client, db):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    factories.LabelFactory(
        level=Level.GOLD, valid_from=yesterday - datetime.timedelta(days=730), valid_until=yesterday
    )

    page = client.get(reverse("home")).content.decode()

    assert "<li>GOLD: 0 labels</li>" in page


def test_home_presents_the_three_levels(client, db):
    page = client.get(reverse("home")).content.decode()

    for level in ("gold", "silver", "bronze"):
        assert f'<span class="level level-{level}">' in page


def test_home_links_the_registry_the_verification_and_the_log_in(client, db):
    page = client.get(reverse("home")).content.decode()

    for name in ("registry", "verify_lookup", "account_login"):
        assert f'href="{reverse(name)}"' in page


def test_home_sends_a_logged_in_person_to_the_dashboard(client, manager):
    client.force_login(manager)

    response = client.get(reverse("home"))

    assert response.url == reverse("dashboard")
