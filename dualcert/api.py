"""The JSON API: one router per stage, session-authenticated with CSRF, OpenAPI at /api/docs."""

from django.urls import path
from ninja import NinjaAPI
from ninja.security import django_auth

from dualcert.assessment.api import router as assessment
from dualcert.catalog.api import router as catalog
from dualcert.credentials.api import router as credentials
from dualcert.demand.api import router as demand
from dualcert.employment.api import router as employment
from dualcert.insights.api import router as insights
from dualcert.people.api import router as people
from dualcert.training.api import router as training

api = NinjaAPI(title="dualcert", version="1", auth=django_auth, urls_namespace="api")
for prefix, router in [
    ("catalog", catalog), ("people", people), ("demand", demand), ("training", training),
    ("assessment", assessment), ("credentials", credentials), ("employment", employment),
    ("insights", insights),
]:
    api.add_router(f"/{prefix}/", router)

urlpatterns = [path("", api.urls)]
