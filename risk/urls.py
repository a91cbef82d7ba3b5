from django.urls import path

from risk.views import overview

app_name = "risk"

urlpatterns = [
    path("cases/<int:pk>/risk/", overview.risk_overview, name="overview"),
    # RM2000 and the risk level
    # ARMS and the risk management plan
    # Intelligence, case notes and reactive management
]
