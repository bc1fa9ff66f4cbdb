from django.urls import path

from dualcert.credentials import print_views, views

app_name = "credentials"

urlpatterns = [
    path("certificates/", views.certificates, name="certificates"),
    path("certificates/<uuid:public_id>/", views.certificate_detail, name="certificate"),
    path("certificates/<uuid:public_id>/revoke/", views.certificate_revoke,
         name="certificate_revoke"),
    path("sittings/<uuid:public_id>/issue/", views.sitting_issue, name="sitting_issue"),
    path("lookup/", views.lookup, name="lookup"),
    path("certificates/<uuid:public_id>/pdf/", print_views.certificate_pdf,
         name="certificate_pdf"),
    path("certificates/<uuid:public_id>/qr.png", print_views.certificate_qr,
         name="certificate_qr"),
    path("certificates/<uuid:public_id>/dual/", print_views.dual_sheet_pdf,
         name="certificate_dual_pdf"),
    path("projects/<uuid:public_id>/prints/", print_views.project_prints, name="project_prints"),
    path("projects/<uuid:public_id>/prints/start/", print_views.project_print_start,
         name="project_print_start"),
    path("prints/<uuid:public_id>/", print_views.print_job, name="print_job"),
    path("prints/<uuid:public_id>/download/", print_views.print_job_download,
         name="print_job_download"),
    path("wallet/", print_views.wallet, name="wallet"),
    path("wallet/<uuid:public_id>/qr/", print_views.wallet_qr, name="wallet_qr"),
]
