"""API clients as a real client is: authenticated by a personal token, never forced."""

from __future__ import annotations

from rest_framework.test import APIClient

from labelling import services
from labelling.models import User


def token_client(user: User | None) -> APIClient:
    """A client sending a new personal token of ``user`` (no credentials for ``None``)."""
    client = APIClient()
    if user is not None:
        _token, key = services.api_token_create(user=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client
