from django.urls import path

from visits.views import case

app_name = "visits"

urlpatterns = [
    path("cases/<int:pk>/visits/", case.case_visits, name="case-visits"),
    # Planning: my visits, plan a visit
    # Recording at the door, attachments, warrants
]
