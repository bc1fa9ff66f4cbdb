"""factory_boy factories for every stage; tests build exactly the rows they need."""

from datetime import date, timedelta
from typing import Any

import factory
from django.contrib.auth import get_user_model

from dualcert.assessment.models import EvaluationBody
from dualcert.catalog.models import (
    CertificateType,
    Department,
    Occupation,
    Pathway,
    Region,
    RequirementItem,
)
from dualcert.core.scoping import Role
from dualcert.demand.models import Employer, JobDemand
from dualcert.people import idnumber
from dualcert.people.models import Membership, Worker
from dualcert.training.models import Institution, TrainingProject


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"64{n % 10000:04d}")  # never a Changji code
    name = factory.Sequence(lambda n: f"县{n}")
    level = Region.Level.COUNTY


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"部门{n}")
    kind = Department.Kind.PARTNER


class OccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupation

    code = factory.Sequence(lambda n: f"6-31-01-{n:02d}")
    name = factory.Sequence(lambda n: f"职业{n}")


class CertificateTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificateType
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"cert{n}")
    name = factory.Sequence(lambda n: f"证书{n}")
    kind = CertificateType.Kind.PERMIT
    department = factory.SubFactory(DepartmentFactory)
    validity_years = 6
    review_interval_years = 3
    min_age = 18
    max_age = 60
    theory_pass = 80
    practical_pass = 80
    standard_fee = 500
    number_prefix = "T"

    class Params:
        skill = factory.Trait(
            kind=CertificateType.Kind.SKILL,
            occupation=factory.SubFactory(OccupationFactory),
            level=5,
            validity_years=None,
            review_interval_years=None,
            max_age=None,
            min_age=16,
            theory_pass=60,
            practical_pass=60,
            standard_fee=0,
            number_prefix="",
        )

    @factory.post_generation
    def items(obj: CertificateType, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Two requirement items of 8 theory + 8 practical hours each, unless given."""
        if not create:
            return
        for i, (theory, practical) in enumerate(extracted or [(8, 8), (8, 8)]):
            RequirementItem.objects.create(
                certificate_type=obj, code=f"{obj.code}-{i + 1}", name=f"{obj.name} 模块{i + 1}",
                theory_hours=theory, practical_hours=practical,
            )


class PathwayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pathway

    code = factory.Sequence(lambda n: f"pw{n}")
    name = factory.Sequence(lambda n: f"路径{n}")
    skill_certificate = factory.SubFactory(CertificateTypeFactory, skill=True)
    permit = factory.SubFactory(CertificateTypeFactory)


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"培训学校{n}")
    kind = Institution.Kind.TRAINING_SCHOOL
    region = factory.SubFactory(RegionFactory)


class EvaluationBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationBody

    name = factory.Sequence(lambda n: f"评价机构{n}")
    kind = EvaluationBody.Kind.SOCIAL
    site_code = factory.Sequence(lambda n: f"{n:06d}")
    region = factory.SubFactory(RegionFactory)


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"用人单位{n}")
    credit_code = factory.Sequence(lambda n: f"91652301{n:010d}")
    region = factory.SubFactory(RegionFactory)


def id_number_for(region_code: str, n: int, *, born: date | None = None) -> str:
    return idnumber.generate(region_code, born or date(1990, 1, 1) + timedelta(days=n), n * 2 + 1)


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"学员{n}")
    region = factory.SubFactory(RegionFactory)
    birth_date = date(1990, 1, 1)
    gender = Worker.Gender.MALE
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    consent_recommend = True

    @factory.post_generation
    def id_number(obj: Worker, create: bool, extracted: Any, **kwargs: Any) -> None:
        number = extracted or id_number_for(obj.region.code, obj.pk or 0, born=obj.birth_date)
        parsed = idnumber.parse(number)
        obj.set_id_number(parsed.number)
        obj.birth_date = parsed.birth_date
        obj.gender = parsed.gender
        if create:
            obj.save()


class JobDemandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobDemand

    employer = factory.SubFactory(EmployerFactory)
    title = "电工"
    occupation = factory.SubFactory(OccupationFactory)
    headcount = 10
    wage_min = 5000
    wage_max = 7000
    region = factory.SelfAttribute("employer.region")
    deadline = factory.LazyFunction(lambda: date.today() + timedelta(days=60))


class TrainingProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingProject

    code = factory.Sequence(lambda n: f"P{n:05d}")
    name = factory.Sequence(lambda n: f"培训项目{n}")
    pathway = factory.SubFactory(PathwayFactory)
    institution = factory.SubFactory(InstitutionFactory)
    region = factory.SelfAttribute("institution.region")
    capacity = 30
    subsidy_per_person = 1000
    start_date = factory.LazyFunction(lambda: date.today() + timedelta(days=7))
    end_date = factory.LazyFunction(lambda: date.today() + timedelta(days=37))


def make_user(username: str, role: str | None = None, **scope: Any) -> Any:
    """An account with a role membership naming its scope (None: an outsider with no role)."""
    user = get_user_model().objects.create_user(username=username, password="pw-" + username)
    if role is not None:
        Membership.objects.create(user=user, role=role, **scope)
    return user


__all__ = ["Role", "make_user"]
