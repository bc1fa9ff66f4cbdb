from django.urls import path

from dualcert.assessment import views

app_name = "assessment"

urlpatterns = [
    path("sittings/", views.sittings, name="sittings"),
    path("projects/<uuid:project_id>/sitting/new/", views.sitting_create, name="sitting_create"),
    path("sittings/<uuid:public_id>/", views.sitting_detail, name="sitting"),
    path("sittings/<uuid:public_id>/scores/", views.sitting_scores, name="sitting_scores"),
    path("sittings/<uuid:public_id>/submit/", views.sitting_submit, name="sitting_submit"),
    path("sittings/<uuid:public_id>/reopen/", views.sitting_reopen, name="sitting_reopen"),
    path("sittings/<uuid:public_id>/confirm/", views.sitting_confirm, name="sitting_confirm"),
]
