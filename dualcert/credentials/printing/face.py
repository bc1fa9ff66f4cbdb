"""What one printed certificate shows, taken from its signed payload so print and QR agree.

The face of a certificate is a form whose wording is set by regulation (人社鉴发〔2021〕1号
for the skill-level certificate: title "职业技能等级证书", its fields, "--" for no 工种). It is
printed in Chinese whatever the language of the person printing it, exactly as the signed
payload's claims are (`signing.keys.payload_claims`); so its labels are fixed text here, not
messages to translate.
"""

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from dualcert.credentials.models import Certificate
from dualcert.credentials.printing.qr import certificate_qr, qr_png, verify_address
from dualcert.credentials.signing import payload

SKILL_TITLE = "职业技能等级证书"
SKILL_BODY = ("本证书由{issuer}颁发，表明持证人通过按照国家职业技能标准组织开展的职业技能等级认定，"
              "具备该职业（工种）相应技能等级水平。")
PERMIT_BODY = "持证人经考核合格，准予从事以下作业，特发此证。"
NO_DIRECTION = "--"
NO_EXPIRY = "长期"
REVOKED_MARK = "已撤销"
EXPIRED_MARK = "已过期"
MARK_LINES = {
    REVOKED_MARK: "本证书已撤销，不是有效证书",
    EXPIRED_MARK: "本证书已过期，不是有效证书",
}
SCAN_LINE = "扫码验证真伪"


@dataclass(frozen=True)
class Face:
    """One certificate as printed: title, body, labelled fields, issuer, QR, status mark."""

    title: str
    body: str
    fields: tuple[tuple[str, str], ...]
    issuer_label: str
    issuer: str
    issued_on: str
    qr_png: bytes
    verify_address: str
    mark: str = ""

    @property
    def mark_line(self) -> str:
        return MARK_LINES.get(self.mark, "")


def chinese_date(iso: str) -> str:
    """2026-06-10 → 2026年6月10日 (as certificates print dates); "" stays ""."""
    if not iso:
        return ""
    day = date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def status_mark(certificate: Certificate, today: date | None = None) -> str:
    """已撤销 / 已过期 for a certificate that is not valid (also one past its date not yet
    marked expired), so a printout of it cannot pass for a valid one; "" when valid."""
    today = today or timezone.localdate()
    if certificate.status == Certificate.Status.REVOKED:
        return REVOKED_MARK
    expired = certificate.expires_on is not None and certificate.expires_on < today
    if certificate.status == Certificate.Status.EXPIRED or expired:
        return EXPIRED_MARK
    return ""


def _holder_fields(claims: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return (("姓名", claims.get("h", "")), ("证件类型", claims.get("idt", "")),
            ("证件号码", claims.get("id", "")))


class Wording(NamedTuple):
    """The parts of the face that differ between a skill-level certificate and a permit."""

    title: str
    body: str
    fields: tuple[tuple[str, str], ...]
    issuer_label: str


def _skill(claims: dict[str, str]) -> Wording:
    return Wording(
        title=SKILL_TITLE,
        body=SKILL_BODY.format(issuer=claims.get("ib", "")),
        fields=(*_holder_fields(claims),
                ("职业名称", claims.get("o", "")),
                ("工种/职业方向", claims.get("p") or NO_DIRECTION),
                ("职业技能等级", claims.get("l", "")),
                ("证书编号", claims.get("n", "")),
                ("发证日期", chinese_date(claims.get("d", "")))),
        issuer_label="评价机构",
    )


def _permit(claims: dict[str, str], certificate: Certificate) -> Wording:
    certificate_type = certificate.certificate_type
    review = certificate.review_due
    fields = [*_holder_fields(claims),
              ("证书名称", claims.get("tn", "")),
              ("类别/项目", claims.get("p") or NO_DIRECTION),
              ("证书编号", claims.get("n", "")),
              ("发证日期", chinese_date(claims.get("d", ""))),
              ("有效期至", chinese_date(claims.get("x", "")) or NO_EXPIRY)]
    if review is not None:
        fields.append(("应复审日期", chinese_date(review.isoformat())))
    return Wording(title=certificate_type.credential or claims.get("tn", ""), body=PERMIT_BODY,
                   fields=tuple(fields), issuer_label="发证机关")


def face_for(certificate: Certificate, *, today: date | None = None) -> Face:
    """The printed face of a signed certificate (ValidationError when it has no payload)."""
    code = certificate_qr(certificate)
    try:
        signed = payload.decode(certificate.signed_payload).certificate
    except payload.Unreadable as exc:
        raise ValidationError(
            _("The signed QR code stored for certificate %(number)s cannot be read, so it "
              "cannot be printed. Tell the administrator; the certificate must be signed "
              "again.") % {"number": certificate.number}, code="unreadable_payload",
        ) from exc
    claims = {str(k): str(v) for k, v in signed.items()}
    wording = _skill(claims) if claims.get("k") == "skill" else _permit(claims, certificate)
    return Face(
        title=wording.title, body=wording.body, fields=wording.fields,
        issuer_label=wording.issuer_label, issuer=claims.get("ib", ""),
        issued_on=chinese_date(claims.get("d", "")), qr_png=qr_png(code, scale=6),
        verify_address=verify_address(), mark=status_mark(certificate, today),
    )
