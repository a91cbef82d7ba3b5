from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cases import api as cases_api
from rsom import views

api_v1 = (
    [
        path("nominals/", cases_api.NominalListCreate.as_view(), name="nominal-list"),
        path("nominals/<int:pk>/", cases_api.NominalDetail.as_view(), name="nominal-detail"),
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
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "RSOM administration"
admin.site.site_title = "RSOM administration"
admin.site.index_title = "Users, teams and force settings"
