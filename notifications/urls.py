from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("front-desk/", views.frontdesk_search, name="frontdesk-search"),
    path("front-desk/<int:pk>/", views.frontdesk_person, name="frontdesk-person"),
    path("front-desk/<int:pk>/photograph/", views.frontdesk_photo, name="frontdesk-photo"),
]
