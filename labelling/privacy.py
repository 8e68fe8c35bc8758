"""A person's data: their export ("Download my data") and its erasure by the secretariat.

Export: everything the scheme holds about the person, as one JSON file in a ZIP with a README
that says what each section is. labelling writes its own sections (profile, roles, memberships,
their actions in the audit trail, notifications, API tokens); the apps above add theirs through
``labelling.extensions.personal_data``. Other people appear at most by their role ("another
person", "the secretariat"), never by name or address.

Erasure: a person is never deleted (their applications, scores and audit rows point at them,
``on_delete=PROTECT``), so the secretariat erases their personal data instead. The account
stays, renamed "Former user #<id>", so every record that points at it reads as that; the log-in
is disabled and the address freed for a new account. The erasure itself is an audit row on the
person: who erased, when and why.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from labelling import extensions
from labelling.exceptions import ActionForbidden, InvalidInput, TransitionRefused
from labelling.extensions import PersonalData
from labelling.models import Effect, Membership, StateChange, User
from labelling.rules import can

if TYPE_CHECKING:
    from labelling.models import Application

#: The audit row of an erasure (a record on the person, not a state change).
ERASE = "erase_personal_data"
#: What an erased person's name and address become: unique, and an address that cannot be
#: delivered to (``.invalid`` is reserved, RFC 2606) nor collide with a real one.
ERASED_NAME = "Former user #{pk}"
ERASED_EMAIL = "erased-{pk}@erased.invalid"
#: The outbox task whose rows carry a person's address and the text mailed to it.
ACCOUNT_MAIL_TASK = "labelling.send_account_mail"
ARCHIVE_DATA = "personal-data.json"
ARCHIVE_README = "README.txt"


# --- Export -------------------------------------------------------------------------------------


def application_reference(application: Application) -> dict[str, Any]:
    """An application as a person's export names it: by number, organisation and level (an
    organisation is not a person)."""
    return {
        "application": application.pk,
        "organisation": application.organisation.name,
        "level": application.level,
    }


def _audit_subject(change: StateChange, person: User) -> str:
    model = change.content_type.model_class()
    if model is User:
        return _("you") if change.object_id == person.pk else _("another person")
    name = model._meta.verbose_name if model is not None else change.content_type.model
    return f"{name} #{change.object_id}"


def _labelling_sections(person: User) -> dict[str, PersonalData]:
    changes = (
        StateChange.objects.filter(actor=person).select_related("content_type").order_by("at", "pk")
    )
    return {
        "profile": PersonalData(
            _("your account: name, e-mail address, country, language and dates (no password)"),
            {
                "email": person.email,
                "full_name": person.full_name,
                "country": str(person.country.code or ""),
                "language": person.language,
                "active": person.is_active,
                "date_joined": person.date_joined,
                "last_login": person.last_login,
            },
        ),
        "roles": PersonalData(
            _("your roles, the groups you are in and the permissions given to you"),
            {
                "cluster_manager": person.is_cluster_manager,
                "expert": person.is_expert,
                "secretariat": person.is_secretariat,
                "admin_access": person.is_staff,
                "superuser": person.is_superuser,
                "groups": sorted(person.groups.values_list("name", flat=True)),
                "permissions": sorted(
                    f"{app_label}.{codename}"
                    for app_label, codename in person.user_permissions.values_list(
                        "content_type__app_label", "codename"
                    )
                ),
            },
        ),
        "memberships": PersonalData(
            _("the organisations you manage, and since when"),
            [
                {"organisation": membership.organisation.name, "since": membership.created_at}
                for membership in Membership.objects.filter(user=person).select_related(
                    "organisation"
                )
            ],
        ),
        "audit_trail": PersonalData(
            _(
                "every action you took that the audit trail records: when, on what, from which "
                "state to which, and the reason you gave"
            ),
            [
                {
                    "at": change.at,
                    "subject": _audit_subject(change, person),
                    "action": change.transition_label,
                    "from": change.source,
                    "to": change.target,
                    "reason": change.reason,
                }
                for change in changes
            ],
        ),
        "notifications": PersonalData(
            _("the e-mails the scheme sent you about applications and labels"),
            [
                {"subject": n.subject, "created_at": n.created_at, "sent_at": n.sent_at}
                for n in person.notifications.order_by("created_at", "pk")
            ],
        ),
        "api_tokens": PersonalData(
            _("your API tokens: names and dates only (keys are never stored)"),
            [
                {
                    "name": token.name,
                    "created_at": token.created_at,
                    "last_used_at": token.last_used_at,
                    "revoked_at": token.revoked_at,
                }
                for token in person.api_tokens.order_by("created_at", "pk")
            ],
        ),
    }


def personal_data(*, person: User) -> dict[str, PersonalData]:
    """Every section of ``person``'s export: labelling's, then each app's above it."""
    sections = _labelling_sections(person)
    for provider in extensions.personal_data:
        sections.update(provider(person))
    return sections


