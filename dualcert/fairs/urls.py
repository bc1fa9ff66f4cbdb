from django.urls import path

from dualcert.fairs import views

app_name = "fairs"

urlpatterns = [
    path("", views.fair_list, name="fairs"),
    path("new/", views.fair_create, name="fair_create"),
    path("here/<str:token>/", views.here, name="here"),
    path("<uuid:public_id>/", views.fair_detail, name="fair"),
    path("<uuid:public_id>/booths/", views.booth_add, name="booth_add"),
    path("<uuid:public_id>/booths/<uuid:booth_id>/", views.booth_detail, name="booth"),
    path("<uuid:public_id>/booths/<uuid:booth_id>/remove/", views.booth_remove,
         name="booth_remove"),
    path("<uuid:public_id>/booths/<uuid:booth_id>/demands/add/", views.booth_demand_add,
         name="booth_demand_add"),
    path("<uuid:public_id>/booths/<uuid:booth_id>/demands/remove/", views.booth_demand_remove,
         name="booth_demand_remove"),
    path("<uuid:public_id>/booths/<uuid:booth_id>/invite/", views.booth_invite,
         name="booth_invite"),
    path("<uuid:public_id>/booths/<uuid:booth_id>/apply/", views.booth_apply,
         name="booth_apply"),
    path("<uuid:public_id>/print/", views.booth_print, name="print"),
    path("<uuid:public_id>/poster/", views.poster, name="poster"),
    path("<uuid:public_id>/poster.png", views.poster_png, name="poster_png"),
    path("<uuid:public_id>/pass.png", views.pass_png, name="pass_png"),
    path("<uuid:public_id>/desk/", views.desk, name="desk"),
    path("<uuid:public_id>/results/", views.results, name="results"),
    path("<uuid:public_id>/results.xlsx", views.results_xlsx_download, name="results_xlsx"),
    path("<uuid:public_id>/<slug:verb>/", views.fair_move, name="move"),
]
