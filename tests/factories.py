"""factory_boy factories: one per model, valid by default."""

import datetime
import hashlib
import time
from decimal import Decimal
from pathlib import Path

import factory
import pyotp
from allauth.mfa.totp.internal.auth import TOTP
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from assessments.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    ConflictDeclaration,
    ConsensusValue,
    Evidence,
    ExpertProfile,
    ExpertScore,
    ImprovementArea,
    MethodologyVersion,
    Recommendation,
    SelfAssessmentAnswer,
)
from assessments.services.methodology import methodology_load
from assessments.services.selfassessment import required_indicators
from labelling.models import (
    Application,
    ApplicationState,
    Level,
    Membership,
    Organisation,
    OrganisationState,
    Sector,
    User,
)
from reports.models import Certificate, CertificateState, Label
from reports.services import certificate_number_allocate

PASSWORD = "correct horse battery staple"
#: The secretariat's authenticator app (base32, as its QR code carries it).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    country = "DE"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class ManagerFactory(UserFactory):
    is_cluster_manager = True


class ExpertFactory(UserFactory):
    """An expert accredited today for every level (``expert_profile=None``: without a profile;
    ``expert_profile__<field>=...`` to change one of its fields)."""

    is_expert = True
    expert_profile = factory.RelatedFactory(
        "tests.factories.ExpertProfileFactory", factory_related_name="user"
    )


class ExpertProfileFactory(DjangoModelFactory):
    """Accredited for every level from a year ago to a year ahead, speaking English and German."""

    class Meta:
        model = ExpertProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(ExpertFactory, expert_profile=None)
    accredited_from = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=365)
    )
    accredited_until = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=365)
    )
    may_assess_bronze = True
    may_assess_silver = True
    may_assess_gold = True
    languages = factory.LazyFunction(lambda: ["en", "de"])

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)


class SecretariatFactory(UserFactory):
    """A secretariat member with an authenticator app set up on ``TOTP_SECRET`` (deciding and
    issuing need one); ``second_factor=False`` for a member without."""

    is_secretariat = True
    is_staff = True

    @factory.post_generation
    def second_factor(self, create, extracted, **kwargs):
        if create and extracted is not False:
            TOTP.activate(self, TOTP_SECRET)


def totp_code(secret: str | None = None) -> str:
    """The code an authenticator app shows now for ``secret`` (the factories' by default); not
    one about to run out, which a slow machine could send after its 30 seconds."""
    totp = pyotp.TOTP(secret or TOTP_SECRET)
    left = totp.interval - time.time() % totp.interval
    if left < 3:
        time.sleep(left)
    return totp.now()


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"sector-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())


class OrganisationFactory(DjangoModelFactory):
    """An organisation that meets the ECCP minimums and that the secretariat has confirmed, so
    its applications can be submitted (``state=OrganisationState.UNCONFIRMED`` for one a
    manager registered and the secretariat has yet to confirm)."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Cluster {n}")
    legal_name = factory.LazyAttribute(lambda o: f"{o.name} e.V.")
    country = "DE"
    website = factory.LazyAttribute(
        lambda o: f"https://{o.name.lower().replace(' ', '-')}.example.org"
    )
    founded_year = 2012
    members_companies = 40
    members_research = 8
    members_public = 3
    management_fte = Decimal("3.5")
    state = OrganisationState.CONFIRMED


class ConflictDeclarationFactory(DjangoModelFactory):
    class Meta:
        model = ConflictDeclaration

    expert = factory.SubFactory(ExpertFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    description = "Was a paid consultant to the cluster management last year."
    declared_by = factory.SelfAttribute("expert")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(ManagerFactory)
    organisation = factory.SubFactory(OrganisationFactory)


SMALL_METHODOLOGY = Path(__file__).resolve().parent / "fixtures" / "methodology-small.yaml"
#: A tiny but well-formed PDF: what libmagic recognises as application/pdf.
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
AFTER_CONSENSUS = {
    ApplicationState.QUALITY_REVIEW,
    ApplicationState.DECISION_PROPOSED,
    ApplicationState.DECIDED,
    ApplicationState.CERTIFIED,
    ApplicationState.CLOSED,
    ApplicationState.APPEALED,
}


def small_methodology() -> MethodologyVersion:
    """The small published test methodology (tests/fixtures), loaded once per database."""
    existing = MethodologyVersion.objects.filter(code="test-small", version="1").first()
    return existing or methodology_load(path=SMALL_METHODOLOGY)


def _value(indicator, values: dict | None) -> Decimal:
    return Decimal(str((values or {}).get(indicator.code, indicator.threshold)))


def fill_self_assessment(application: Application, values: dict | None = None) -> None:
    """Fixture: an answer for every indicator (its threshold unless ``values`` says otherwise),
    evidence where required and, for SILVER, three validated improvement areas."""
    for indicator in required_indicators(application):
        SelfAssessmentAnswer.objects.update_or_create(
            application=application,
            indicator=indicator,
            defaults={"value": _value(indicator, values), "updated_by": application.created_by},
        )
        if indicator.requires_evidence:
            evidence = Evidence(
                application=application,
                indicator=indicator,
                original_name=f"{indicator.code}.pdf",
                content_type="application/pdf",
                size=len(PDF_BYTES),
                sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
                uploaded_by=application.created_by,
            )
            evidence.file.save(f"{indicator.code}.pdf", ContentFile(PDF_BYTES))
    if application.level == Level.SILVER:
        for n in range(3):
            ImprovementArea.objects.create(
                application=application,
                title=f"Improvement {n + 1}",
                description="What changed",
                effect="What it brought",
                validated=True,
            )


def score_everything(assignment: Assignment, values: dict | None = None) -> None:
    """Fixture: the expert's validated value for every assessed indicator."""
    for indicator in required_indicators(assignment.application):
        value = _value(indicator, values)
        result = indicator.evaluate(value)
        ExpertScore.objects.update_or_create(
            assignment=assignment,
            indicator=indicator,
            defaults={"value": value, "light": result.light, "points": result.points},
        )


