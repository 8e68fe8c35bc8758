"""Issuing a certificate end to end, next to a bare WeasyPrint render of the same HTML.

The subject is what a secretariat's "issue" click costs in all: the transition and the label,
the number, then the task (run in-process here) rendering both documents, signing them and
storing them with their SHA-256. The baseline renders the very same certificate and report
HTML with WeasyPrint and nothing else, so the ratio is what the workflow adds to rendering.
"""

from __future__ import annotations

from decimal import Decimal

from benchmarks.harness import interleaved, report, time_per_call

CALLS = 5


def _decided_applications(n: int, organisations, methodology, manager, deciders) -> list:
    from django.utils import timezone

    from assessments.models import Recommendation
    from labelling.models import Application

    applications = Application.objects.bulk_create(
        Application(
            organisation=organisation,
            level="gold",
            created_by=manager,
            methodology=methodology,
            state="decided",
            proposed_outcome="gold",
            recommended_outcome="gold",
            decided_outcome="gold",
            proposed_by=deciders[0],
            decision_confirmed_by=deciders[1],
            decided_at=timezone.now(),
        )
        for organisation in organisations[:n]
    )
    dimensions = [["STR", "88.0"], ["GOV", "92.5"], ["FIN", "81.0"], ["SER", "95.0"]]
    Recommendation.objects.bulk_create(
        Recommendation(
            application=application,
            methodology=methodology,
            outcome="gold",
            gold_score_pct=Decimal("89.10"),
            benchmark_score_pct=Decimal("86.45"),
            explanation={"indicators": [], "dimension_scores": dimensions},
        )
        for application in applications
    )
    return applications


def run() -> str:
    from django.conf import settings
    from weasyprint import HTML

    from assessments.services import current_methodology, methodology_load
    from benchmarks.engine import DEFAULT
    from labelling.models import Membership, Organisation, User
    from reports.documents import certificate_data, report_data
    from reports.models import Certificate
    from reports.pdf.render import certificate_html, report_html
    from reports.services import label_issue

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    methodology = current_methodology() or methodology_load(path=DEFAULT)
    manager = User.objects.create_user("cert-bench@example.org", "x", is_cluster_manager=True)
    deciders = [
        User.objects.create_user(f"decider{n}@example.org", "x", is_secretariat=True)
        for n in range(3)
    ]
    organisations = []
    # The warm-up, three rounds against WeasyPrint, then six with and six without the
    # credential.
    for n in range(1 + CALLS * 15):
        organisation = Organisation.objects.create(
            name=f"Certificate Bench Cluster {n}",
            legal_name=f"Certificate Bench Cluster {n} e.V.",
            country="DE",
            website="https://bench.example.org",
            members_companies=30,
            members_research=5,
            management_fte=2,
        )
        Membership.objects.create(user=manager, organisation=organisation)
        organisations.append(organisation)
    pool = iter(organisations)

    def issue(n: int) -> None:
        batch = [next(pool) for _ in range(n)]
        for application in _decided_applications(n, batch, methodology, manager, deciders):
            certificate = label_issue(application=application, actor=deciders[2])
            certificate.refresh_from_db()
            assert certificate.state == "done", certificate.failure_reason

    issue(1)  # warm up: fonts, templates and the signing key are loaded once per process
    subject = time_per_call(
        "issue (transition, number, task, render, sign, store both PDFs, sign the credential)",
        issue,
        CALLS,
        rounds=3,
    )
    sample = Certificate.objects.order_by("pk").first()
    htmls = [certificate_html(certificate_data(sample)), report_html(report_data(sample))]
    base_url = settings.BASE_DIR.as_uri() + "/"

    def bare_render(n: int) -> None:
        for _ in range(n):
            for html in htmls:
                HTML(string=html, base_url=base_url).write_pdf()

    baseline = time_per_call(
        "bare WeasyPrint render of the same certificate and report HTML",
        bare_render,
        CALLS,
        rounds=3,
    )
    issuing = report(f"Certificate issuing ({CALLS} certificates a round)", subject, baseline)
    return issuing + "\n" + _credential_share(issue)


def _credential_share(issue) -> str:
    """The same issuing with the credential step left out, in alternating rounds: what the
    Open Badges credential (canonicalisation, signature, status place) adds to issuing."""
    from reports.credentials import badge

    signing = badge.issue

    def pdf_only(n: int) -> None:
        badge.issue = lambda certificate: None
        try:
            issue(n)
        finally:
            badge.issue = signing

    with_credential, without = interleaved(
        ("issue with the credential", issue),
        ("issue, PDFs only (no credential)", pdf_only),
        CALLS,
        rounds=3,
    )
    return report(
        "Issuing with the credential, against the PDFs only", with_credential, without, goal=1.3
    )
