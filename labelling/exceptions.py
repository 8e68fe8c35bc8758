"""Errors a service raises when it refuses an action.

Each carries a message meant for the person who asked and the HTTP status that the web UI and
the API answer with, so that no refusal ever surfaces as a server error.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


class ServiceError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, details: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details)

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return f"{self.message} " + " ".join(self.details)


class ActionForbidden(ServiceError):
    """The actor's role or relation to the object does not allow the action."""

    status_code = 403
    code = "forbidden"


class TransitionRefused(ServiceError):
    """The object's current state (or a condition on it) does not allow the action."""

    status_code = 409
    code = "illegal_transition"

    def __init__(
        self,
        message: str,
        *,
        current_state: str = "",
        allowed: Iterable[str] = (),
        details: Iterable[str] = (),
    ) -> None:
        super().__init__(message, details=details)
        self.current_state = current_state
        self.allowed = list(allowed)


class StaleState(TransitionRefused):
    """Someone else changed the object's state since it was loaded."""

    code = "stale_state"


class Gone(ServiceError):
    """What was asked for no longer exists: an invitation link expired, used or cancelled."""

    status_code = 410
    code = "gone"


class InvalidInput(ServiceError):
    """The input itself is wrong (missing reason, bad value)."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str = "", details: Iterable[str] = ()) -> None:
        super().__init__(message, details=details)
        self.field = field


class UploadTooLarge(InvalidInput):
    """An upload above the size its form accepts (refused from the request's Content-Length
    by ``labelling.middleware.BadInputMiddleware``, or from the file's size by a service)."""

    status_code = 413
    code = "too_large"

    @classmethod
    def over(cls, limit: int) -> UploadTooLarge:
        """The refusal of a file above ``limit`` bytes, naming the limit as people read it."""
        return cls(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)},
            field="file",
        )
