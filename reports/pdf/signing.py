"""PAdES signatures on certificates and reports, with the secretariat's key from settings.

Settings: ``CERTIFICATE_SIGNING_KEY`` and ``CERTIFICATE_SIGNING_CERT`` (PEM or DER files),
optional ``CERTIFICATE_SIGNING_CHAIN`` (a PEM bundle of intermediate certificates, embedded in
each signature) and ``CERTIFICATE_SIGNING_KEY_PASSPHRASE``. When the key and certificate are
not configured (development, tests), a self-signed development key is generated once under
``VAR_DIR/signing/development/`` and reused; production settings refuse to start without a
configured key.

Signatures are PAdES B-B: the signer's certificate and the document digest are signed, but no
trusted time is attached. B-T would need a timestamp from a time-stamping authority (TSA) over
the network at signing time; add a ``pyhanko`` ``HTTPTimeStamper`` here once the secretariat
has a TSA it trusts.
"""

from __future__ import annotations

import asyncio
import datetime
import functools
import hashlib
import io
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter

DEVELOPMENT_COMMON_NAME = "Cluster labelling secretariat (development)"
DEVELOPMENT_VALIDITY = datetime.timedelta(days=3653)  # ten years
KEY_FILE = "key.pem"
CERT_FILE = "cert.pem"


def write_self_signed_credentials(
    directory: Path, *, common_name: str = DEVELOPMENT_COMMON_NAME
) -> tuple[Path, Path]:
    """Write a new EC P-256 key and a self-signed certificate for it into ``directory``.

    Returns the key and certificate paths. The key is unencrypted and readable by the owner
    only; it is for development and tests, never for certificates anyone relies on.
    """
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + DEVELOPMENT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / KEY_FILE, directory / CERT_FILE
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as key_file:
        key_file.write(key_pem)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def development_credentials(signing_dir: Path) -> tuple[Path, Path]:
    """The development key and certificate under ``signing_dir``, generated on first use.

    Two processes starting at once may both generate a key; each writes into its own temporary
    directory and renames it into place. Renaming onto an existing directory fails, so exactly
    one wins and the loser throws its key away and uses the winner's.
    """
    target = signing_dir / "development"
    if not (target / CERT_FILE).exists():
        signing_dir.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".generating-", dir=signing_dir))
        write_self_signed_credentials(scratch)
        try:
            scratch.rename(target)
        except OSError:
            if not (target / CERT_FILE).exists():
                raise
            shutil.rmtree(scratch)
    return target / KEY_FILE, target / CERT_FILE


def _configured_paths() -> tuple[Path, Path, Path | None]:
    key, cert = settings.CERTIFICATE_SIGNING_KEY, settings.CERTIFICATE_SIGNING_CERT
    chain = Path(settings.CERTIFICATE_SIGNING_CHAIN) if settings.CERTIFICATE_SIGNING_CHAIN else None
    if key and cert:
        return Path(key), Path(cert), chain
    if key or cert:
        raise ImproperlyConfigured(
            "Set both CERTIFICATE_SIGNING_KEY and CERTIFICATE_SIGNING_CERT, or neither."
        )
    return (*development_credentials(Path(settings.VAR_DIR) / "signing"), chain)


def _fingerprint(*paths: Path | None) -> str:
    """A digest of the files' contents: a few hundred bytes, cheaper to read than to parse."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes() if path else b"")
    return digest.hexdigest()


@functools.lru_cache(maxsize=4)
def _load_signer(
    key: Path, cert: Path, chain: Path | None, passphrase: str, _contents: str
) -> signers.SimpleSigner:
    signer = signers.SimpleSigner.load(
        key_file=str(key),
        cert_file=str(cert),
        ca_chain_files=[str(chain)] if chain else None,
        key_passphrase=passphrase.encode() if passphrase else None,
    )
    if signer is None:  # pyhanko logs the cause and returns None
        raise ImproperlyConfigured(
            f"Cannot load the signing key {key} and certificate {cert} (see the log above)."
        )
    return signer


def _signer() -> signers.SimpleSigner:
    """The signer for the configured key, loaded again when a file changes (key rotation)."""
    key, cert, chain = _configured_paths()
    passphrase = settings.CERTIFICATE_SIGNING_KEY_PASSPHRASE
    return _load_signer(key, cert, chain, passphrase, _fingerprint(key, cert, chain))


def signing_certificate() -> x509.Certificate:
    """The certificate whose key signs, e.g. to show its fingerprint or to validate against."""
    return x509.load_der_x509_certificate(_signer().signing_cert.dump())


def sign_pdf(pdf: bytes, *, reason: str, location: str, field_name: str = "Signature1") -> bytes:
    """``pdf`` with an invisible PAdES B-B signature appended as an incremental update.

    The signature names the certificate's subject as signer and carries ``reason`` and
    ``location`` (either may be empty). Signing never changes the rendered pages, so the text
    and the QR code read the same before and after.
    """
    signer = _signer()
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason or None,
        location=location or None,
        name=signer.signing_cert.subject.native.get("common_name"),
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )

    def sign() -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        return signers.sign_pdf(writer, metadata, signer=signer).getvalue()

    # pyHanko's synchronous API runs its own event loop (asyncio.run), which is refused in a
    # thread whose loop is already running (an async server, a browser-driving test): there,
    # sign in a thread of its own.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return sign()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(sign).result()
