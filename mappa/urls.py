from django.urls import path

from mappa.views import levels as level_views
from mappa.views import meetings as meeting_views
from mappa.views import packs as pack_views

app_name = "mappa"

urlpatterns = [
    # A case's MAPPA tab: category and level, review due, the minutes of its own reviews
    path("cases/<int:pk>/mappa/", level_views.case_mappa, name="case-mappa"),
    path("cases/<int:pk>/mappa/level/", level_views.level_set, name="level-set"),
    path(
        "cases/<int:pk>/mappa/minutes/<int:item_id>/",
        level_views.case_minutes,
        name="case-minutes",
    ),
    # Meetings (MAPPA chairs of the force)
    path("mappa/meetings/", meeting_views.meeting_list, name="meeting-list"),
    path("mappa/meetings/new/", meeting_views.meeting_create, name="meeting-create"),
    path("mappa/meetings/<int:meeting_id>/", meeting_views.meeting_detail, name="meeting-detail"),
    path(
        "mappa/meetings/<int:meeting_id>/change/",
        meeting_views.meeting_edit,
        name="meeting-edit",
    ),
    path(
        "mappa/meetings/<int:meeting_id>/close/",
        meeting_views.meeting_close,
        name="meeting-close",
    ),
    path(
        "mappa/meetings/<int:meeting_id>/agenda/add/",
        meeting_views.agenda_add,
        name="agenda-add",
    ),
    path(
        "mappa/meetings/<int:meeting_id>/agenda/<int:item_id>/move/",
        meeting_views.agenda_move,
        name="agenda-move",
    ),
    path(
        "mappa/meetings/<int:meeting_id>/agenda/<int:item_id>/remove/",
        meeting_views.agenda_remove,
        name="agenda-remove",
    ),
    path(
        "mappa/meetings/<int:meeting_id>/attendees/add/",
        meeting_views.attendee_add,
        name="attendee-add",
    ),
    path(
        "mappa/meetings/<int:meeting_id>/attendees/<int:attendee_id>/",
        meeting_views.attendee_edit,
        name="attendee-edit",
    ),
    path(
        "mappa/meetings/<int:meeting_id>/attendees/<int:attendee_id>/remove/",
        meeting_views.attendee_remove,
        name="attendee-remove",
    ),
    # Minutes of one case on the agenda
    path(
        "mappa/meetings/<int:meeting_id>/minutes/<int:item_id>/",
        meeting_views.item_minutes,
        name="item-minutes",
    ),
    path(
        "mappa/meetings/<int:meeting_id>/minutes/<int:item_id>/decisions/",
        meeting_views.decision_add,
        name="decision-add",
    ),
    path(
        "mappa/meetings/<int:meeting_id>/minutes/<int:item_id>/decisions/<int:decision_id>/remove/",
        meeting_views.decision_remove,
        name="decision-remove",
    ),
    path(
        "mappa/meetings/<int:meeting_id>/minutes/<int:item_id>/actions/",
        meeting_views.action_add,
        name="action-add",
    ),
    path(
        "mappa/meetings/<int:meeting_id>/minutes/<int:item_id>/actions/<int:action_id>/remove/",
        meeting_views.action_remove,
        name="action-remove",
    ),
    path(
        "mappa/meetings/<int:meeting_id>/minutes/<int:item_id>/complete/",
        meeting_views.item_complete,
        name="item-complete",
    ),
    path(
        "mappa/meetings/<int:meeting_id>/minutes/<int:item_id>/reopen/",
        meeting_views.item_reopen,
        name="item-reopen",
    ),
    # Actions across the force's meetings
    path("mappa/actions/", meeting_views.action_list, name="action-list"),
    path("mappa/actions/<int:action_id>/done/", meeting_views.action_done, name="action-done"),
    # Meeting packs
    path("mappa/meetings/<int:meeting_id>/pack/", pack_views.pack_panel, name="pack-panel"),
    path("mappa/meetings/<int:meeting_id>/pack/new/", pack_views.pack_create, name="pack-create"),
    path(
        "mappa/meetings/<int:meeting_id>/packs/<int:pack_id>/",
        pack_views.pack_download,
        name="pack-download",
    ),
]
