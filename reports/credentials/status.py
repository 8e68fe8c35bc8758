"""Revocation and suspension of the labels' credentials as W3C Bitstring Status Lists.

Each credential has one place (list number and index) in both lists; its bit in the revocation
list is set while its label is revoked, in the suspension list while it is suspended. A list is
at least 16 KiB (131,072 entries, the specification's minimum), GZIP-compressed and written in
multibase base64url (``u``), index 0 the left-most bit. The lists are signed status list
credentials, published anew by a task (``reports.publish_status_lists``) queued through the
outbox whenever a label is suspended, reinstated or revoked, and every minute by beat in case a
change slipped by; the bits are recomputed from the labels' states each time, so a publication
can neither be lost nor be out of order.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from labelling import dispatch
from labelling.notifications import site_url
from labelling.workflow import AFTER_TRANSITION
from reports import did
from reports.credentials.proof import VC_V2, sign, xsd_datetime
from reports.models import Credential, Label, LabelState, StatusList, StatusPurpose

#: Entries of a list: the specification's minimum, so that one entry hides among many.
SIZE = 131_072
#: Credentials placed in one list before the next is opened: half its size, so that a random
#: draw rarely meets a taken place and the set bits stay a small share.
CAPACITY = SIZE // 2
#: The label state each purpose's bit stands for.
SET_WHEN = {
    StatusPurpose.REVOCATION: LabelState.REVOKED,
    StatusPurpose.SUSPENSION: LabelState.SUSPENDED,
}


def encode(bits: bytes) -> str:
    """The ``encodedList`` of a bitstring: GZIP (no timestamp, so the same bits give the same
    text), then multibase base64url without padding."""
    packed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode()


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("The encoded list is not multibase base64url.")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def bitstring(indices) -> bytes:
    bits = bytearray(SIZE // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def list_url(purpose: str, number: int) -> str:
    return site_url(reverse("status_list", args=[purpose, number]))


def entries(number: int, index: int) -> list[dict]:
    """The credential's ``credentialStatus``: its entry in the revocation and the suspension
    list."""
    urls = {purpose: list_url(purpose, number) for purpose in StatusPurpose.values}
    return [
        {
            "id": f"{url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": str(index),
            "statusListCredential": url,
        }
        for purpose, url in urls.items()
    ]


def draw_place() -> tuple[int, int]:
    """A free place for a new credential: the list being filled and a random index in it.

    Two issues at once may draw the same place; the unique constraint refuses the second, which
    draws again (``place_and_create``)."""
    number = 1 + Credential.objects.count() // CAPACITY
    while True:
        index = secrets.randbelow(SIZE)
        if not Credential.objects.filter(status_list=number, status_index=index).exists():
            return number, index


def place_and_create(build, attempts: int = 5) -> Credential:
    """Create the credential that ``build(number, index)`` returns (unsaved) at a free place.

    Drawn again only when the place was taken meanwhile; any other refusal (the certificate
    has its credential already) goes to the caller at once, not after more signatures."""
    for attempt in range(attempts):
        number, index = draw_place()
        try:
            with transaction.atomic():
                credential = build(number, index)
                credential.save()
                return credential
        except IntegrityError:
            taken = Credential.objects.filter(status_list=number, status_index=index).exists()
            if not taken or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def bits_of(purpose: str, number: int) -> bytes:
    indices = Credential.objects.filter(
        status_list=number, certificate__label__state=SET_WHEN[StatusPurpose(purpose)]
    ).values_list("status_index", flat=True)
    return bitstring(indices)


def status_list_credential(purpose: str, number: int, bits: bytes) -> dict:
    url = list_url(purpose, number)
    method, key = did.current_method()
    unsigned = {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did.scheme_did(),
        "validFrom": xsd_datetime(timezone.now()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode(bits),
            "ttl": settings.STATUS_LIST_MAX_AGE_SECONDS * 1000,
        },
    }
    return sign(unsigned, key=key, verification_method=method, created=unsigned["validFrom"])


def publish(purpose: str, number: int) -> bool:
    """Sign and store the list anew if its bits changed; ``True`` when they did."""
    bits = bits_of(purpose, number)
    digest = hashlib.sha256(bits).hexdigest()
    with transaction.atomic():
        current = (
            StatusList.objects.select_for_update().filter(purpose=purpose, number=number).first()
        )
        if current is not None and current.bits_sha256 == digest:
            return False
        document = status_list_credential(purpose, number, bits)
        if current is None:
            try:
                with transaction.atomic():
                    StatusList.objects.create(
                        purpose=purpose, number=number, document=document, bits_sha256=digest
                    )
            except IntegrityError:
                return False  # published by a concurrent run from the same bits
        else:
            current.document = document
            current.bits_sha256 = digest
            current.updated_at = timezone.now()
            current.save(update_fields=["document", "bits_sha256", "updated_at"])
    return True


def lists_in_use() -> list[int]:
    numbers = set(Credential.objects.values_list("status_list", flat=True).distinct())
    return sorted(numbers | {1})


def publish_all() -> int:
    """Publish every list whose bits changed; returns how many were."""
    return sum(
        publish(purpose, number) for number in lists_in_use() for purpose in StatusPurpose.values
    )


def published(purpose: str, number: int) -> StatusList | None:
    """The list as verifiers get it: published now if it never was (a list in use only)."""
    found = StatusList.objects.filter(purpose=purpose, number=number).first()
    if found is None and number in lists_in_use():
        publish(purpose, number)
        found = StatusList.objects.filter(purpose=purpose, number=number).first()
    return found


def _after_transition(obj, change) -> None:
    """A label entering or leaving a state that sets a bit queues a publication, in the same
    transaction as the change (the outbox sends it after the commit, or the sweep later)."""
    flagged = {str(state) for state in SET_WHEN.values()}
    if (
        isinstance(obj, Label)
        and flagged & {change.source, change.target}
        and Credential.objects.filter(certificate__label=obj).exists()
    ):
        dispatch.enqueue("reports.publish_status_lists", key=f"status-lists:{change.pk}")


AFTER_TRANSITION.append(_after_transition)
