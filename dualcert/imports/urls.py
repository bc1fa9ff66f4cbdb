from django.urls import path

from dualcert.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<uuid:public_id>/", views.batch_page, name="batch"),
    path("<uuid:public_id>/errors.xlsx", views.batch_errors, name="batch_errors"),
    path("<uuid:public_id>/give-up/", views.batch_give_up, name="batch_give_up"),
]
