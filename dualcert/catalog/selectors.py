"""Scoped reads of the reference catalogue (every signed-in role reads it)."""

from collections.abc import Collection
from typing import Any, cast
from uuid import UUID

from django.db.models import Q, QuerySet

from dualcert.catalog.models import (
    CertificateType,
    FactStatus,
    Occupation,
    Pathway,
    ReferenceModel,
    Region,
    TargetGroup,
)
from dualcert.core.scoping import ScopedQuerySet, get_for

_CERTIFICATE_RELATIONS = ("department", "occupation")


def pathway_visible_to(user: Any) -> QuerySet[Pathway]:
    """Pathways with both certificate types, their departments and requirement items loaded."""
    related = [f"{cert}__{rel}" for cert in ("skill_certificate", "permit")
               for rel in _CERTIFICATE_RELATIONS]
    return (
        Pathway.objects.visible_to(user)
        .select_related(*related)
        .prefetch_related("skill_certificate__requirement_items", "permit__requirement_items")
    )


def pathway_get_for(user: Any, public_id: UUID | str) -> Pathway:
    """One pathway by public id (404 when not visible)."""
    return get_for(cast(ScopedQuerySet, pathway_visible_to(user)), user, public_id)


def pathways_needing_review(queryset: QuerySet[Pathway]) -> QuerySet[Pathway]:
    """Pathways where the pathway, either certificate or any requirement item is not confirmed."""
    unsure = [FactStatus.PARTIAL, FactStatus.UNCONFIRMED]
    q = Q()
    for prefix in ("", "skill_certificate__", "permit__", "skill_certificate__requirement_items__",
                   "permit__requirement_items__"):
        q |= Q(**{f"{prefix}fact_status__in": unsure})
    return queryset.filter(pk__in=Pathway.objects.filter(q).values("pk"))


def county_visible_to(user: Any) -> QuerySet[Region]:
    """County-level units (current codes) for choice lists."""
    return Region.objects.visible_to(user).filter(level=Region.Level.COUNTY, retired=False)


def township_visible_to(user: Any) -> QuerySet[Region]:
    """Townships, for the optional township of a worker's address."""
    return Region.objects.visible_to(user).filter(level=Region.Level.TOWNSHIP).select_related(
        "parent"
    )


def occupation_visible_to(user: Any) -> QuerySet[Occupation]:
    """Occupations of the national classification, for choice lists."""
    return Occupation.objects.visible_to(user)


def certificate_type_visible_to(user: Any) -> QuerySet[CertificateType]:
    """Certificate types with their issuing department."""
    return CertificateType.objects.visible_to(user).select_related("department")


def certificate_types_by_code(
    user: Any, codes: Collection[str]
) -> tuple[list[CertificateType], list[str]]:
    """The certificate types named by `codes`, and the codes that name none."""
    found = {c.code: c for c in certificate_type_visible_to(user).filter(code__in=set(codes))}
    missing = sorted(set(codes) - set(found))
    return [found[c] for c in codes if c in found], missing


def reference_stored(obj: ReferenceModel) -> ReferenceModel | None:
    """The row of obj as it is stored now (before an edit in memory is saved), or None."""
    if obj.pk is None:
        return None
    return type(obj).objects.filter(pk=obj.pk).first()


def target_group_visible_to(user: Any) -> QuerySet[TargetGroup]:
    """Priority groups of workers, for choice lists."""
    return TargetGroup.objects.visible_to(user)
