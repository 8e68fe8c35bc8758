"""The certificate in the organisation's language, its region by name, the methodology by its
title, and the scheme's signatory and logo; the signature still validates."""

import io

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from labelling import services
from labelling.models import ApplicationState, Level
from labelling.regions import region_name
from reports import services as report_services
from reports.demo import walk_application
from reports.documents import certificate_data
from reports.pdf.signing import signing_certificate
from tests import factories
from tests.reports.samples import pdf_text

S = ApplicationState


@pytest.fixture
def german_certificate(manager, crew, django_capture_on_commit_callbacks):
    """A BRONZE certificate of a Bavarian organisation that writes in German (its profile),
    while its manager reads English."""
    organisation = factories.OrganisationFactory(country="DE", region="DE21", language="de")
    organisation.managers.add(manager)
    factories.small_methodology()
    application = services.application_create(
        organisation=organisation, level=Level.BRONZE, actor=manager
    )
    walk_application(application, to=S.DECIDED, crew=crew(Level.BRONZE))
    with django_capture_on_commit_callbacks(execute=True):
        certificate = report_services.label_issue(
            application=application, actor=crew(Level.BRONZE).secretariat
        )
    certificate.refresh_from_db()
    return certificate


@pytest.mark.parametrize(("code", "name"), [("DE21", "Oberbayern"), ("ITC1", "Piemonte")])
def test_a_nuts_code_is_named(code, name):
    assert region_name(code) == name


def test_an_unknown_code_stays_a_code():
    assert region_name("XX9") == "XX9"


def test_the_certificate_of_a_german_organisation_is_german_and_names_its_region(
    german_certificate,
):
    text = pdf_text(german_certificate.pdf.read())

    assert "Zertifikat" in text
    assert "Oberbayern, Deutschland" in text
    assert "DE21" not in text


def test_the_methodology_is_named_once_by_its_title_in_the_certificates_language(
    german_certificate,
):
    data = certificate_data(german_certificate)

    assert data.methodology_name == "Kleine Testmethodik"


def test_the_signature_of_the_german_certificate_validates(german_certificate):
    trusted = asn1_x509.Certificate.load(signing_certificate().public_bytes(Encoding.DER))
    reader = PdfFileReader(io.BytesIO(german_certificate.pdf.read()))

    status = validate_pdf_signature(
        reader.embedded_signatures[0], ValidationContext(trust_roots=[trusted])
    )

    assert (status.intact, status.valid, status.trusted) == (True, True, True)


def test_the_scheme_names_its_signatory_and_shows_its_logo(german_certificate, settings):
    from reports.pdf.render import render_certificate_pdf

    settings.CERTIFICATE_SIGNATORY_NAME = "Dr. Eva Lindqvist"
    settings.CERTIFICATE_SIGNATORY_FUNCTION = "Head of the labelling secretariat"
    settings.CERTIFICATE_LOGO = "static/img/scheme-logo.svg"

    pdf = render_certificate_pdf(certificate_data(german_certificate))

    text = pdf_text(pdf)
    assert "Dr. Eva Lindqvist" in text
    assert "HEAD OF THE LABELLING SECRETARIAT" in text  # set in small capitals
    assert "CELabel" in text  # the logo's own text, drawn from the bundled SVG
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_the_manager_chooses_the_language_of_the_documents_in_the_profile(organisation, manager):
    from reports.documents import organisation_language

    services.organisation_update(organisation=organisation, actor=manager, language="de")

    organisation.refresh_from_db()
    assert organisation_language(organisation) == "de"


def test_the_certificate_names_the_region_and_the_methodologys_title_once_in_either_language(
    german_certificate,
):
    from reports.pdf.render import render_certificate_pdf

    german = pdf_text(german_certificate.pdf.read())
    organisation = german_certificate.label.organisation
    organisation.language = "en"
    organisation.save(update_fields=["language"])
    english = pdf_text(render_certificate_pdf(certificate_data(german_certificate)))

    assert "Oberbayern, Deutschland" in german
    assert "Bewertet nach Kleine Testmethodik ZERTIFIKATSNUMMER" in german
    assert "Oberbayern, Germany" in english
    assert "Assessed according to Small test methodology CERTIFICATE NUMBER" in english
    assert "test-small" not in german + english
