"""Notifications through a real Celery worker on Redis (not eager mode)."""

import pytest
from django.db import transaction

from labelling import services
from labelling.models import Notification
from tests import factories

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


class Rollback(Exception):
    pass


def _submit_then_roll_back(application, actor):
    with transaction.atomic():
        services.application_submit(application=application, actor=actor)
        raise Rollback


def test_worker_delivers_the_notification_of_a_transition(celery_worker_process):
    secretariat = factories.SecretariatFactory(email="desk@example.org")
    application, manager = factories.managed_draft("Delivered Cluster")

    services.application_submit(application=application, actor=manager)

    mails = celery_worker_process.wait_for_mail(lambda m: "Delivered Cluster" in m)
    recipients = {line for m in mails for line in m.splitlines() if line.startswith("To: ")}
    assert recipients == {f"To: {secretariat.email}"}
    assert "Subject: Application submitted: Delivered Cluster" in mails[0]
    assert Notification.objects.get(recipient=secretariat).sent_at is not None


def test_rolled_back_transition_sends_nothing(celery_worker_process):
    factories.SecretariatFactory(email="desk@example.org")
    rolled_back, manager = factories.managed_draft("Rolled Back Cluster")
    committed, other_manager = factories.managed_draft("Committed Cluster")

    with pytest.raises(Rollback):
        _submit_then_roll_back(rolled_back, manager)
    # A committed transition queued after the rolled-back one: once its mail is out, the
    # worker has drained the queue, so anything from the rolled-back one would be there too.
    services.application_submit(application=committed, actor=other_manager)
    celery_worker_process.wait_for_mail(lambda m: "Committed Cluster" in m)

    assert not [m for m in celery_worker_process.sent_mail() if "Rolled Back Cluster" in m]
    rolled_back.refresh_from_db()
    assert rolled_back.state == "draft"
