"""Data Integrity proofs of the ``eddsa-rdfc-2022`` cryptosuite (W3C "Data Integrity EdDSA
Cryptosuites v1.0", section 3.3), made and checked with the scheme's Ed25519 keys.

The hash signed is SHA-256 of the canonical proof configuration followed by SHA-256 of the
canonical document, each canonicalised with RDFC-1.0 (pyld's ``URDNA2015``, the algorithm RDFC-1.0
standardised). The proof value is the signature in multibase base58btc (``z``).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

CRYPTOSUITE = "eddsa-rdfc-2022"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
_CONTEXT_FILES = {VC_V2: "credentials-v2.jsonld", OB_V3: "ob-v3p0-context-3.0.3.json"}
_CONTEXTS_DIR = Path(__file__).parent / "contexts"


class ProofError(ValueError):
    """A document whose proof is missing, malformed or does not verify."""


@functools.cache
def _context(url: str) -> dict:
    return json.loads((_CONTEXTS_DIR / _CONTEXT_FILES[url]).read_text())


def document_loader(url: str, options: dict | None = None) -> dict:
    """The shipped contexts, and nothing else: a credential naming any other context is refused
    rather than fetched."""
    if url not in _CONTEXT_FILES:
        raise jsonld.JsonLdError(
            f"The context {url} is not one this scheme uses.",
            "jsonld.LoadDocumentError",
            code="loading remote context failed",
        )
    return {"contextUrl": None, "documentUrl": url, "document": _context(url)}


def canonical(document: dict) -> str:
    """The document as canonical N-Quads (RDFC-1.0).

    Refused when a property is not defined by the contexts: JSON-LD would drop it silently,
    and a proof must never look as if it covered what it does not."""
    options = {"documentLoader": document_loader}
    expanded = jsonld.expand(document, options)
    compacted = jsonld.compact(expanded, {"@context": document["@context"]}, options)
    dropped = _dropped_keys(document, compacted)
    if dropped:
        raise ProofError(f"Terms not defined by the document's contexts: {', '.join(dropped)}")
    # From the expanded form already at hand: the same quads, without expanding twice.
    return jsonld.normalize(
        expanded,
        {"algorithm": "URDNA2015", "format": "application/n-quads", **options},
    )


def _dropped_keys(original: Any, compacted: Any, path: str = "") -> list[str]:
    """Keys of ``original`` that compaction (after expansion) lost: undefined terms."""
    if isinstance(original, dict):
        if not isinstance(compacted, dict):
            return []
        lost = []
        for key, value in original.items():
            if key == "@context":
                continue
            if key not in compacted:
                lost.append(f"{path}{key}")
            else:
                lost += _dropped_keys(value, compacted[key], f"{path}{key}.")
        return lost
    if isinstance(original, list) and isinstance(compacted, list):
        return [
            k for o, c in zip(original, compacted, strict=False) for k in _dropped_keys(o, c, path)
        ]
    if isinstance(original, list) and len(original) == 1:
        return _dropped_keys(original[0], compacted, path)
    return []


def _hash_data(unsecured: dict, proof_options: dict) -> bytes:
    config = {"@context": unsecured["@context"], **proof_options}
    return (
        hashlib.sha256(canonical(config).encode()).digest()
        + hashlib.sha256(canonical(unsecured).encode()).digest()
    )


def xsd_datetime(moment: datetime) -> str:
    """An ``xsd:dateTime`` in UTC to the second, as credentials write them."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(document: dict, *, key: Ed25519PrivateKey, verification_method: str, created: str) -> dict:
    """``document`` with an ``eddsa-rdfc-2022`` proof for the purpose ``assertionMethod``."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(unsecured, proof))
    return {
        **unsecured,
        "proof": {**proof, "proofValue": "z" + base58.b58encode(signature).decode()},
    }


def verify(document: dict, *, public_key: Callable[[str], Ed25519PublicKey | None]) -> None:
    """Check the document's proof; ``public_key`` maps a verification method to its key (or
    ``None`` for one that is not the scheme's). Raises ``ProofError`` when it does not hold."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise ProofError("The document has no proof.")
    # Shallow copies: only their top-level keys are taken away, nothing inside is changed.
    document = {k: v for k, v in document.items() if k != "proof"}
    proof = dict(proof)
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError("The proof is not of the cryptosuite eddsa-rdfc-2022.")
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError("The proof is not for the purpose assertionMethod.")
    value = proof.pop("proofValue", "")
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError("The proof value is not base58btc multibase.")
    key = public_key(str(proof.get("verificationMethod", "")))
    if key is None:
        raise ProofError("The proof names a key that is not the issuer's.")
    try:
        key.verify(base58.b58decode(value[1:]), _hash_data(document, proof))
    except (InvalidSignature, ValueError) as exc:
        raise ProofError("The signature does not match the document.") from exc