def _readme(person: User, sections: dict[str, PersonalData], generated_at) -> str:
    lines = [
        _("Your data held by the cluster management excellence labelling scheme"),
        _("Generated on %(date)s for the account %(email)s.")
        % {"date": generated_at.isoformat(timespec="seconds"), "email": person.email},
        "",
        _("%(file)s holds one section per kind of record:") % {"file": ARCHIVE_DATA},
        "",
        *(f"- {name}: {section.about}" for name, section in sections.items()),
        "",
        _(
            "Other people appear only by their role (for example “another person” or “the "
            "secretariat”), never by name or e-mail address. Dates are in ISO 8601 (UTC)."
        ),
        _("Evidence files are listed by name, size and SHA-256; the files are not included."),
    ]
    return "\n".join(lines) + "\n"


def personal_data_archive(*, person: User) -> bytes:
    """``person``'s export: a ZIP of ``personal-data.json`` and a ``README.txt`` explaining it."""
    generated_at = timezone.now()
    sections = personal_data(person=person)
    document = {
        "generated_at": generated_at,
        "sections": {name: section.rows for name, section in sections.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            ARCHIVE_DATA,
            json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        archive.writestr(ARCHIVE_README, _readme(person, sections, generated_at))
    return buffer.getvalue()


# --- Erasure ------------------------------------------------------------------------------------


def is_erased(person: User) -> bool:
    """The person's data was erased (their erasure's audit row exists)."""
    return StateChange.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        object_id=person.pk,
        transition=ERASE,
    ).exists()


def _forget_login_attempts(email: str) -> None:
    """django-axes' records of log-ins tried with the address (failures and lockouts)."""
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=email).delete()


def _forget_account_mail(email: str) -> None:
    """allauth's messages to the address in the outbox: their rows hold the address and the
    text mailed to it (a reset link); one not yet sent is not sent to an erased person."""
    for effect in Effect.objects.filter(task=ACCOUNT_MAIL_TASK).only("pk", "kwargs"):
        recipients = {address.lower() for address in effect.kwargs.get("to", [])}
        if email.lower() in recipients:
            effect.delete()


@transaction.atomic
def erase_person(*, actor: User, person: User, reason: str) -> StateChange:
    """Erase ``person``'s personal data (the secretariat, with a reason).

    Side effects: the name becomes "Former user #<id>" and the address an undeliverable
    placeholder (in the account and every recorded version of it, so the old address is free
    for a new account); the country and last log-in are blanked; the log-in is disabled
    (unusable password, inactive: every permission and notification asks ``is_active``); API
    tokens are revoked; proved addresses, authenticators, the lockout's records of the address
    and the outbox's account mails to it are deleted; the audit trail's rows of the person's
    actions name them as "Former user #<id>"; the apps above blank their own fields
    (``extensions.personal_data_erasers``). Memberships, assignments, scores, declarations and
    every audit row stay, pointing at the anonymised person, so the records keep their meaning.
    Returns the erasure's own audit row.
    """
    if not can(actor, "labelling.erase_person"):
        raise ActionForbidden(_("Only the secretariat, with a second factor, erases a person."))
    if person.pk == actor.pk:
        raise ActionForbidden(_("You cannot erase your own data; ask another secretariat member."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("A reason is required to erase a person's data."), field="reason")
    person = User.objects.select_for_update().get(pk=person.pk)
    if is_erased(person):
        raise TransitionRefused(_("This person's data is already erased."))
    old_email = person.email
    name = ERASED_NAME.format(pk=person.pk)
    person.full_name = name
    person.email = ERASED_EMAIL.format(pk=person.pk)
    person.country = ""
    person.last_login = None
    person.is_active = False
    person.set_unusable_password()
    person._change_reason = "personal data erased"  # on the version this save records
    person.save()
    User.versions.filter(id=person.pk).update(full_name=name, email=person.email, country="")
    person.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    EmailAddress.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()
    _forget_login_attempts(old_email)
    _forget_account_mail(old_email)
    StateChange.objects.filter(actor=person).update(actor_label=name)
    for eraser in extensions.personal_data_erasers:
        eraser(person)
    return StateChange.objects.create(
        content_type=ContentType.objects.get_for_model(User),
        object_id=person.pk,
        transition=ERASE,
        source="",
        target="",
        actor=actor,
        actor_label=actor.email,
        reason=reason,
    )
