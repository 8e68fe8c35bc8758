"""Certificates and reports to render, built from plain data as the services would, and the
text of a rendered one read back."""

import io
from datetime import date
from decimal import Decimal

import pypdf

from reports.pdf.data import (
    CertificateData,
    DimensionResult,
    IndicatorRow,
    LevelShortfall,
    ReportData,
)

VERIFY_URL = "https://labels.example.org/verify/CL-2026-000123-8/"
DIMENSIONS = (
    ("STR", "Structure of the cluster", "92.3", "78"),
    ("GOV", "Cluster management and governance", "85", "80.5"),
    ("FIN", "Financing", "66.7", "70"),
    ("SRV", "Services", "100", "75"),
    ("COO", "Cooperation and interaction within the cluster", "81.2", "72.5"),
    ("ACH", "Achievements and recognition", "58.3", None),
)


def certificate_data(**overrides) -> CertificateData:
    values = {
        "number": "CL-2026-000123-8",
        "organisation_name": "Rhine-Neckar Biotech Cluster",
        "organisation_legal_name": "BioRN Cluster Management GmbH",
        "country_name": "Germany",
        "region": "DE12 Karlsruhe",
        "level": "gold",
        "level_label": "GOLD",
        "valid_from": date(2026, 3, 1),
        "valid_until": date(2028, 2, 29),
        "issued_on": date(2026, 3, 14),
        "verify_url": VERIFY_URL,
        "methodology_name": "Cluster excellence methodology 2026",
        "score_pct": Decimal("87.5"),
    }
    return CertificateData(**(values | overrides))


def dimensions(*, with_medians: bool = True) -> list[DimensionResult]:
    return [
        DimensionResult(
            code, title, Decimal(score), Decimal(median) if median and with_medians else None
        )
        for code, title, score, median in DIMENSIONS
    ]


def indicator(code: str, dimension_code: str, **overrides) -> IndicatorRow:
    values = {
        "code": code,
        "title": f"Indicator {code}",
        "dimension_code": dimension_code,
        "self_assessed": Decimal(20),
        "validated": Decimal(18),
        "unit": "members",
        "light": "green",
        "threshold": Decimal(15),
        "passed": True,
        "in_gold_set": True,
    }
    return IndicatorRow(**(values | overrides))


def report_data(**overrides) -> ReportData:
    values = {
        "organisation_name": "Rhine-Neckar Biotech Cluster",
        "organisation_legal_name": "BioRN Cluster Management GmbH",
        "country_name": "Germany",
        "region": "DE12 Karlsruhe",
        "methodology_name": "Cluster excellence methodology 2026",
        "level": "gold",
        "level_label": "GOLD",
        "gold_score_pct": Decimal("87.5"),
        "benchmark_score_pct": Decimal("84.25"),
        "requested_level": "gold",
        "requested_level_label": "GOLD",
        "decided_on": date(2026, 2, 20),
        "dimensions": dimensions(),
        "indicators": [
            indicator("STR-1", "STR", bronze_eligibility=True, gold_minimum=True),
            indicator("STR-2", "STR", light="red", passed=False, reason="below the threshold"),
            indicator("FIN-1", "FIN", unit="%", light="yellow", in_gold_set=False),
        ],
        "recommendations": ["Broaden the financing base beyond public grants."],
        "experts": ["Anna Schmidt (DE)", "Jean Dupont (FR)"],
        "peer_count": 12,
        "certificate_number": "CL-2026-000123-8",
        "valid_from": date(2026, 3, 1),
        "valid_until": date(2028, 2, 29),
        "verify_url": VERIFY_URL,
    }
    return ReportData(**(values | overrides))


def bronze_for_gold(**overrides) -> ReportData:
    """A report of a GOLD request the rules decided BRONZE: the GOLD score fell short."""
    values = {
        "level": "bronze",
        "level_label": "BRONZE",
        "gold_score_pct": Decimal("79.99"),
        "benchmark_score_pct": Decimal("76.5"),
        "shortfalls": [
            LevelShortfall("gold", "GOLD", ["GOLD score 79.99 % is below 80 %"]),
            LevelShortfall(
                "silver", "SILVER", ["no BRONZE label 18 to 24 months before", "no areas"]
            ),
        ],
    }
    return report_data(**(values | overrides))


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, with line breaks and runs of spaces read as single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def pdf_text(pdf: bytes) -> str:
    """All the text, with line breaks and runs of spaces read as single spaces."""
    return " ".join(pdf_pages(pdf))
