"""Every edit is recorded: a version of each tracked row on every save, and the admin's edits
told apart, field by field, for the application's timeline.

django-simple-history (``Versions`` below) writes a version of a tracked row on each save,
with who (``HistoryRequestMiddleware``: the request's user) and when; the admin's page of an
object lists its versions with their differences. The workflow's own saves are versions too,
but the timeline already shows each of them as its ``StateChange``; so the admin marks its
saves (``ADMIN_EDIT``, the version's change reason, set by ``labelling.admin.RecordedAdmin``)
and only those become edits in the timeline. Marking the admin's saves rather than the
workflow's: the admin is one place, the workflow saves in many (every transition, the
certificate worker, the reminders), and a save forgotten there would show as an edit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django_fsm import FSMFieldMixin
from modeltranslation.translator import translator
from simple_history import register
from simple_history.models import HistoricalRecords, ModelChange

#: The change reason of a version the admin saved (``RecordedAdmin.save_model``).
ADMIN_EDIT = "admin edit"
#: A value longer than this is cut in the timeline (the admin's version page shows it whole).
SHOWN_CHARACTERS = 120


class Versions(HistoricalRecords):
    """``HistoricalRecords`` as every tracked model here declares it (``versions = Versions()``;
    ``history`` is taken by the state changes).

    - A workflow state is copied as plain text: a version is a record, not a state machine, so
      neither django-fsm's protection nor its transitions belong on it.
    - Fields are copied without their validators: what is valid input is the model's to check
      (and to change, without the versions' tables following); a version keeps what was saved.
    - A save of excluded fields only (a log-in's ``last_login``, a reminder's date) adds no
      version: nothing that is recorded changed.
    """

    def copy_fields(self, model: type[models.Model]) -> dict[str, models.Field]:
        fields = super().copy_fields(model)
        for field in fields.values():
            if isinstance(field, FSMFieldMixin):
                field.__class__ = models.CharField
            field._validators = []
            field.__dict__.pop("validators", None)  # the cached list, if read already
        return fields

    def post_save(self, instance, created, using=None, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= set(self.excluded_fields):
            return
        super().post_save(instance, created, using=using, **kwargs)


def track_translated(model: type[models.Model]) -> None:
    """Track ``model``'s versions with a column per language of its translated texts.

    Called after django-modeltranslation registered the model (its ``translation.py``): fields
    declared on the model would be copied before the per-language columns exist. The original
    column of a translated text is left out: read on a version, it gives the reader's language.
    """
    register(
        model,
        manager_name="versions",
        records_class=Versions,
        excluded_fields=list(translator.get_options_for_model(model).fields),
    )


@dataclass(frozen=True)
class FieldChange:
    """One field an edit changed, in words: "Level: SILVER → GOLD"."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Edit:
    """An admin edit, as the application's timeline lists it beside the state changes."""

    at: datetime.datetime
    actor: str
    subject: str
    changes: tuple[FieldChange, ...]

    is_edit: ClassVar[bool] = True


def admin_edits(versions: QuerySet, *, since: datetime.datetime) -> list[Edit]:
    """The admin's edits among ``versions`` (a tracked model's versions, filtered to the rows
    a page shows) saved since ``since``, each with what it changed; a save that changed nothing
    is left out.

    One query, and one more when there are edits: the versions before them, to compare with.
    """
    edited = list(
        versions.filter(
            history_change_reason=ADMIN_EDIT, history_type="~", history_date__gte=since
        ).select_related("history_user")
    )
    if not edited:
        return []
    key = versions.model.instance_type._meta.pk.attname
    edit_ids = {version.history_id for version in edited}
    earlier = versions.filter(
        **{f"{key}__in": {getattr(version, key) for version in edited}},
        history_date__lte=max(version.history_date for version in edited),
    ).order_by(key, "history_date", "history_id")
    last_of_row: dict[Any, Any] = {}
    before: dict[int, Any] = {}
    for version in earlier:
        if version.history_id in edit_ids and getattr(version, key) in last_of_row:
            before[version.history_id] = last_of_row[getattr(version, key)]
        last_of_row[getattr(version, key)] = version
    edits = []
    for version in edited:
        if version.history_id not in before:
            continue  # nothing recorded before it to compare with
        changes = _described(version, version.diff_against(before[version.history_id]).changes)
        if changes:
            edits.append(
                Edit(
                    at=version.history_date,
                    actor=str(version.history_user) if version.history_user else "—",
                    subject=_("%(model)s “%(object)s”")
                    % {
                        "model": capfirst(version.instance_type._meta.verbose_name),
                        "object": version.history_object,
                    },
                    changes=changes,
                )
            )
    return edits


def _described(version, changes: Iterable[ModelChange]) -> tuple[FieldChange, ...]:
    """The changes in words, without those from one kind of empty to the other (a text the
    loader left null, saved empty by a form)."""
    described = []
    for change in changes:
        if _is_empty(change.old) and _is_empty(change.new):
            continue
        field = version.instance_type._meta.get_field(change.field)
        described.append(
            FieldChange(
                field=capfirst(field.verbose_name),
                old=_shown(field, change.old),
                new=_shown(field, change.new),
            )
        )
    return tuple(described)


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def _shown(field: models.Field, value: Any) -> str:
    """A field's value as a reader knows it: the choice's label, the related row's name."""
    if _is_empty(value):
        return "—"
    if field.choices:
        value = dict(field.flatchoices).get(value, value)
    elif field.is_relation:
        value = field.related_model._default_manager.filter(pk=value).first() or value
    elif isinstance(value, bool):
        value = _("yes") if value else _("no")
    elif isinstance(value, datetime.datetime):
        value = formats.localize(timezone.localtime(value))
    elif isinstance(value, datetime.date | Decimal | float | int):
        value = formats.localize(value)
    return Truncator(str(value)).chars(SHOWN_CHARACTERS)
