from django.contrib import admin
from django.urls import include, path

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
    path("insights/", include("dualcert.insights.urls")),
    path("api/", include("dualcert.api")),
]
