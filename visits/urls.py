from django.urls import path

from visits.views import case, planning
from visits.views import recording as recording_views
from visits.views import warrant as warrant_views

app_name = "visits"

urlpatterns = [
    path("cases/<int:pk>/visits/", case.case_visits, name="case-visits"),
    # Planning: my visits, plan a visit
    path("visits/", planning.my_visits, name="my-visits"),
    path("cases/<int:pk>/visits/plan/", planning.visit_plan, name="visit-plan"),
    path(
        "cases/<int:pk>/visits/<int:visit_id>/cancel/",
        planning.visit_cancel,
        name="visit-cancel",
    ),
    # Recording at the door, attachments, warrants
    path("cases/<int:pk>/visits/start/", recording_views.visit_start, name="visit-start"),
    path("visits/<int:visit_id>/", recording_views.visit_detail, name="visit-detail"),
    path(
        "cases/<int:pk>/visits/<int:visit_id>/record/",
        recording_views.visit_record,
        name="visit-record",
    ),
    path(
        "cases/<int:pk>/visits/<int:visit_id>/draft/",
        recording_views.visit_draft,
        name="visit-draft",
    ),
    path(
        "cases/<int:pk>/visits/<int:visit_id>/attachments/",
        recording_views.attachment_add,
        name="attachment-add",
    ),
    path(
        "cases/<int:pk>/visits/attachments/<int:attachment_id>/",
        recording_views.attachment,
        name="attachment",
    ),
    path("cases/<int:pk>/visits/warrant.pdf", warrant_views.warrant_pdf, name="warrant-pdf"),
]
