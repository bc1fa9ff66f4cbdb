"""The story the end-to-end tests tell: who takes part, the applicants, the fused curriculum.

An employer in 昌吉市 asks for ten electricians; the bureau answers with a project on the
reference catalogue's PW-ELEC pathway (电工 五级/初级工 + 低压电工作业 of 应急管理).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dualcert.catalog.models import Department, Education, Pathway, Region, RequirementItem
from dualcert.people import idnumber
from tests.factories import (
    EmployerFactory,
    EvaluationBodyFactory,
    InstitutionFactory,
    Role,
    make_user,
)

BEIJING = ZoneInfo("Asia/Shanghai")
COUNTY = "652301"  # 昌吉市
START, END = date(2026, 3, 9), date(2026, 4, 3)  # four working weeks
SESSION_HOURS = 8
HIRED_ON = date(2026, 5, 11)


@dataclass(frozen=True)
class Applicant:
    name: str
    born: date
    sequence: int  # odd: male, even: female
    education: int
    wage_before: int
    theory: int = 0  # marks at the sitting
    practical: int = 0
    wage_after: int = 0

    @property
    def id_number(self) -> str:
        return idnumber.generate(COUNTY, self.born, self.sequence)


TRAINEES = [
    Applicant("马建新", date(1991, 4, 12), 17, Education.JUNIOR, 2800, 86, 90, 6000),
    Applicant("李晓东", date(1995, 8, 3), 35, Education.SENIOR, 3000, 92, 88, 6200),
    Applicant("王海燕", date(1998, 1, 25), 44, Education.SENIOR, 3000, 81, 85, 6200),
    Applicant("阿力木·吐尔逊", date(1993, 11, 9), 51, Education.JUNIOR, 3200, 88, 93, 6400),
    Applicant("张伟", date(2000, 6, 18), 63, Education.JUNIOR, 2600, 84, 80, 6200),
    Applicant("刘强", date(1988, 2, 27), 75, Education.JUNIOR, 3000, 90, 91, 6000),
    Applicant("赵磊", date(1996, 9, 14), 89, Education.SENIOR, 3400, 95, 94, 6500),
    Applicant("古丽娜尔·艾山", date(1999, 3, 5), 92, Education.COLLEGE, 3100, 83, 87, 6200),
    # Passes the skill certificate's theory mark (60) but not the permit's (80).
    Applicant("孙浩", date(1994, 7, 21), 103, Education.JUNIOR, 2900, 72, 86),
    # Misses one session too many to complete.
    Applicant("周杰", date(1990, 12, 30), 117, Education.JUNIOR, 2500),
]
DUAL = TRAINEES[:8]
ONE_CERTIFICATE, DROPOUT = TRAINEES[8], TRAINEES[9]
CHECK_DIGIT_TYPO = Applicant("陈明", date(1997, 5, 16), 121, Education.JUNIOR, 3000)
UNDER_AGE = Applicant("吴小龙", date(2009, 8, 15), 133, Education.JUNIOR, 0)  # 16 at the start


@dataclass
class Cast:
    """The people of the story (accounts with their roles) and what they are part of."""

    employer: Any
    bureau: Any
    institution: Any
    evaluator: Any
    department: Any
    pathway: Pathway
    body_name: str
    site_code: str


@dataclass(frozen=True)
class ModulePlan:
    name: str
    theory: int
    practical: int
    items: tuple[RequirementItem, ...]


def cast_of_the_story() -> Cast:
    county = Region.objects.get(code=COUNTY)
    employer = EmployerFactory(region=county, name="昌吉新源电力设备有限公司")
    institution = InstitutionFactory(region=county, name="昌吉市天山职业技能培训学校")
    body_: Any = EvaluationBodyFactory(region=county, name="昌吉州启航职业技能评价中心",
                                  site_code="000317")
    return Cast(
        employer=make_user("employer", Role.EMPLOYER, employer=employer),
        bureau=make_user("bureau", Role.BUREAU),
        institution=make_user("school", Role.INSTITUTION, institution=institution),
        evaluator=make_user("evaluator", Role.EVALUATOR, evaluation_body=body_),
        department=make_user("mem", Role.DEPARTMENT,
                             department=Department.objects.get(code="MEM-6523")),
        pathway=Pathway.objects.select_related("skill_certificate", "permit").get(code="PW-ELEC"),
        body_name=body_.name, site_code=body_.site_code,
    )


def at(time_machine: Any, day: date, hour: int = 9, minute: int = 30, *,
       tick: bool = False) -> None:
    """Stand the clock on that day and time in Beijing."""
    time_machine.move_to(datetime(day.year, day.month, day.day, hour, minute, tzinfo=BEIJING),
                         tick=tick)


def fused_plan(pathway: Pathway) -> list[ModulePlan]:
    """One module per pair of matching items of the two standards, long enough for both."""
    skill = list(pathway.skill_certificate.requirement_items.order_by("code"))
    permit = list(pathway.permit.requirement_items.order_by("code"))
    return [
        ModulePlan(f"模块{n} {s.name}", max(s.theory_hours, p.theory_hours),
                   max(s.practical_hours, p.practical_hours), (s, p))
        for n, (s, p) in enumerate(zip(skill, permit, strict=True), start=1)
    ]


@dataclass(frozen=True)
class Gap:
    """A requirement item whose theory or practical hours the modules do not cover."""

    certificate: str
    item: str
    kind: str  # "theory" or "practical"
    covered: int
    required: int

    @property
    def short(self) -> int:
        return self.required - self.covered

    def english(self) -> str:
        """The line of the approval refusal, as the English page prints it."""
        return (f"{self.certificate} · {self.item}: {self.kind} {self.covered} of "
                f"{self.required} hours ({self.short} short)")


def expected_gaps(plans: list[ModulePlan], pathway: Pathway) -> list[Gap]:
    """The refusal's gaps, worked out from the catalogue's hours: skill items first."""
    gaps = []
    for cert in (pathway.skill_certificate, pathway.permit):
        for item in cert.requirement_items.order_by("code"):
            covering = [m for m in plans if item in m.items]
            for kind, required, covered in (
                ("theory", item.theory_hours, sum(m.theory for m in covering)),
                ("practical", item.practical_hours, sum(m.practical for m in covering)),
            ):
                if covered < required:
                    gaps.append(Gap(cert.name, item.name, kind, covered, required))
    return gaps
