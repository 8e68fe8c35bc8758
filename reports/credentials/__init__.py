"""The labels as verifiable credentials: Open Badges 3.0 (``OpenBadgeCredential``) on the W3C
Verifiable Credentials Data Model 2.0, secured with a Data Integrity proof (``eddsa-rdfc-2022``),
with their revocation and suspension published as W3C Bitstring Status Lists.

- ``proof``: canonicalisation (RDFC-1.0) and the Ed25519 proof, signing and checking;
- ``status``: the bitstrings, an entry's place in them, and their signed publication;
- ``badge``: a label's credential, its achievement, and the PNG that carries it ("baked").

The JSON-LD contexts are shipped in ``contexts/`` (copies of the published files) and are the
only documents the canonicalisation may load: nothing is fetched while signing or checking.
"""
