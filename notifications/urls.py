from django.urls import path

from notifications.views import acknowledgement, counter, frontdesk, orders, register, reviews

app_name = "notifications"

urlpatterns = [
    # The front desk
    path("front-desk/", frontdesk.frontdesk_search, name="frontdesk-search"),
    path("front-desk/<int:pk>/", frontdesk.frontdesk_person, name="frontdesk-person"),
    path("front-desk/<int:pk>/photograph/", frontdesk.frontdesk_photo, name="frontdesk-photo"),
    path("front-desk/<int:pk>/notify/", counter.notify_start, name="frontdesk-notify-start"),
    path(
        "front-desk/<int:pk>/notify/<uuid:key>/identity/",
        counter.notify_identity,
        name="frontdesk-notify-identity",
    ),
    path(
        "front-desk/<int:pk>/notify/<uuid:key>/details/",
        counter.notify_details,
        name="frontdesk-notify-details",
    ),
    path(
        "front-desk/<int:pk>/notify/<uuid:key>/check/",
        counter.notify_check,
        name="frontdesk-notify-check",
    ),
    path(
        "front-desk/notifications/<int:notification_id>/",
        counter.notification_done,
        name="frontdesk-notification-done",
    ),
    # The register on a case
    path("cases/<int:pk>/register/", register.register, name="register"),
    path(
        "cases/<int:pk>/register/convictions/add/", register.conviction_add, name="conviction-add"
    ),
    path(
        "cases/<int:pk>/register/convictions/<int:conviction_id>/",
        register.conviction_edit,
        name="conviction-edit",
    ),
    path("cases/<int:pk>/register/time-away/add/", register.absence_add, name="absence-add"),
    path(
        "cases/<int:pk>/register/time-away/<int:absence_id>/",
        register.absence_edit,
        name="absence-edit",
    ),
    path(
        "cases/<int:pk>/register/deadlines/<int:deadline_id>/close/",
        register.deadline_close,
        name="deadline-close",
    ),
    path(
        "notifications/<int:notification_id>/",
        register.notification_detail,
        name="notification-detail",
    ),
    # Written acknowledgements (s.87(3))
    path(
        "front-desk/notifications/<int:notification_id>/acknowledgement.pdf",
        acknowledgement.acknowledgement_pdf,
        name="acknowledgement-pdf",
    ),
    path(
        "acknowledgements/verify/",
        acknowledgement.acknowledgement_verify,
        name="acknowledgement-verify",
    ),
    # Indefinite reviews (ss.91A-91F)
    path("reviews/", reviews.review_queue, name="review-queue"),
    path("cases/<int:pk>/reviews/", reviews.review_list, name="review-list"),
    path("cases/<int:pk>/reviews/open/", reviews.review_open, name="review-open"),
    path("reviews/<int:review_id>/decide/", reviews.review_decide, name="review-decide"),
    # Civil orders and breaches (a record's own pages hang off its id, as notifications do)
    path("cases/<int:pk>/orders/", orders.order_list, name="order-list"),
    path("cases/<int:pk>/orders/new/", orders.order_add, name="order-add"),
    path("orders/reviews/", orders.order_reviews, name="order-reviews"),
    path("orders/<int:order_id>/", orders.order_detail, name="order-detail"),
    path("orders/<int:order_id>/<slug:change>/", orders.order_change, name="order-change"),
    path("cases/<int:pk>/breaches/", orders.breach_list, name="breach-list"),
    path("cases/<int:pk>/breaches/new/", orders.breach_add, name="breach-add"),
    path("breaches/<int:breach_id>/", orders.breach_detail, name="breach-detail"),
]
