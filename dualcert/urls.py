from django.contrib import admin
from django.urls import include, path

from dualcert.credentials import public

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("dualcert.core.urls")),
    path("catalog/", include("dualcert.catalog.urls")),
    path("people/", include("dualcert.people.urls")),
    path("demand/", include("dualcert.demand.urls")),
    path("training/", include("dualcert.training.urls")),
    path("assessment/", include("dualcert.assessment.urls")),
    path("credentials/", include("dualcert.credentials.urls")),
    path("employment/", include("dualcert.employment.urls")),
    path("fairs/", include("dualcert.fairs.urls")),
    path("insights/", include("dualcert.insights.urls")),
    path("imports/", include("dualcert.imports.urls", namespace="imports")),
    path("api/", include("dualcert.api")),
    # Public, no login: the published lists and the offline verification page.
    path(".well-known/dualcert/trust-list.json", public.trust_list, name="trust_list"),
    path(".well-known/dualcert/revocations.json", public.revocations, name="revocations_list"),
    path("v/", public.verify_page, name="verify_page"),
    path("v/sw.js", public.service_worker, name="verify_sw"),
]
