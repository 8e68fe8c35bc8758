"""The scheme's did:web document: its identifier from the site's address, and its keys as
Multikey verification methods, retired ones kept."""

import base58
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from reports import did


def _write_key(path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    path.write_bytes(did.key_pem(key))
    return key


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        ("https://labels.example.org", "did:web:labels.example.org"),
        ("http://127.0.0.1:8000", "did:web:127.0.0.1%3A8000"),
        ("https://example.org/labels/", "did:web:example.org:labels"),
    ],
)
def test_the_did_follows_the_sites_address(settings, site, expected):
    settings.SITE_URL = site

    assert did.scheme_did() == expected


def test_each_key_is_a_multikey_whose_multibase_is_the_public_key(settings, tmp_path):
    current = _write_key(tmp_path / "current.pem")
    retired = _write_key(tmp_path / "retired.pem")
    settings.CREDENTIAL_SIGNING_KEYS = [
        str(tmp_path / "current.pem"),
        str(tmp_path / "retired.pem"),
    ]

    document = did.did_document()

    methods = document["verificationMethod"]
    assert [m["type"] for m in methods] == ["Multikey", "Multikey"]
    assert document["assertionMethod"] == [m["id"] for m in methods]
    for method, key in zip(methods, (current, retired), strict=True):
        decoded = base58.b58decode(method["publicKeyMultibase"][1:])
        assert decoded[:2] == b"\xed\x01"
        public = Ed25519PublicKey.from_public_bytes(decoded[2:])
        signature = key.sign(b"label")
        public.verify(signature, b"label")  # raises if the published key is not the key


def test_the_current_key_signs_and_keeps_its_method_after_a_rotation(settings, tmp_path):
    _write_key(tmp_path / "old.pem")
    _write_key(tmp_path / "new.pem")
    settings.CREDENTIAL_SIGNING_KEYS = [str(tmp_path / "old.pem")]
    old_method, _key = did.current_method()

    settings.CREDENTIAL_SIGNING_KEYS = [str(tmp_path / "new.pem"), str(tmp_path / "old.pem")]

    new_method, _key = did.current_method()
    listed = [m["id"] for m in did.did_document()["verificationMethod"]]
    assert new_method != old_method
    assert listed == [new_method, old_method]


def test_the_document_is_served_publicly(client, settings):
    settings.SITE_URL = "https://labels.example.org"

    response = client.get("/.well-known/did.json")

    assert response["Content-Type"] == "application/did+json"
    assert response.json()["id"] == "did:web:labels.example.org"
    assert response.json()["verificationMethod"][0]["controller"] == "did:web:labels.example.org"


def test_a_key_that_is_not_ed25519_is_refused(settings, tmp_path):
    from cryptography.hazmat.primitives.asymmetric import ec
    from django.core.exceptions import ImproperlyConfigured

    key = ec.generate_private_key(ec.SECP256R1())
    (tmp_path / "ec.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings.CREDENTIAL_SIGNING_KEYS = [str(tmp_path / "ec.pem")]

    with pytest.raises(ImproperlyConfigured):
        did.signing_keys()
