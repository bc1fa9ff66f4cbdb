"""Sittings, score sheets, results by each type's pass marks, and the certificates issued."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from dualcert.assessment.models import EvaluationBody, Result, Score, Sitting
from dualcert.assessment.services import RESULT_FIELDS
from dualcert.catalog.models import CertificateType
from dualcert.core.demo.context import DemoContext
from dualcert.core.demo.trail import Trail
from dualcert.core.demo.writer import at, uuids
from dualcert.credentials import numbers
from dualcert.credentials.models import Certificate
from dualcert.credentials.services import CERTIFICATE_FIELDS

if TYPE_CHECKING:
    from dualcert.core.demo.history import Candidate, ProjectPlan

SITTING_COLUMNS = (
    "id", "project", "evaluation_body", "day", "place", "skill_examiner", "permit_examiner",
    "status", "confirmed_by", "created_at", "updated_at",
)
SCORE_COLUMNS = (
    "id", "sitting", "enrollment", "theory", "practical", "absent", "created_at", "updated_at",
)
RESULT_COLUMNS = (
    "id", "public_id", "score", "certificate_type", "passed", "theory_pass", "practical_pass",
    "retake", "confirmed_at", "created_at", "updated_at",
)
CERTIFICATE_COLUMNS = (
    "id", "public_id", "number", "certificate_type", "worker", "result", "issuer_name",
    "issued_on", "expires_on", "review_due", "status", "created_at", "updated_at",
)


@dataclass
class Marks:
    score: int
    theory: int | None
    practical: int | None

    def passes(self, cert_type: CertificateType) -> bool:
        return (self.theory is not None and self.practical is not None
                and self.theory >= cert_type.theory_pass
                and self.practical >= cert_type.practical_pass)


def skill_number(ctx: DemoContext, body: EvaluationBody, issued: date, level: int) -> str:
    """22 characters: body type, body code, province, site, YY, level, 6-digit sequence.

    The sequence is the one `dualcert.credentials.numbers` continues from (per body and year).
    """
    yy = f"{issued.year % 100:02d}"
    seq = ctx.next_seq(f"skill-{body.pk}-{yy}")
    return (f"{body.kind}{body.body_code.zfill(4)}{numbers.PROVINCE_CODE}"
            f"{body.site_code.zfill(6)}{yy}{level}{seq:06d}")


def permit_number(ctx: DemoContext, cert_type: CertificateType, issued: date) -> str:
    """The permit's prefix, the issue year and a 6-digit sequence (per type and year)."""
    seq = ctx.next_seq(f"permit-{cert_type.code}-{issued.year:04d}")
    return f"{cert_type.number_prefix}{issued.year:04d}{seq:06d}"


def _marks(rng: random.Random, pk: int, *, strong: bool) -> Marks:
    if not strong and rng.random() < 0.02:
        return Marks(pk, None, None)  # absent
    ability = 92.0 if strong else rng.gauss(88, 6)
    theory, practical = (max(0, min(100, round(ability + rng.gauss(0, 5)))) for _ in range(2))
    return Marks(pk, theory, practical)


def _sittings(ctx: DemoContext, rng: random.Random, chunk: list["ProjectPlan"],
              trail: Trail) -> None:
    names = ctx.names("examiners")
    bureau = ctx.users["bureau"].pk
    rows = []
    for plan, pk in zip(chunk, ctx.writer.ids(Sitting, len(chunk)), strict=True):
        plan.sitting = pk
        day = plan.sitting_day
        rows.append((pk, plan.project, plan.body.pk, day, f"{plan.spec.institution.name}考点",
                     names.person(rng.choice("MF")), names.person(rng.choice("MF")),
                     Sitting.Status.CONFIRMED, bureau, at(plan.spec.end + timedelta(days=1)),
                     at(day, 18)))
        trail.path(Sitting, pk, ["scheduled", "scored"], [at(day, 17)])
        trail.path(Sitting, pk, ["scored", "confirmed"], [at(day, 18)], bureau)
    ctx.writer.insert(Sitting, SITTING_COLUMNS, rows)


