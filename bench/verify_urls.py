"""URLconf of the bench server: every project URL, plus the smallest Django JSON view.

The minimal view is the yardstick for the verification API's requests/s: the same request
(POST, JSON body, bearer header), the same middleware, but no work at all. It comes after
the project's URLs, as the API does (api/ is the project's last prefix), so both requests
pay the same URL resolution.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt  # as the API's views are: django-ninja checks CSRF itself, for session callers
@require_POST
def minimal(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [
    path("", include("dualcert.urls")),
    path("bench/minimal", minimal),
]
