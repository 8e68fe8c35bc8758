"""What the admin's actions on a selection share: the service run on each selected row, a
refused row named with the service's reason, and how many were done."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib import admin, messages
from django.http import HttpRequest

from labelling.exceptions import ServiceError


def act_on_each(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    rows: Iterable,
    act: Callable[[object], object],
    done: Callable[[int], str],
    refusals: type[ServiceError] = ServiceError,
) -> None:
    """Runs ``act`` on each of ``rows``; a row it refuses (``refusals``) is reported with its
    reason and the others go on; then ``done(count)`` says how many it did."""
    count = 0
    for row in rows:
        try:
            act(row)
        except refusals as refusal:
            model_admin.message_user(request, f"{row}: {refusal}", messages.ERROR)
            continue
        count += 1
    model_admin.message_user(request, done(count), messages.SUCCESS)
