from django.urls import path

from dualcert.employment import views

app_name = "employment"

urlpatterns = [
    path("jobs/", views.my_jobs, name="my_jobs"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/<uuid:public_id>/", views.referral_detail, name="referral"),
    path("referrals/<uuid:public_id>/hire/", views.referral_hire, name="hire"),
    path("referrals/<uuid:public_id>/<slug:verb>/", views.referral_move, name="move"),
    path("referrals/<uuid:public_id>/certificates/<uuid:certificate_id>/verify/",
         views.verify_referral_certificate, name="verify_referral_certificate"),
    path("followups/", views.followup_list, name="followups"),
    path("followups/<uuid:public_id>/", views.followup_detail, name="followup"),
    path("followups/<uuid:public_id>/unreachable/", views.followup_unreachable,
         name="followup_unreachable"),
    path("demands/<uuid:demand_id>/candidates/", views.candidates, name="candidates"),
    path("demands/<uuid:demand_id>/recommend/", views.recommend, name="recommend"),
    path("demands/<uuid:demand_id>/apply/", views.apply, name="apply"),
    path("demands/<uuid:demand_id>/certificates/<uuid:certificate_id>/verify/",
         views.verify_candidate_certificate, name="verify_candidate_certificate"),
]
