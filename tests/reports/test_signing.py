"""The signing key: configured, or generated once for development; PAdES signature metadata."""

import datetime
import io
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from django.core.exceptions import ImproperlyConfigured
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from reports.pdf.render import html_to_pdf
from reports.pdf.signing import (
    DEVELOPMENT_COMMON_NAME,
    development_credentials,
    sign_pdf,
    signing_certificate,
    write_self_signed_credentials,
)


@pytest.fixture
def unconfigured(settings, tmp_path):
    """No key configured and a fresh VAR_DIR: the development key is generated on demand."""
    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.CERTIFICATE_SIGNING_CERT = ""
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture(scope="module")
def plain_pdf():
    return html_to_pdf("<p>Signed text</p>")


def _common_name(certificate: x509.Certificate) -> str:
    return certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value


def _issue_leaf(directory, ca_key_path, ca_cert_path):
    """A signing key and certificate issued by the CA in ``ca_*_path``, as a real one would be."""
    ca_key = serialization.load_pem_private_key(ca_key_path.read_bytes(), password=None)
    ca_cert = x509.load_pem_x509_certificate(ca_cert_path.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "Issued secretariat")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # non-repudiation, which validators ask of signers
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key_path, cert_path = directory / "leaf-key.pem", directory / "leaf-cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret passphrase"),
        )
    )
    cert_path.write_bytes(cert.public_bytes(Encoding.PEM))
    return key_path, cert_path


def test_signing_certificate_is_the_configured_one(settings, signing_files):
    key, cert = signing_files
    settings.CERTIFICATE_SIGNING_KEY, settings.CERTIFICATE_SIGNING_CERT = str(key), str(cert)

    assert signing_certificate() == x509.load_pem_x509_certificate(cert.read_bytes())


def test_development_key_is_generated_once_outside_the_repository(unconfigured):
    first = signing_certificate()
    second = signing_certificate()

    assert first == second
    assert _common_name(first) == DEVELOPMENT_COMMON_NAME
    assert (unconfigured / "signing" / "development" / "key.pem").stat().st_mode & 0o077 == 0


def test_development_key_is_valid_for_ten_years(unconfigured):
    certificate = signing_certificate()

    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert lifetime.days >= 3652


def test_concurrent_first_use_generates_one_key(tmp_path):
    starting = threading.Barrier(6)
    seen: list[bytes] = []

    def first_use():
        starting.wait()
        _, cert = development_credentials(tmp_path)
        seen.append(cert.read_bytes())

    threads = [threading.Thread(target=first_use) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(seen) == 6
    assert len(set(seen)) == 1
    assert [path.name for path in tmp_path.iterdir()] == ["development"]


def test_half_configured_key_is_refused(settings, signing_files):
    settings.CERTIFICATE_SIGNING_KEY = str(signing_files[0])
    settings.CERTIFICATE_SIGNING_CERT = ""

    with pytest.raises(ImproperlyConfigured, match="both"):
        signing_certificate()


def test_unreadable_key_is_refused(settings, signing_files, tmp_path):
    garbage = tmp_path / "key.pem"
    garbage.write_text("not a key")
    settings.CERTIFICATE_SIGNING_KEY = str(garbage)
    settings.CERTIFICATE_SIGNING_CERT = str(signing_files[1])

    with pytest.raises(ImproperlyConfigured, match="Cannot load the signing key"):
        signing_certificate()


def test_sign_pdf_records_reason_location_and_signer(settings, signing_files, plain_pdf):
    settings.CERTIFICATE_SIGNING_KEY = str(signing_files[0])
    settings.CERTIFICATE_SIGNING_CERT = str(signing_files[1])

    signed = sign_pdf(plain_pdf, reason="Certificate CL-2026-000123-8", location="Brussels")

    (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert signature.field_name == "Signature1"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Reason"] == "Certificate CL-2026-000123-8"
    assert signature.sig_object["/Location"] == "Brussels"
    assert signature.sig_object["/Name"] == "Test labelling secretariat"
    assert signature.signer_cert.dump() == signing_certificate().public_bytes(Encoding.DER)


def test_sign_pdf_keeps_the_original_bytes_as_its_first_revision(settings, unconfigured, plain_pdf):
    signed = sign_pdf(plain_pdf, reason="", location="")

    assert signed.startswith(plain_pdf)


def test_rotated_key_is_picked_up_without_a_restart(settings, tmp_path):
    key, cert = write_self_signed_credentials(tmp_path, common_name="Before")
    settings.CERTIFICATE_SIGNING_KEY, settings.CERTIFICATE_SIGNING_CERT = str(key), str(cert)
    assert _common_name(signing_certificate()) == "Before"

    write_self_signed_credentials(tmp_path, common_name="After")

    assert _common_name(signing_certificate()) == "After"


def test_chain_is_embedded_and_an_encrypted_key_is_opened(settings, tmp_path, plain_pdf):
    ca_key, ca_cert = write_self_signed_credentials(tmp_path / "ca", common_name="Test root")
    key, cert = _issue_leaf(tmp_path, ca_key, ca_cert)
    settings.CERTIFICATE_SIGNING_KEY, settings.CERTIFICATE_SIGNING_CERT = str(key), str(cert)
    settings.CERTIFICATE_SIGNING_CHAIN = str(ca_cert)
    settings.CERTIFICATE_SIGNING_KEY_PASSPHRASE = "secret passphrase"

    signed = sign_pdf(plain_pdf, reason="", location="")

    (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    root = load_cert_from_pemder(str(ca_cert))
    assert root.dump() in [other.dump() for other in signature.other_embedded_certs]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
    assert status.trusted
