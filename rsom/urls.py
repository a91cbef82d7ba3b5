from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cases import api as cases_api
from notifications import api as register_api
from notifications import api_reviews as reviews_api
from rsom import views

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
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "RSOM administration"
admin.site.site_title = "RSOM administration"
admin.site.index_title = "Users, teams and force settings"
