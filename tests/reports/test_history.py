"""Edits of labels and certificates: recorded, and shown in their application's timeline."""

import datetime

import pytest
import time_machine
from django.contrib import admin
from django.test import RequestFactory

from labelling import selectors
from labelling.history import ADMIN_EDIT, Edit
from reports import services
from tests import factories


@pytest.fixture
def label(db):
    return factories.LabelFactory()


@pytest.fixture
def admin_user(db):
    return factories.SecretariatFactory(full_name="Ada Admin", is_superuser=True)


def _save_in_admin(obj, user, **changes: object) -> None:
    """What the model's admin does with a valid change form. Every field of a label and a
    certificate is read-only there today: a correction added later would be saved this way."""
    for name, value in changes.items():
        setattr(obj, name, value)
    request = RequestFactory().post("/")
    request.user = user
    admin.site._registry[type(obj)].save_model(request, obj, form=None, change=True)


def _edits(application) -> list[Edit]:
    timeline = selectors.application_timeline(application=application)
    return [entry for entry in timeline if isinstance(entry, Edit)]


@pytest.mark.parametrize(
    ("subject", "field", "value", "shown"),
    [
        ("label", "valid_until", datetime.date(2031, 5, 31), ("Valid until", "31 May 2031")),
        ("certificate", "number", "2031-000042-7", ("Certificate number", "2031-000042-7")),
    ],
    ids=["label", "certificate"],
)
def test_admin_edit_is_recorded_with_the_admin_and_shows_in_the_timeline(
    label, admin_user, subject, field, value, shown
):
    obj = label if subject == "label" else label.certificate

    _save_in_admin(obj, admin_user, **{field: value})

    latest = obj.versions.latest()
    assert (latest.history_user, latest.history_change_reason) == (admin_user, ADMIN_EDIT)
    [edit] = _edits(label.application)
    assert edit.actor == "Ada Admin"
    assert [(change.field, change.new) for change in edit.changes] == [shown]


def test_label_suspension_adds_no_edit_to_the_timeline(label, secretariat):
    services.label_suspend(label=label, actor=secretariat, reason="Complaint under review.")

    assert label.versions.count() == 2  # issued, suspended
    assert _edits(label.application) == []


def test_expiry_reminder_records_no_version_of_the_label(label):
    recorded = label.versions.count()

    with time_machine.travel(label.valid_until - datetime.timedelta(days=90)):
        assert services.labels_send_reminders() == 1

    assert label.versions.count() == recorded
