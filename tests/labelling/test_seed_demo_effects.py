"""What the demo seed leaves to be done after its commit: notifications queued (and no e-mail
sent), certificates rendered. Apart from tests/labelling/test_seed_demo.py, whose module-wide
seed is never committed."""

from io import StringIO

import pytest
from django.core.management import call_command

from labelling.models import Application, ApplicationState, Level, Notification

pytestmark = pytest.mark.django_db


def _seed() -> None:
    call_command("seed_demo", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_seed_demo_queues_the_notifications_but_sends_no_email(mailoutbox, no_rendering):
    _seed()

    assert Notification.objects.exists()
    assert mailoutbox == []


def test_seed_demo_issues_a_rendered_certificate_for_every_awarded_label(
    django_capture_on_commit_callbacks,
):
    from reports.models import Certificate, CertificateState

    with django_capture_on_commit_callbacks(execute=True):
        _seed()

    certified = Application.objects.filter(state=ApplicationState.CERTIFIED)
    certificates = Certificate.objects.filter(label__application__in=certified)
    assert certified.count() >= 3
    assert certificates.count() == certified.count()
    assert {c.state for c in certificates} == {CertificateState.DONE}
    assert {c.label.level for c in certificates} == {Level.GOLD, Level.SILVER, Level.BRONZE}
    assert all(c.pdf.read().startswith(b"%PDF") for c in certificates)
