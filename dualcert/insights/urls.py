from django.urls import path

from dualcert.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("projects/<uuid:public_id>/funnel/", views.funnel, name="funnel"),
]
