"""factory_boy factories: one per model, valid by default."""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from assessments.models import Assignment, AssignmentRole, AssignmentStatus
from labelling.models import Application, Level, Membership, Organisation, Sector, User

PASSWORD = "correct horse battery staple"


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
    is_expert = True


class SecretariatFactory(UserFactory):
    is_secretariat = True
    is_staff = True


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"sector-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())


class OrganisationFactory(DjangoModelFactory):
    """An organisation that meets the ECCP minimums, so its applications can be submitted."""

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


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(ManagerFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class ApplicationFactory(DjangoModelFactory):
    """An application; pass ``state=`` to start it anywhere in the lifecycle (fixtures only)."""

    class Meta:
        model = Application

    organisation = factory.SubFactory(OrganisationFactory)
    level = Level.BRONZE
    created_by = factory.SubFactory(ManagerFactory)


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = Assignment

    application = factory.SubFactory(ApplicationFactory)
    expert = factory.SubFactory(ExpertFactory)
    role = AssignmentRole.LEAD
    status = AssignmentStatus.INVITED
    assigned_by = factory.SubFactory(SecretariatFactory)
