"""Authentication of API requests by a personal token: ``Authorization: Bearer <key>``."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from labelling.api_throttling import FailedTokenThrottle
from labelling.models import ApiToken, User
from labelling.selectors import api_token_by_key


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Accepts an active token of an active user; anything else after "Bearer" is a 401, and
    an address with too many such failures gets 429 (``FailedTokenThrottle``) before its key is
    even looked up. Side effects: the token's ``last_used_at``; a failure is counted."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode("latin-1").lower() != self.keyword.lower():
            return None
        throttle = FailedTokenThrottle()
        if throttle.is_blocked(request):
            raise exceptions.Throttled(wait=throttle.wait())
        try:
            token = self._active_token(parts)
        except exceptions.AuthenticationFailed:
            throttle.record_failure()
            raise
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def _active_token(self, parts: list[bytes]) -> ApiToken:
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the key as “Bearer <key>”."))
        token = api_token_by_key(parts[1].decode("latin-1"))
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This token is unknown or revoked."))
        return token

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) to a request without valid credentials.
        return f'{self.keyword} realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes ``ApiTokenAuthentication`` in the OpenAPI schema."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=ApiTokenAuthentication.keyword
        )
