"""factory_boy factories for the plan (Faker en_GB)."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from improve.accounts.models import User
from improve.programmes.models import Membership, Owner, PlanItem, Programme, Stage, Strand

factory.Faker._DEFAULT_LOCALE = "en_GB"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password("correct horse battery")


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    slug = factory.Sequence(lambda n: f"council-{n}-2019")
    council = factory.Faker("city")
    name = "Children's Improvement Programme"
    strand_term = "strand"
    start_date = dt.date(2019, 4, 1)
    end_date = dt.date(2021, 3, 31)


class OwnerFactory(DjangoModelFactory):
    class Meta:
        model = Owner

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Owner {n}")
    kind = "person"


class StrandFactory(DjangoModelFactory):
    class Meta:
        model = Strand

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: str(n + 1))
    name = factory.Sequence(lambda n: f"Strand {n + 1}")
    order = factory.Sequence(lambda n: n)


class StageFactory(DjangoModelFactory):
    class Meta:
        model = Stage

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.Sequence(lambda n: f"Stage {n}")
    start_date = dt.date(2019, 4, 1)
    end_date = dt.date(2019, 9, 30)


class PlanItemFactory(DjangoModelFactory):
    class Meta:
        model = PlanItem

    programme = factory.LazyAttribute(lambda o: o.strand.programme)
    strand = factory.SubFactory(StrandFactory)
    uid = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Deliverable {n + 1}")
    kind = "deliverable"
    team = "Programme Delivery"
    start_date = dt.date(2019, 5, 1)
    end_date = dt.date(2019, 8, 30)
    status = "in_progress"
    rag = "green"
    percent_complete = 40
    order = factory.Sequence(lambda n: (n + 1) * 10)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    role = "viewer"
