from django.urls import path

from risk.views import arms as arms_views
from risk.views import notes as notes_views
from risk.views import overview
from risk.views import plans as plan_views
from risk.views import reactive as reactive_views
from risk.views import scoring as scoring_views

app_name = "risk"

urlpatterns = [
    path("cases/<int:pk>/risk/", overview.risk_overview, name="overview"),
    # RM2000 and the risk level
    path("cases/<int:pk>/risk/rm2000/", scoring_views.rm2000_list, name="rm2000-list"),
    path("cases/<int:pk>/risk/rm2000/score/", scoring_views.rm2000_add, name="rm2000-add"),
    path(
        "cases/<int:pk>/risk/rm2000/<int:scoring_id>/",
        scoring_views.rm2000_detail,
        name="rm2000-detail",
    ),
    path("cases/<int:pk>/risk/level/", scoring_views.level_set, name="level-set"),
    path("cases/<int:pk>/risk/level/history/", scoring_views.level_list, name="level-list"),
    # ARMS and the risk management plan
    path("cases/<int:pk>/risk/arms/", arms_views.arms_list, name="arms-list"),
    path("cases/<int:pk>/risk/arms/start/", arms_views.arms_start, name="arms-start"),
    path("cases/<int:pk>/risk/arms/<int:arms_id>/", arms_views.arms_detail, name="arms-detail"),
    path("cases/<int:pk>/risk/arms/<int:arms_id>/edit/", arms_views.arms_edit, name="arms-edit"),
    path(
        "cases/<int:pk>/risk/arms/<int:arms_id>/sign-off/",
        arms_views.arms_decide,
        name="arms-decide",
    ),
    path("cases/<int:pk>/risk/plan/", plan_views.plan_detail, name="plan-detail"),
    path("cases/<int:pk>/risk/plan/review/", plan_views.plan_review, name="plan-review"),
    path(
        "cases/<int:pk>/risk/plan/versions/<int:version>/",
        plan_views.plan_version,
        name="plan-version",
    ),
    path(
        "cases/<int:pk>/risk/plan/actions/<int:action_id>/status/",
        plan_views.plan_action_status,
        name="plan-action-status",
    ),
    # Intelligence, case notes and reactive management
    path("cases/<int:pk>/risk/notes/", notes_views.note_list, name="note-list"),
    path("cases/<int:pk>/risk/notes/add/", notes_views.note_add, name="note-add"),
    path("reactive/", reactive_views.reactive_queue, name="reactive-queue"),
    path(
        "cases/<int:pk>/risk/reactive/propose/",
        reactive_views.reactive_propose,
        name="reactive-propose",
    ),
    path(
        "cases/<int:pk>/risk/reactive/decide/",
        reactive_views.reactive_decide,
        name="reactive-decide",
    ),
]
