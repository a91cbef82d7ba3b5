from django.urls import path

from notifications.views import frontdesk

app_name = "notifications"

urlpatterns = [
    # The front desk
    path("front-desk/", frontdesk.frontdesk_search, name="frontdesk-search"),
    path("front-desk/<int:pk>/", frontdesk.frontdesk_person, name="frontdesk-person"),
    path("front-desk/<int:pk>/photograph/", frontdesk.frontdesk_photo, name="frontdesk-photo"),
    # Written acknowledgements (s.87(3))
    # Indefinite reviews (ss.91A-91F)
]
