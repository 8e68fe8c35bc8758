"""The demo cluster organisations, their sectors, and the applications the seed walks for them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from labelling.models import ApplicationState, Level, Outcome
from reports.demo.people import EXPERT_BE, EXPERT_DE, EXPERT_FR, MANAGER, MANAGER_2

S = ApplicationState

#: (code, English name, German name)
SECTORS: tuple[tuple[str, str, str], ...] = (
    ("health", "Health and life sciences", "Gesundheit und Lebenswissenschaften"),
    ("mobility", "Mobility and automotive", "Mobilität und Automobil"),
    ("energy", "Energy", "Energie"),
    ("digital", "Digital and ICT", "Digitales und IKT"),
    ("food", "Food and agriculture", "Ernährung und Landwirtschaft"),
    ("materials", "Advanced materials", "Neue Werkstoffe"),
    ("maritime", "Maritime and blue economy", "Maritime Wirtschaft"),
    ("photonics", "Photonics and optics", "Photonik und Optik"),
    ("circular-economy", "Circular economy", "Kreislaufwirtschaft"),
)


@dataclass(frozen=True)
class DemoApplication:
    """An application and the state the seed walks it to.

    ``experts`` are e-mails, lead first: one for BRONZE and SILVER; two for GOLD, one from the
    organisation's country and one from another. ``leave_from`` is the state a WITHDRAWN
    application is withdrawn from. ``months_ago`` walks it that long ago (its records, decision
    and label are dated then); ``renews`` makes it the renewal of the organisation's label.
    ``reaches`` is the outcome the rules reach when it is not the level applied for (the
    requested level is only a ceiling), e.g. BRONZE for a GOLD request whose GOLD score falls
    short; the self-assessed values are chosen to lead there (``demo_values``).
    """

    level: str
    state: str
    experts: tuple[str, ...] = (EXPERT_DE,)
    leave_from: str = S.DRAFT
    months_ago: int = 0
    renews: bool = False
    reaches: str = ""

    @property
    def outcome(self) -> str:
        """The decision taken, as the rules recommend, when the walk gets that far: ``reaches``,
        by default the level applied for, or no label for a CLOSED application."""
        if self.reaches:
            return self.reaches
        return Outcome.NONE if self.state == S.CLOSED else self.level


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    legal_name: str
    country: str
    region: str
    founded_year: int
    members: tuple[int, int, int]  # companies, research and education, public and others
    management_fte: Decimal
    sectors: tuple[str, ...]
    manager: str
    applications: tuple[DemoApplication, ...] = ()
    #: The secretariat confirms the organisation its manager registered before any application
    #: is walked; an unconfirmed one keeps its applications in draft.
    confirmed: bool = True

    def profile(self) -> dict[str, object]:
        slug = self.name.lower().replace(" ", "-")
        companies, research, public = self.members
        return {
            "name": self.name,
            "legal_name": self.legal_name,
            "country": self.country,
            "region": self.region,
            "website": f"https://{slug}.example.org",
            "founded_year": self.founded_year,
            "members_companies": companies,
            "members_research": research,
            "members_public": public,
            "management_fte": self.management_fte,
        }


# One open application per organisation at a time (the services refuse a second), so closed
# applications come first and each organisation holds at most one open one.
ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        "Bavarian Mobility Cluster",
        "Bavarian Mobility Cluster e.V.",
        "DE",
        "DE21",
        2006,
        (112, 14, 6),
        Decimal("6.5"),
        ("mobility", "digital"),
        MANAGER,
        (
            # Assessed by a German (national) and a French (foreign) expert.
            DemoApplication(Level.GOLD, S.CERTIFIED, (EXPERT_DE, EXPERT_FR), months_ago=21),
            DemoApplication(Level.GOLD, S.DRAFT, renews=True),  # its renewal, in preparation
        ),
    ),
    DemoOrganisation(
        "Rhine-Neckar Health Cluster",
        "Rhine-Neckar Health Cluster GmbH",
        "DE",
        "DE12",
        2011,
        (64, 11, 4),
        Decimal("3.0"),
        ("health",),
        MANAGER,
        (
            # SILVER needs a BRONZE label whose validity started 18 to 24 months earlier.
            DemoApplication(Level.BRONZE, S.CERTIFIED, months_ago=20),
            DemoApplication(Level.SILVER, S.IN_ASSESSMENT, (EXPERT_FR,), renews=True),
        ),
    ),
    DemoOrganisation(
        "Baltic Maritime Cluster",
        "Stowarzyszenie Bałtycki Klaster Morski",
        "PL",
        "PL63",
        2013,
        (38, 7, 5),
        Decimal("2.0"),
        ("maritime", "energy"),
        MANAGER_2,
        (
            DemoApplication(Level.BRONZE, S.CLOSED),
            DemoApplication(Level.BRONZE, S.DECISION_PROPOSED, (EXPERT_FR,)),
        ),
    ),
    DemoOrganisation(
        "Flanders Clean Energy Cluster",
        "Flanders Clean Energy Cluster vzw",
        "BE",
        "BE21",
        2015,
        (57, 9, 8),
        Decimal("4.0"),
        ("energy", "circular-economy"),
        "manager3@demo.test",
        (
            DemoApplication(
                Level.GOLD, S.WITHDRAWN, (EXPERT_BE, EXPERT_FR), leave_from=S.EXPERTS_ASSIGNED
            ),
            DemoApplication(Level.BRONZE, S.QUALITY_REVIEW),
        ),
    ),
    DemoOrganisation(
        "Nordic Food Innovation Cluster",
        "Foreningen Nordic Food Innovation Cluster",
        "DK",
        "DK04",
        2014,
        (41, 6, 3),
        Decimal("2.5"),
        ("food",),
        "manager4@demo.test",
        (DemoApplication(Level.BRONZE, S.CONSENSUS, (EXPERT_FR,)),),
    ),
    DemoOrganisation(
        "Catalan Advanced Materials Cluster",
        "Associació Clúster de Materials Avançats de Catalunya",
        "ES",
        "ES51",
        2009,
        (73, 12, 2),
        Decimal("3.5"),
        ("materials", "circular-economy"),
        "manager5@demo.test",
        (
            DemoApplication(Level.BRONZE, S.REJECTED),
            DemoApplication(Level.BRONZE, S.SUBMITTED),
        ),
    ),
    DemoOrganisation(
        "Piedmont Digital Industry Cluster",
        "Associazione Piemonte Digital Industry Cluster",
        "IT",
        "ITC1",
        2010,
        (95, 10, 4),
        Decimal("5.0"),
        ("digital", "mobility"),
        "manager6@demo.test",
        (
            DemoApplication(Level.BRONZE, S.CERTIFIED, (EXPERT_FR,), months_ago=20),
            # Waits for its auditor: the French expert assessed its BRONZE, the German one
            # declared a conflict of interest, the Belgian one is eligible.
            DemoApplication(Level.SILVER, S.ACCEPTED, renews=True),
        ),
    ),
    DemoOrganisation(
        "Danube Photonics Cluster",
        "Danube Photonics Cluster GmbH",
        "AT",
        "AT31",
        2008,
        (18, 5, 0),
        Decimal("1.0"),
        ("photonics", "materials"),
        "manager7@demo.test",
        (DemoApplication(Level.BRONZE, S.EXPERTS_ASSIGNED),),
    ),
    DemoOrganisation(
        "Saxon Microelectronics Cluster",
        "Saxon Microelectronics Cluster e.V.",
        "DE",
        "DED2",
        2000,
        (240, 25, 12),
        Decimal("8.0"),
        ("digital", "materials"),
        "manager8@demo.test",
        (
            # BRONZE 20 months ago, then SILVER now: the interval the SILVER rule asks for, and
            # another expert each time (no one assesses the same organisation twice running).
            DemoApplication(Level.BRONZE, S.CERTIFIED, (EXPERT_FR,), months_ago=20),
            DemoApplication(Level.SILVER, S.CERTIFIED, (EXPERT_DE,), renews=True),
        ),
    ),
    DemoOrganisation(
        "Basque Energy Cluster",
        "Asociación Cluster de Energía del País Vasco",
        "ES",
        "ES21",
        1996,
        (160, 18, 9),
        Decimal("6.0"),
        ("energy",),
        "manager9@demo.test",
        (DemoApplication(Level.BRONZE, S.CERTIFIED),),
    ),
    DemoOrganisation(
        "Lyon Urban Mobility Cluster",
        "Association Lyon Urban Mobility Cluster",
        "FR",
        "FRK2",
        2012,
        (45, 8, 6),
        Decimal("2.0"),
        ("mobility",),
        "manager10@demo.test",
        # Decided 26 months ago: its label has expired and was not renewed.
        (DemoApplication(Level.BRONZE, S.CERTIFIED, months_ago=26),),
    ),
    DemoOrganisation(
        "Silesian Hydrogen Valley Cluster",
        "Stowarzyszenie Śląska Dolina Wodorowa",
        "PL",
        "PL22",
        2021,
        (24, 6, 3),
        Decimal("1.5"),
        ("energy",),
        MANAGER_2,
        # Registered by its manager, not yet confirmed: the secretariat's list shows it, and its
        # draft waits for the confirmation to be submitted.
        (DemoApplication(Level.BRONZE, S.DRAFT),),
        confirmed=False,
    ),
    DemoOrganisation(
        "Grenoble Digital Health Cluster",
        "Association Grenoble Digital Health Cluster",
        "FR",
        "FRK2",
        2012,
        (58, 13, 5),
        Decimal("3.0"),
        ("health", "digital"),
        "manager11@demo.test",
        (
            # Applied for GOLD, assessed by a French (national) and a German (foreign) expert:
            # every eligibility criterion and GOLD minimum met, but a GOLD score under 80 %, so
            # the rules award BRONZE, and BRONZE is certified.
            DemoApplication(
                Level.GOLD, S.CERTIFIED, (EXPERT_FR, EXPERT_DE), reaches=Outcome.BRONZE
            ),
        ),
    ),
)
