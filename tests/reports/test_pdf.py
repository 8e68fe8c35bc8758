"""Rendered certificates and reports: their text, their signature and the QR code on paper."""

import io
import subprocess
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from reports.pdf.data import LevelShortfall
from reports.pdf.render import (
    BundledFilesFetcher,
    PdfRenderingError,
    _css_string,
    certificate_html,
    html_to_pdf,
    render_certificate_pdf,
    render_report_pdf,
    report_html,
)
from reports.pdf.signing import write_self_signed_credentials
from tests.reports.samples import (
    VERIFY_URL,
    bronze_for_gold,
    certificate_data,
    indicator,
    pdf_text,
    report_data,
)


@pytest.fixture(scope="module")
def certificate_pdf(signing_settings) -> bytes:
    return render_certificate_pdf(certificate_data())


@pytest.fixture(scope="module")
def report_pdf(signing_settings) -> bytes:
    return render_report_pdf(report_data())


@pytest.fixture(scope="module")
def bronze_for_gold_pdf(signing_settings) -> bytes:
    return render_report_pdf(bronze_for_gold())


def _signature_status(pdf: bytes, trusted: asn1_x509.Certificate):
    (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    return validate_pdf_signature(signature, ValidationContext(trust_roots=[trusted]))


@pytest.mark.parametrize(
    "expected",
    [
        "Rhine-Neckar Biotech Cluster",
        "GOLD",
        "CL-2026-000123-8",
        "Valid from 1 March 2026 until 29 February 2028",
        VERIFY_URL.removeprefix("https://").split("/")[0],
        "GOLD score: 87.50 % of the maximum",
    ],
    ids=["organisation", "level", "number", "validity", "verification-host", "headline-score"],
)
def test_certificate_text_shows(certificate_pdf, expected):
    assert expected in pdf_text(certificate_pdf)


def test_certificate_is_one_a4_landscape_page(certificate_pdf):
    (page,) = pypdf.PdfReader(io.BytesIO(certificate_pdf)).pages

    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (842, 595)


@pytest.mark.parametrize(
    "expected",
    [
        "Rhine-Neckar Biotech Cluster",
        "GOLD",
        "87.50 %",
        "GOLD score 87.50 % of the maximum on the 2 indicators of the GOLD set",
        "Benchmarking score 84.25 % of the maximum on all 3 indicators",
        "CL-2026-000123-8",
        "Valid from 1 March 2026 until 29 February 2028",
        "Indicator STR-2",
        "below the threshold",
        "Broaden the financing base beyond public grants.",
        "Anna Schmidt (DE), Jean Dupont (FR)",
        "Page 2 of",
    ],
    ids=[
        "organisation",
        "level",
        "score",
        "gold-score",
        "benchmarking-score",
        "number",
        "validity",
        "indicator",
        "reason",
        "recommendation",
        "experts",
        "page-number",
    ],
)
def test_report_text_shows(report_pdf, expected):
    assert expected in pdf_text(report_pdf)


def test_report_shows_the_peer_median_with_enough_peers(report_pdf):
    text = pdf_text(report_pdf)

    assert "Median score of 12 labelled organisations per dimension" in text
    assert "Financing 66.70 % 70 %" in text


@pytest.mark.parametrize(
    "expected",
    [
        "BRONZE 76.50 % benchmarking score: share of the maximum on all indicators",
        "Level applied for GOLD",
        "Applied for GOLD; awarded BRONZE, the highest level whose rules are met.",
        "GOLD not reached: GOLD score 79.99 % is below 80 %.",
        "SILVER not reached: no BRONZE label 18 to 24 months before; no areas.",
        "GOLD score 79.99 % of the maximum on the 2 indicators of the GOLD set",
    ],
    ids=["headline-score", "level-applied-for", "outcome", "gold-reason", "silver-reasons", "gold"],
)
def test_report_of_a_gold_request_decided_bronze_says_why(bronze_for_gold_pdf, expected):
    assert expected in pdf_text(bronze_for_gold_pdf)


def test_report_of_the_level_applied_for_mentions_no_request():
    html = report_html(report_data())

    assert "Level applied for" not in html
    assert "Applied for" not in html


def test_report_shows_scores_with_two_decimals_never_rounded_up():
    html = report_html(bronze_for_gold(dimensions=[], benchmark_score_pct=Decimal("79.99")))

    assert html.count("79.99&nbsp;%") == 3  # the cover, the GOLD score, the benchmarking score
    assert "80.0" not in html


def test_report_marks_eligibility_criteria_and_gold_minimums():
    html = report_html(
        report_data(
            indicators=[
                indicator("STR-1", "STR", bronze_eligibility=True),
                indicator("STR-2", "STR", gold_minimum=True),
            ]
        )
    )

    assert html.count('class="tag eligibility"') == 1
    assert html.count('class="tag gold-minimum"') == 1
    assert "BRONZE eligibility criterion: every label needs it met." in html
    assert "GOLD minimum requirement: SILVER and GOLD need it met." in html


def test_report_of_a_lower_award_than_the_rules_recommend_gives_the_departure_reason():
    html = report_html(
        bronze_for_gold(shortfalls=[], departure_reason="FIN-2 could not be verified on site.")
    )

    assert "Applied for <strong>GOLD</strong>; awarded <strong>BRONZE</strong>.</p>" in html
    assert "the highest level whose rules are met" not in html
    assert (
        "The decision departs from the rules' recommendation: FIN-2 could not be verified on site."
    ) in html


def test_report_escapes_the_reasons_and_the_departure_reason():
    html = report_html(
        bronze_for_gold(
            shortfalls=[LevelShortfall("gold", "GOLD", ["<i>reason</i>"])],
            departure_reason='<script>alert("x")</script>',
        )
    )

    assert "&lt;i&gt;reason&lt;/i&gt;" in html
    assert "&lt;script&gt;" in html
    assert "<script>" not in html


def test_report_without_a_label_says_so(signing_settings):
    html = report_html(report_data(level="", level_label="", certificate_number=""))

    assert "No label awarded" in html
    assert "No label was awarded." in html


@pytest.mark.parametrize("pdf_name", ["certificate_pdf", "report_pdf"])
def test_signature_is_intact_and_trusted_against_the_configured_certificate(
    request, signing_files, pdf_name
):
    pdf = request.getfixturevalue(pdf_name)

    status = _signature_status(pdf, load_cert_from_pemder(str(signing_files[1])))

    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.coverage.name == "ENTIRE_FILE"


def test_signature_is_not_trusted_against_another_certificate(certificate_pdf, tmp_path):
    _, other = write_self_signed_credentials(tmp_path, common_name="Someone else")

    status = _signature_status(certificate_pdf, load_cert_from_pemder(str(other)))

    assert status.intact
    assert not status.trusted


def test_altered_certificate_is_no_longer_intact(certificate_pdf, signing_files):
    # The page text is compressed; the producer in the rendered (signed) revision is not.
    tampered = certificate_pdf.replace(b"WeasyPrint", b"WeasyPrinT", 1)
    assert tampered != certificate_pdf

    status = _signature_status(tampered, load_cert_from_pemder(str(signing_files[1])))

    assert not status.intact


def test_certificate_qr_code_decodes_to_the_verification_url(
    certificate_pdf, pdf_image_tools, tmp_path
):
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(certificate_pdf)

    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "150",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf,
            tmp_path / "page",
        ],
        check=True,
        timeout=60,
    )
    decoded = subprocess.run(
        ["zbarimg", "--raw", "-q", tmp_path / "page.png"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )

    assert decoded.stdout.strip() == VERIFY_URL


def test_certificate_html_escapes_the_organisation_name():
    html = certificate_html(certificate_data(organisation_name="<b>Bold & Co</b>"))

    assert "&lt;b&gt;Bold &amp; Co&lt;/b&gt;" in html
    assert "<b>Bold" not in html


@pytest.mark.parametrize(
    ("level", "score", "expected"),
    [
        ("gold", "87.5", "GOLD score: 87.50&nbsp;% of the maximum"),
        ("gold", "79.99", "GOLD score: 79.99&nbsp;% of the maximum"),
        ("silver", "71.25", "Benchmarking score: 71.25&nbsp;% of the maximum"),
        ("bronze", "79.99", "Benchmarking score: 79.99&nbsp;% of the maximum"),
    ],
    ids=["gold", "gold-not-rounded-up", "silver", "bronze-not-rounded-up"],
)
def test_certificate_names_its_headline_score(level, score, expected):
    html = certificate_html(certificate_data(level=level, score_pct=Decimal(score)))

    assert expected in html


def test_certificate_html_is_in_the_requested_language():
    html = certificate_html(certificate_data(language="de", valid_from=date(2026, 3, 1)))

    assert '<html lang="de">' in html
    assert "1. März 2026" in html


@pytest.mark.parametrize(
    "source",
    [
        "http://127.0.0.1:9/logo.png",
        "static/missing-logo.png",
        "file:///dev/zero",
        "file:///etc/passwd",
        "static/../config/settings.py",
        "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'/%3E",
    ],
    ids=["network", "missing-file", "device", "outside-the-bundle", "climbing-out", "data-url"],
)
def test_rendering_refuses_every_resource_but_the_bundled_files(source):
    with pytest.raises(PdfRenderingError) as refused:
        html_to_pdf(f'<img src="{source}">')

    # What the secretariat reads names no path.
    assert "/" not in str(refused.value)


def test_rendering_refuses_a_stylesheet_outside_the_bundle():
    with pytest.raises(PdfRenderingError):
        html_to_pdf('<link rel="stylesheet" href="file:///etc/passwd"><p>x</p>')


def test_rendering_reads_a_bundled_file_and_records_what_it_asked_for():
    fetcher = BundledFilesFetcher()

    html_to_pdf('<link rel="stylesheet" href="static/css/site.css"><p>x</p>', fetcher=fetcher)

    assert fetcher.requested == [(settings.BASE_DIR / "static/css/site.css").as_uri()]


def test_a_bundled_directory_does_not_let_a_symlink_lead_out_of_it(tmp_path, settings):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "passwd").symlink_to("/etc/passwd")
    settings.PDF_RESOURCE_DIRS = [bundle]

    with pytest.raises(PdfRenderingError):
        html_to_pdf(f'<link rel="stylesheet" href="{(bundle / "passwd").as_uri()}"><p>x</p>')


@pytest.mark.parametrize(
    "text", ["x\f} @page { size: 1mm } {", 'x";} body{display:none} .a{x:"', "a\r\nb</style>"]
)
def test_a_css_string_escapes_every_character_that_could_end_it(text):
    inside = _css_string(text)[1:-1]

    # Only letters, digits, spaces and the escapes' own backslashes are left.
    assert all(char.isalnum() or char in " \\" for char in inside)
