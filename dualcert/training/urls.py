from django.urls import path

from dualcert.training import views

app_name = "training"

urlpatterns = [
    path("", views.projects, name="projects"),
    path("new/", views.project_create, name="project_create"),
    path("projects/<uuid:public_id>/", views.project, name="project"),
    path("projects/<uuid:public_id>/moves/<slug:name>/", views.project_move, name="project_move"),
    path("projects/<uuid:public_id>/modules/", views.module_add, name="module_add"),
    path("projects/<uuid:public_id>/sessions/", views.session_add, name="session_add"),
    path("projects/<uuid:public_id>/apply/", views.enrollment_apply, name="enrollment_apply"),
    path("projects/<uuid:public_id>/apply-self/", views.enrollment_apply_self,
         name="enrollment_apply_self"),
    path("projects/<uuid:public_id>/admit-all/", views.enrollment_admit_all,
         name="enrollment_admit_all"),
    path("modules/<uuid:public_id>/", views.module_edit, name="module"),
    path("modules/<uuid:public_id>/remove/", views.module_remove, name="module_remove"),
    path("enrollments/<uuid:public_id>/admit/", views.enrollment_admit, name="enrollment_admit"),
    path("enrollments/<uuid:public_id>/drop/", views.enrollment_drop, name="enrollment_drop"),
    path("sessions/<uuid:public_id>/attendance/", views.attendance, name="attendance"),
]
