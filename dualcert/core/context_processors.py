from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from dualcert.core.navigation import NAV
from dualcert.core.scoping import scope_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's role, and the links of its navigation bar."""
    scope = scope_for(getattr(request, "user", None))
    items = []
    for label, name in NAV.get(scope.role or "", []):
        try:
            url = reverse(name)
        except NoReverseMatch:  # a stage whose pages are not installed in this build
            continue
        items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    return {"nav_items": items, "scope": scope}
