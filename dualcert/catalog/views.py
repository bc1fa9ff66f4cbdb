"""Catalogue pages: every signed-in role reads the pathways and their facts."""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dualcert.catalog.selectors import (
    pathway_get_for,
    pathway_visible_to,
    pathways_needing_review,
)
from dualcert.core.scoping import scope_for

PAGE_SIZE = 50


@login_required
def pathways(request: HttpRequest) -> HttpResponse:
    """Every pathway with both certificates' facts; `?review=1` keeps those with unsure facts."""
    if scope_for(request.user).role is None:
        raise PermissionDenied
    queryset = pathway_visible_to(request.user)
    review = request.GET.get("review") == "1"
    if review:
        queryset = pathways_needing_review(queryset)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/pathways.html", {
        "page": page, "review": review, "query": "review=1" if review else "",
    })


@login_required
def pathway(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One pathway: both certificate types, their requirement items and hours, sources."""
    obj = pathway_get_for(request.user, public_id)
    return render(request, "catalog/pathway.html", {"pathway": obj})
