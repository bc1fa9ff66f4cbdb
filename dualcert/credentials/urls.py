from django.urls import path

from dualcert.credentials import views

app_name = "credentials"

urlpatterns = [
    path("certificates/", views.certificates, name="certificates"),
    path("certificates/<uuid:public_id>/", views.certificate_detail, name="certificate"),
    path("certificates/<uuid:public_id>/revoke/", views.certificate_revoke,
         name="certificate_revoke"),
    path("sittings/<uuid:public_id>/issue/", views.sitting_issue, name="sitting_issue"),
    path("lookup/", views.lookup, name="lookup"),
]
