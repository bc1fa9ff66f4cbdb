from django.urls import path

from dualcert.catalog import views

app_name = "catalog"

urlpatterns = [
    path("pathways/", views.pathways, name="pathways"),
    path("pathways/<uuid:public_id>/", views.pathway, name="pathway"),
]