def _scores(ctx: DemoContext, rng: random.Random, chunk: list["ProjectPlan"]
            ) -> list[tuple["ProjectPlan", "Candidate", Marks]]:
    scored, rows = [], []
    for plan in chunk:
        completers = [c for c in plan.candidates if c.completed]
        for pk, cand in zip(ctx.writer.ids(Score, len(completers)), completers, strict=True):
            strong = plan.featured and cand.index == ctx.orgs["demo_worker"]
            marks = _marks(rng, pk, strong=strong)
            when = at(plan.sitting_day, 17)
            rows.append((pk, plan.sitting, cand.enrollment, marks.theory, marks.practical,
                         marks.theory is None, when, when))
            scored.append((plan, cand, marks))
    ctx.writer.insert(Score, SCORE_COLUMNS, rows)
    return scored


def assess(ctx: DemoContext, rng: random.Random, chunk: list["ProjectPlan"], trail: Trail) -> None:
    """Score every completer, judge each certificate type, issue what was passed."""
    _sittings(ctx, rng, chunk, trail)
    scored = _scores(ctx, rng, chunk)
    rows, passed = [], []
    ids = iter(ctx.writer.ids(Result, 2 * len(scored)))
    public = iter(uuids(2 * len(scored)))
    for plan, cand, marks in scored:
        passes = [marks.passes(t) for t in plan.info.types]
        when = at(plan.sitting_day, 18)
        for cert_type, ok, other in zip(plan.info.types, passes, passes[::-1], strict=True):
            pk, public_id = next(ids), next(public)
            row = (pk, public_id, marks.score, cert_type.pk, ok, cert_type.theory_pass,
                   cert_type.practical_pass, not ok and other, when, when, when)
            rows.append(row)
            trail.audit(Result, pk, public_id, "result.confirm",
                        dict(zip(RESULT_FIELDS, (*row[2:8], when), strict=True)), when)
            if ok:
                passed.append((plan, cand, cert_type, pk))
        if all(passes):
            cand.dual = True
            ctx.pool.done.add((cand.index, plan.info.code))
            ctx.pool.certified[(plan.county.pk, plan.info.code)].append(cand.index)
    ctx.writer.insert(Result, RESULT_COLUMNS, rows)
    _issue(ctx, passed, trail)


def _issue(ctx: DemoContext, passed: list[tuple["ProjectPlan", "Candidate", CertificateType, int]],
           trail: Trail) -> None:
    rows = []
    ids = ctx.writer.ids(Certificate, len(passed))
    for pk, public_id, (plan, cand, cert_type, result) in zip(
            ids, uuids(len(passed)), passed, strict=True):
        values = certificate_values(ctx, plan.body, cert_type, plan.issue_day)
        values.update(id=pk, public_id=public_id, worker=cand.worker, result=result)
        rows.append(tuple(values[c] for c in CERTIFICATE_COLUMNS))
        when = at(plan.issue_day, 11)
        trail.audit(Certificate, pk, public_id, "certificate.issue",
                    {name: values[name.removesuffix("_id")] for name in CERTIFICATE_FIELDS}
                    | {"status": Certificate.Status.VALID}, when)
        if values["status"] == Certificate.Status.EXPIRED:
            expired = at(values["expires_on"] + timedelta(days=1), 0, 5)
            trail.path(Certificate, pk, ["valid", "expired"], [expired])
    ctx.writer.insert(Certificate, CERTIFICATE_COLUMNS, rows)


def certificate_values(ctx: DemoContext, body: EvaluationBody, cert_type: CertificateType,
                       issued: date) -> dict[str, Any]:
    """Number, issuer, validity and status of a certificate issued on `issued`."""
    if cert_type.is_permit:
        number, issuer = permit_number(ctx, cert_type, issued), cert_type.department.name
    else:
        number, issuer = skill_number(ctx, body, issued, cert_type.level or 5), body.name
    expires = numbers.expiry_date(issued, cert_type.validity_years)
    review = numbers.review_date(issued, cert_type.review_interval_years)
    expired = expires is not None and expires < ctx.today
    when = at(issued, 11)
    return {
        "number": number, "certificate_type": cert_type.pk, "issuer_name": issuer,
        "issued_on": issued, "expires_on": expires, "review_due": review,
        "status": Certificate.Status.EXPIRED if expired else Certificate.Status.VALID,
        "created_at": when, "updated_at": when,
    }
