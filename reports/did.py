"""The scheme's decentralised identifier (``did:web``), served by the site itself at
``/.well-known/did.json``, with the public keys that verify the credentials it issues.

Keys are Ed25519, from ``CREDENTIAL_SIGNING_KEYS`` (PEM files; the first signs, the others are
retired keys kept so that credentials they signed still verify), or a development key generated
under ``VAR_DIR`` on first use. Each key appears as a ``Multikey`` verification method: the
multibase (base58btc, ``z``) of the multicodec ``ed25519-pub`` prefix (0xed 0x01) and the raw
32-byte key, as the W3C Data Integrity and Controlled Identifiers specifications define it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path
from urllib.parse import quote, urlsplit

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ED25519_PUB = b"\xed\x01"  # multicodec prefix of an Ed25519 public key
DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def scheme_did() -> str:
    """``did:web`` of the site: its host (a port percent-encoded) and path, from SITE_URL."""
    parts = urlsplit(settings.SITE_URL)
    segments = [quote(parts.netloc, safe="")] + [s for s in parts.path.split("/") if s]
    return "did:web:" + ":".join(segments)


def key_pem(key: Ed25519PrivateKey) -> bytes:
    """A key as ``CREDENTIAL_SIGNING_KEYS`` names them: PKCS#8 PEM, unencrypted."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _development_key_path() -> Path:
    """A development key under VAR_DIR, written once (atomically, readable by its owner only)."""
    path = Path(settings.VAR_DIR) / "signing" / "credentials-ed25519.pem"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = key_pem(Ed25519PrivateKey.generate())
        descriptor, scratch = tempfile.mkstemp(dir=path.parent, prefix=".key-")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        # A concurrent first start may have written one: the first rename wins, both use it.
        if not path.exists():
            os.replace(scratch, path)
        else:
            os.unlink(scratch)
    return path


@functools.cache
def _load(path: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path} is not an Ed25519 private key.")
    return key


def signing_keys() -> list[Ed25519PrivateKey]:
    """The current key first, then the retired ones."""
    paths = settings.CREDENTIAL_SIGNING_KEYS or [str(_development_key_path())]
    return [_load(path) for path in paths]


def public_multibase(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_PUB + raw).decode()


def method_id(key: Ed25519PrivateKey) -> str:
    """A key's verification method: stable for the key, whatever else changes."""
    fingerprint = hashlib.sha256(public_multibase(key).encode()).hexdigest()[:16]
    return f"{scheme_did()}#key-{fingerprint}"


def current_method() -> tuple[str, Ed25519PrivateKey]:
    key = signing_keys()[0]
    return method_id(key), key


def did_document() -> dict:
    did = scheme_did()
    methods = [
        {
            "id": method_id(key),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": public_multibase(key),
        }
        for key in signing_keys()
    ]
    return {
        "@context": DID_CONTEXTS,
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
