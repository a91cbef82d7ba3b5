from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cases import api as cases_api
from dashboards import api as dashboards_api
from mappa import api as mappa_api
from notifications import api as register_api
from notifications import api_orders as orders_api
from notifications import api_reviews as reviews_api
from risk.api import arms as risk_arms_api
from risk.api import levels as risk_levels_api
from risk.api import notes as risk_notes_api
from rsom import views
from visits.api import attachments as visit_records_api
from visits.api import visits as visits_api

api_v1 = (
    [
        path("nominals/", cases_api.NominalListCreate.as_view(), name="nominal-list"),
        path("nominals/<int:pk>/", cases_api.NominalDetail.as_view(), name="nominal-detail"),
        # The register
        path(
            "nominals/<int:pk>/convictions/",
            register_api.ConvictionListCreate.as_view(),
            name="conviction-list",
        ),
        path(
            "convictions/<int:conviction_id>/",
            register_api.ConvictionDetail.as_view(),
            name="conviction-detail",
        ),
        path(
            "nominals/<int:pk>/notifications/",
            register_api.NotificationListCreate.as_view(),
            name="notification-list",
        ),
        path(
            "notifications/<int:notification_id>/",
            register_api.NotificationDetail.as_view(),
            name="notification-detail",
        ),
        path("nominals/<int:pk>/clock/", register_api.NominalClock.as_view(), name="nominal-clock"),
        # Indefinite reviews
        path("reviews/", reviews_api.ReviewQueue.as_view(), name="review-queue"),
        path(
            "nominals/<int:pk>/reviews/",
            reviews_api.NominalReviews.as_view(),
            name="nominal-reviews",
        ),
        # Civil orders and breaches
        path(
            "nominals/<int:pk>/orders/",
            orders_api.OrderListCreate.as_view(),
            name="order-list",
        ),
        path("orders/reviews/", orders_api.OrderReviews.as_view(), name="order-reviews"),
        path("orders/<int:order_id>/", orders_api.OrderDetail.as_view(), name="order-detail"),
        path(
            "nominals/<int:pk>/breaches/",
            orders_api.BreachListCreate.as_view(),
            name="breach-list",
        ),
        # RM2000 and risk levels
        path(
            "nominals/<int:pk>/rm2000/",
            risk_levels_api.Rm2000ListCreate.as_view(),
            name="rm2000-list",
        ),
        path(
            "rm2000/<int:scoring_id>/",
            risk_levels_api.Rm2000Detail.as_view(),
            name="rm2000-detail",
        ),
        path(
            "nominals/<int:pk>/risk-levels/",
            risk_levels_api.RiskLevelListCreate.as_view(),
            name="risk-level-list",
        ),
        # ARMS and plans
        path("nominals/<int:pk>/arms/", risk_arms_api.ArmsListCreate.as_view(), name="arms-list"),
        path("arms/<int:arms_id>/", risk_arms_api.ArmsDetail.as_view(), name="arms-detail"),
        path("arms/<int:arms_id>/submit/", risk_arms_api.ArmsSubmit.as_view(), name="arms-submit"),
        path(
            "arms/<int:arms_id>/sign-off/",
            risk_arms_api.ArmsSignOff.as_view(),
            name="arms-sign-off",
        ),
        path("arms/<int:arms_id>/return/", risk_arms_api.ArmsReturn.as_view(), name="arms-return"),
        path("nominals/<int:pk>/plans/", risk_arms_api.PlanListCreate.as_view(), name="plan-list"),
        # Notes and reactive management
        path("nominals/<int:pk>/notes/", risk_notes_api.NoteList.as_view(), name="note-list"),
        path("reactive/", risk_notes_api.ReactiveQueue.as_view(), name="reactive-queue"),
        path(
            "nominals/<int:pk>/reactive/propose/",
            risk_notes_api.ReactivePropose.as_view(),
            name="reactive-propose",
        ),
        path(
            "nominals/<int:pk>/reactive/decide/",
            risk_notes_api.ReactiveDecide.as_view(),
            name="reactive-decide",
        ),
        # Visits
        path(
            "nominals/<int:pk>/visits/",
            visits_api.VisitListCreate.as_view(),
            name="visit-list",
        ),
        path("visits/due/", visits_api.VisitsDue.as_view(), name="visits-due"),
        path("visits/<int:visit_id>/", visits_api.VisitDetail.as_view(), name="visit-detail"),
        # Visit records and attachments
        path(
            "visits/<int:visit_id>/record/",
            visit_records_api.VisitRecord.as_view(),
            name="visit-record",
        ),
        path(
            "nominals/<int:pk>/visits/record/",
            visit_records_api.NominalVisitRecord.as_view(),
            name="nominal-visit-record",
        ),
        path(
            "visits/<int:visit_id>/attachments/",
            visit_records_api.VisitAttachmentListCreate.as_view(),
            name="visit-attachments",
        ),
        path(
            "visits/<int:visit_id>/attachments/<int:attachment_id>/",
            visit_records_api.VisitAttachmentFile.as_view(),
            name="visit-attachment",
        ),
        # MAPPA
        path(
            "nominals/<int:pk>/mappa-levels/",
            mappa_api.MappaLevelListCreate.as_view(),
            name="mappa-level-list",
        ),
        path("meetings/", mappa_api.MeetingListCreate.as_view(), name="meeting-list"),
        path(
            "meetings/<int:meeting_id>/",
            mappa_api.MeetingDetail.as_view(),
            name="meeting-detail",
        ),
        path("mappa/actions/", mappa_api.MappaActions.as_view(), name="mappa-actions"),
        # Team dashboard
        path("teams/dashboard/", dashboards_api.TeamDashboard.as_view(), name="team-dashboard"),
    ],
    "api",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sign-in/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("cases.urls")),
    path("", include("notifications.urls")),
    path("", include("risk.urls")),
    path("", include("visits.urls")),
    path("", include("mappa.urls")),
    path("", include("dashboards.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "RSOM administration"
admin.site.site_title = "RSOM administration"
admin.site.index_title = "Users, teams and force settings"
