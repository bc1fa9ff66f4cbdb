from django.urls import path

from dualcert.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("projects/<uuid:public_id>/funnel/", views.funnel, name="funnel"),
    path("exports/", views.exports, name="exports"),
    path("exports/<slug:kind>/start/", views.export_start, name="export_start"),
    path("exports/<uuid:public_id>/", views.export_job, name="export_job"),
    path("exports/<uuid:public_id>/download/", views.export_download, name="export_download"),
]