def settle_consensus(application: Application, values: dict | None = None) -> None:
    """Fixture: a consensus value for every assessed indicator."""
    for indicator in required_indicators(application):
        value = _value(indicator, values)
        result = indicator.evaluate(value)
        ConsensusValue.objects.update_or_create(
            application=application,
            indicator=indicator,
            defaults={
                "value": value,
                "light": result.light,
                "points": result.points,
                "settled_by": application.created_by,
            },
        )


class ApplicationFactory(DjangoModelFactory):
    """An application; pass ``state=`` to start it anywhere in the lifecycle (fixtures only).

    By default its self-assessment is complete; from the quality review on it also has a
    consensus and the rules' recommendation (``recommended=``, by default the level applied for).
    """

    class Meta:
        model = Application
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    level = Level.BRONZE
    created_by = factory.SubFactory(ManagerFactory)
    methodology = factory.LazyFunction(small_methodology)

    @factory.post_generation
    def self_assessed(self, create, extracted, **kwargs):
        if create and extracted is not False:
            fill_self_assessment(self, kwargs.get("values"))

    @factory.post_generation
    def consensus(self, create, extracted, **kwargs):
        if create and (extracted or (extracted is None and self.state in AFTER_CONSENSUS)):
            settle_consensus(self)

    @factory.post_generation
    def recommended(self, create, extracted, **kwargs):
        if create and (extracted or self.state in AFTER_CONSENSUS):
            Recommendation.objects.create(
                application=self,
                methodology=self.methodology,
                outcome=extracted or self.level,
                gold_score_pct=Decimal(100),
                benchmark_score_pct=Decimal(100),
                agreement_rate=Decimal(100),
                explanation={},
            )


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = Assignment
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory)
    expert = factory.SubFactory(ExpertFactory)
    role = AssignmentRole.LEAD
    status = AssignmentStatus.INVITED
    assigned_by = factory.SubFactory(SecretariatFactory)

    @factory.post_generation
    def scored(self, create, extracted, **kwargs):
        """``scored=True``: the expert has a validated value for every assessed indicator."""
        if create and extracted:
            score_everything(self, kwargs.get("values"))


class LabelFactory(DjangoModelFactory):
    """An awarded label with its certificate number; its documents are not rendered.

    ``certificate__state`` sets the generation state (``done`` by default, with a placeholder
    file name and digest); pass ``certificate=False`` for a label without a certificate row.
    """

    class Meta:
        model = Label
        skip_postgeneration_save = True

    application = factory.SubFactory(
        ApplicationFactory,
        state=ApplicationState.CERTIFIED,
        decided_outcome=factory.SelfAttribute("..level"),
        organisation=factory.SelfAttribute("..organisation"),
        # Nothing is rendered from these labels: skip the assessment rows, which cost time.
        self_assessed=False,
        consensus=False,
        recommended=False,
    )
    organisation = factory.SubFactory(OrganisationFactory)
    level = Level.BRONZE
    gold_score_pct = Decimal("85.00")
    benchmark_score_pct = Decimal("82.50")
    valid_from = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    valid_until = factory.LazyAttribute(lambda o: o.valid_from.replace(year=o.valid_from.year + 2))

    @factory.post_generation
    def certificate(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        year = self.valid_from.year
        sequence, number = certificate_number_allocate(year)
        state = kwargs.get("state", CertificateState.DONE)
        done = state == CertificateState.DONE
        Certificate.objects.create(
            label=self,
            number=number,
            year=year,
            sequence=sequence,
            state=state,
            pdf=f"certificates/{sequence}/certificate.pdf" if done else "",
            pdf_sha256=hashlib.sha256(str(sequence).encode()).hexdigest() if done else "",
        )


def managed_draft(organisation_name: str) -> tuple[Application, User]:
    """A draft application of a new organisation ``organisation_name`` and the manager who runs
    it, ready to be submitted."""
    organisation = OrganisationFactory(name=organisation_name)
    manager = ManagerFactory()
    Membership.objects.create(user=manager, organisation=organisation)
    return ApplicationFactory(organisation=organisation, created_by=manager), manager
