"""What labels tell the application lifecycle: the slots of ``labelling.extensions``.

Renewing a label, the label card on the application page, the renewals offered on the
organisation page, issuing the certificate as an application action and who hears of a
label's changes. ``ReportsConfig.ready()`` calls ``install()`` once.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from labelling import extensions
from labelling.exceptions import InvalidInput
from labelling.forms import ApplicationCreateForm
from labelling.models import Application, Organisation, StateChange, User
from labelling.notifications import MANAGERS, SECRETARIAT
from labelling.rules import can
from reports import privacy
from reports.letters import letters_for
from reports.models import RENEWABLE_STATES, RENEWAL_GRACE, Certificate, Label
from reports.selectors import label_context, renewable_labels, visible_labels
from reports.services import label_issue

#: A label's changes go to its organisation's managers (and the secretariat hears of expiry).
LABEL_AUDIENCES: dict[str, set[str]] = {
    "suspend": {MANAGERS},
    "reinstate": {MANAGERS},
    "revoke": {MANAGERS},
    "expire": {MANAGERS, SECRETARIAT},
    "supersede": {MANAGERS},
}


def check_renewable(label: Label, organisation: Organisation) -> None:
    if label.organisation_id != organisation.pk:
        raise InvalidInput(_("This label belongs to another organisation."), field="renews")
    too_late = label.valid_until + RENEWAL_GRACE < timezone.localdate()
    if label.state not in RENEWABLE_STATES or too_late:
        raise InvalidInput(
            _(
                "This label can no longer be renewed (renewal is possible until a year after "
                "expiry, and never for a revoked or already renewed label); apply anew instead."
            ),
            field="renews",
        )


def label_subject(change: StateChange) -> tuple | None:
    subject = change.subject
    if isinstance(subject, Label):
        return subject.application, LABEL_AUDIENCES.get(change.transition, set()), "labels"
    return None


def label_history(application: Application) -> list[QuerySet]:
    return [
        Label.versions.filter(application_id=application.pk),
        Certificate.versions.filter(label__application_id=application.pk),
    ]


def application_page(*, application, user: User) -> dict:
    return {
        **label_context(application, user),
        "letters": letters_for(application=application, user=user),
        "can_send_letters": can(user, "reports.send_decision_letter", application),
    }


def organisation_page(*, organisation: Organisation, user: User) -> dict:
    """A renewal form for each of the organisation's labels that can be renewed now."""
    return {
        "renewal_forms": [
            (
                label,
                ApplicationCreateForm(
                    initial={"level": label.level, "renews": label.pk},
                    auto_id=f"id_renewal_{label.pk}_%s",
                ),
            )
            for label in renewable_labels(organisation=organisation)
        ]
    }


def install() -> None:
    extensions.check_renewable.provide(check_renewable)
    extensions.visible_labels.provide(visible_labels)
    extensions.label_history.provide(label_history)
    extensions.application_actions["certify"] = lambda app, user, data: label_issue(
        application=app, actor=user
    )
    if label_subject not in extensions.notification_subjects:
        extensions.notification_subjects.append(label_subject)
    extensions.add_page_context("application_detail", application_page)
    extensions.add_page_context("organisation_detail", organisation_page)
    if privacy.personal_data not in extensions.personal_data:
        extensions.personal_data.append(privacy.personal_data)
