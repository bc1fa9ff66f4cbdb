"""The one scoping mechanism: every scoped read starts from `Model.objects.visible_to(user)`.

A user's Scope comes from their role membership. Each model's QuerySet says, once, which of
its rows a scope may see (`scope_q`) and which it may change (`write=True`). Selectors and
views never filter by role by hand.
"""

from dataclasses import dataclass
from typing import Any, Self
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUREAU = "bureau", _("bureau admin")
    COUNTY = "county", _("county officer")
    DEPARTMENT = "department", _("department officer")
    INSTITUTION = "institution", _("institution staff")
    EVALUATOR = "evaluator", _("evaluator")
    EMPLOYER = "employer", _("employer")
    WORKER = "worker", _("worker")


@dataclass(frozen=True)
class Scope:
    """What a signed-in user's membership names; role None sees nothing.

    Ids a membership does not name are 0, which matches no row.
    """

    role: str | None = None
    user_id: int = 0
    region_id: int = 0
    department_id: int = 0
    institution_id: int = 0
    evaluation_body_id: int = 0
    employer_id: int = 0
    worker_id: int = 0

    @property
    def is_bureau(self) -> bool:
        return self.role == Role.BUREAU

    def has(self, *roles: str) -> bool:
        return self.role in roles


NOTHING = Q(pk__in=[])
EVERYTHING = Q()


def scope_for(user: Any) -> Scope:
    """The scope of a user, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope()
    cached = getattr(user, "_dualcert_scope", None)
    if cached is not None:
        return cached
    membership = getattr(user, "membership", None)
    if membership is None:
        scope = Scope(role=Role.BUREAU, user_id=user.pk) if user.is_superuser else Scope()
    else:
        scope = Scope(
            role=membership.role,
            user_id=user.pk,
            region_id=membership.region_id or 0,
            department_id=membership.department_id or 0,
            institution_id=membership.institution_id or 0,
            evaluation_body_id=membership.evaluation_body_id or 0,
            employer_id=membership.employer_id or 0,
            worker_id=membership.worker_id or 0,
        )
    user._dualcert_scope = scope
    return scope


def prefixed(q: Q, prefix: str) -> Q:
    """Re-root a Q of plain lookups so it applies through a relation (`project__`)."""
    if not prefix:
        return q
    clone = Q(_connector=q.connector, _negated=q.negated)
    for child in q.children:
        if isinstance(child, Q):
            clone.children.append(prefixed(child, prefix))
        else:
            key, value = child  # type: ignore[misc]  # plain lookups only (see scope_through)
            clone.children.append((f"{prefix}{key}", value))
    return clone


def _plain_lookups(q: Q) -> bool:
    return all(
        _plain_lookups(c) if isinstance(c, Q) else isinstance(c, tuple) for c in q.children
    )


def scope_through(model: type[models.Model], scope: Scope, *, write: bool, path: str) -> Q:
    """The scope of `model` applied through the relation `path` (e.g. "project__").

    Plain lookups become joins; rules with subqueries (Exists) become `path__in` subqueries.
    """
    manager: Any = model._default_manager
    q = manager.all().scope_q(scope, write=write)
    if not q.children:
        return q
    if _plain_lookups(q):
        return prefixed(q, path)
    return Q(**{f"{path.removesuffix('__')}__in": manager.filter(q).values("pk")})


class ScopedQuerySet(models.QuerySet):  # type: ignore[type-arg]
    """Base QuerySet; subclasses override `scope_q`. The default shows nothing."""

    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        return NOTHING

    def visible_to(self, user: Any) -> Self:
        scope = scope_for(user)
        if scope.role is None:
            return self.none()
        return self.filter(self.scope_q(scope, write=False))

    def writable_by(self, user: Any) -> Self:
        scope = scope_for(user)
        if scope.role is None:
            return self.none()
        return self.filter(self.scope_q(scope, write=True))


def get_for(
    queryset: ScopedQuerySet, user: Any, public_id: UUID | str, *, write: bool = False
) -> Any:
    """One object by its public id: not visible → 404; visible but not writable → 403."""
    try:
        obj = queryset.visible_to(user).get(public_id=public_id)
    except (queryset.model.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404(str(queryset.model._meta.verbose_name)) from exc
    if write and not queryset.model.objects.writable_by(user).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj
