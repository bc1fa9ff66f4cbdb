from django.urls import path

from dualcert.demand import views

app_name = "demand"

urlpatterns = [
    path("demands/", views.demands, name="demands"),
    path("demands/new/", views.demand_create_view, name="demand_create"),
    path("demands/<uuid:public_id>/", views.demand, name="demand"),
    path("demands/<uuid:public_id>/edit/", views.demand_edit, name="demand_edit"),
    path("demands/<uuid:public_id>/close/", views.demand_close_view, name="demand_close"),
]
