from django.urls import path

from dualcert.people import views

app_name = "people"

urlpatterns = [
    path("workers/", views.workers, name="workers"),
    path("workers/new/", views.worker_create, name="worker_create"),
    path("workers/<uuid:public_id>/", views.worker, name="worker"),
    path("workers/<uuid:public_id>/edit/", views.worker_edit, name="worker_edit"),
    path("me/", views.me, name="me"),
    path("me/consent/", views.me_consent, name="me_consent"),
]
