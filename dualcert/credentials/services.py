"""Writes of the credentials stage: issue both certificates together, revoke, expire."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dualcert.assessment.models import Result, Score, Sitting
from dualcert.catalog.models import CertificateType
from dualcert.core.audit import audit_record, snapshot
from dualcert.core.workflow import transition
from dualcert.credentials import numbers
from dualcert.credentials.models import Certificate, Revocation
from dualcert.credentials.permissions import require_issue, require_revoke
from dualcert.credentials.signing.keys import certificate_sign
from dualcert.credentials.signing.lists import revocations_publish

CERTIFICATE_FIELDS = (
    "number", "certificate_type_id", "worker_id", "result_id", "issuer_name", "issued_on",
    "expires_on", "review_due", "status",
)


@dataclass(frozen=True)
class IssueSummary:
    """What one issuance run did, and where the sitting's candidates stand."""

    issued: int = 0
    skipped: int = 0
    dual_certified: int = 0
    single_certified: int = 0
    retakes: int = 0
    not_certified: int = 0


def _number_for(certificate_type: CertificateType, sitting: Sitting, issued_on: date) -> str:
    if certificate_type.is_permit:
        return numbers.permit_number(certificate_type, issued_on)
    number = numbers.skill_number(sitting.evaluation_body, certificate_type.level or 0, issued_on)
    if not numbers.looks_like_skill_number(number):
        raise ValidationError(
            _("The evaluation body “%(body)s” has a body code or site sequence that is not all "
              "digits, so a skill-level certificate number cannot be formed. Correct the "
              "evaluation body first.") % {"body": sitting.evaluation_body.name},
            code="bad_body_codes",
        )
    return number


def _issuer_name(certificate_type: CertificateType, sitting: Sitting) -> str:
    # The evaluation body prints and issues the skill-level certificate (FACTS.md §3);
    # a permit is issued by its department.
    if certificate_type.is_permit:
        return certificate_type.department.name
    return sitting.evaluation_body.name


def _issue_one(actor: Any, sitting: Sitting, result: Result, issued_on: date) -> Certificate:
    certificate_type = result.certificate_type
    certificate = Certificate.objects.create(
        number=_number_for(certificate_type, sitting, issued_on),
        certificate_type=certificate_type,
        worker=result.score.enrollment.worker,
        result=result,
        issuer_name=_issuer_name(certificate_type, sitting),
        issued_on=issued_on,
        expires_on=numbers.expiry_date(issued_on, certificate_type.validity_years),
        review_due=numbers.review_date(issued_on, certificate_type.review_interval_years),
    )
    certificate_sign(actor=actor, certificate=certificate)
    audit_record(actor=actor, action="certificate.issue", obj=certificate,
                 after={**snapshot(certificate, CERTIFICATE_FIELDS),
                        "signing_key": certificate.signing_key.kid if certificate.signing_key
                        else ""})
    return certificate


def _offer_retake(actor: Any, result: Result) -> None:
    if result.retake:
        return
    Result.objects.filter(pk=result.pk).update(retake=True, updated_at=timezone.now())
    audit_record(actor=actor, action="result.retake", obj=result,
                 before={"retake": False}, after={"retake": True})
    result.retake = True


def _scores_with_results(sitting: Sitting) -> list[Score]:
    return list(
        Score.objects.filter(sitting=sitting)
        .select_related("enrollment__worker")
        .prefetch_related("results__certificate_type__department", "results__certificate")
        .order_by("id")
    )


@transaction.atomic
def certificates_issue(*, actor: Any, sitting: Sitting) -> IssueSummary:
    """Issue every certificate a confirmed sitting earned, both at once where both passed.

    One passed and one failed: the passed one is issued and a retake is offered on the other.
    Running it again issues nothing new (the already issued ones are counted as skipped).
    """
    require_issue(actor, sitting)
    # The lock makes two officers clicking at once issue each certificate once.
    locked = Sitting.objects.select_for_update().get(pk=sitting.pk)
    if locked.status != Sitting.Status.CONFIRMED:
        raise ValidationError(
            _("Certificates can be issued only after the results are confirmed (the sitting "
              "is “%(status)s”).") % {"status": locked.get_status_display()},
            code="not_confirmed",
        )
    issued_on = timezone.localdate()
    counts = dict.fromkeys(("issued", "skipped", "dual", "single", "retakes", "none"), 0)
    for score in _scores_with_results(sitting):
        results = list(score.results.all())
        passed = [r for r in results if r.passed]
        for result in passed:
            if getattr(result, "certificate", None) is not None:
                counts["skipped"] += 1
            else:
                _issue_one(actor, sitting, result, issued_on)
                counts["issued"] += 1
        if passed and len(passed) < len(results):
            for result in results:
                if not result.passed:
                    _offer_retake(actor, result)
                    counts["retakes"] += 1
        key = "none" if not passed else "dual" if len(passed) == len(results) else "single"
        counts[key] += 1
    return IssueSummary(
        issued=counts["issued"], skipped=counts["skipped"], dual_certified=counts["dual"],
        single_certified=counts["single"], retakes=counts["retakes"],
        not_certified=counts["none"],
    )


@transaction.atomic
def certificate_revoke(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a valid certificate, with the reason kept (bureau admin or its department)."""
    require_revoke(actor, certificate)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason for revoking the certificate; it is kept on record.")},
            code="reason_required",
        )
    before = snapshot(certificate, CERTIFICATE_FIELDS)
    transition(certificate, to=Certificate.Status.REVOKED, actor=actor,
               allowed=Certificate.TRANSITIONS, reason=reason)
    user = actor if getattr(actor, "is_authenticated", False) else None
    Revocation.objects.create(certificate=certificate, reason=reason, revoked_by=user)
    revocations_publish()
    audit_record(actor=actor, action="certificate.revoke", obj=certificate, before=before,
                 after={**snapshot(certificate, CERTIFICATE_FIELDS), "reason": reason})
    return certificate


@transaction.atomic
def certificates_expire(*, today: date) -> int:
    """Mark valid certificates whose last valid day is before `today` as expired.

    Each certificate moves on its own savepoint, so one changed meanwhile (say, revoked)
    is skipped without undoing the others. Returns how many expired.
    """
    due = Certificate.objects.filter(status=Certificate.Status.VALID, expires_on__lt=today)
    expired = 0
    for certificate in due.order_by("id"):
        before = snapshot(certificate, CERTIFICATE_FIELDS)
        try:
            with transaction.atomic():
                transition(certificate, to=Certificate.Status.EXPIRED, actor=None,
                           allowed=Certificate.TRANSITIONS,
                           reason=_("Passed its expiry date."))
                audit_record(actor=None, action="certificate.expire", obj=certificate,
                             before=before, after=snapshot(certificate, CERTIFICATE_FIELDS))
        except ValidationError:
            continue
        expired += 1
    return expired
