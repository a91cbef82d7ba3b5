"""The MAPPA API: a case's category and level history, meetings with their minutes, and the
force's open actions. The same access, rules and audit as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, permissions, status
from rest_framework.response import Response

from cases import audit
from cases.access import access_case
from cases.models import CASE_ROLES, AuditAction, Role, User
from mappa import selectors
from mappa.models import ActionStatus, MappaLevelChange, Meeting, MeetingAction
from mappa.serializers import (
    MappaLevelInputSerializer,
    MappaLevelOutputSerializer,
    MeetingDetailSerializer,
    MeetingInputSerializer,
    MeetingSummarySerializer,
    TrackedActionSerializer,
)
from mappa.services import levels
from mappa.services import meetings as service
from notifications.serializers import ErrorSerializer

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
READ_ERRORS = {k: v for k, v in ERRORS.items() if k != 400}


class WorksCases(permissions.BasePermission):
    """Offender managers, supervisors and MAPPA chairs; which cases they reach, and whether
    they may change them, is decided per case (404 to outsiders)."""

    message = "Your role does not give you access to MAPPA levels"

    def has_permission(self, request, view):
        return request.user.has_role(*CASE_ROLES)


class IsMappaChair(permissions.BasePermission):
    message = "Only MAPPA chairs have access to MAPPA meetings"

    def has_permission(self, request, view):
        return request.user.has_role(Role.MAPPA_CHAIR) and bool(request.user.force_id)


def _write(service_call, **kwargs):
    """Rule errors from a service answer 400 in the API's error shape."""
    try:
        return service_call(**kwargs)
    except DjangoValidationError as exc:
        errors = getattr(exc, "message_dict", {"non_field_errors": exc.messages})
        raise exceptions.ValidationError(errors) from exc


def _created(body, created: bool) -> Response:
    return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# --- A case's category and level ----------------------------------------------------------------


class MappaLevelListCreate(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, WorksCases]
    serializer_class = MappaLevelOutputSerializer
    # For the schema only: the rows always come from the case the user may see.
    queryset = MappaLevelChange.objects.none()

    @extend_schema(
        summary="The history of a person's MAPPA category and level, latest first",
        description="Each setting with who set it, from when and why. The person's current "
        "category and level are on the person (`mappa_category`, `mappa_level`).",
        responses={200: MappaLevelOutputSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, pk):
        nominal = access_case(request.user, pk)
        page = self.paginate_queryset(levels.level_history(nominal))
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=nominal,
            description=f"API: {len(page)} MAPPA levels",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Set the MAPPA category and level",
        description="Records the category and level from a date (today by default, never in "
        "the future) with the reasons; the latest dated setting becomes the person's current "
        "one, and the next MAPPA review is worked out again (level 2 every 16 weeks, level 3 "
        "every 8, force settings). The same setting sent again records nothing new and answers "
        "200 with the first one.",
        request=MappaLevelInputSerializer,
        responses={
            201: OpenApiResponse(MappaLevelOutputSerializer, description="Recorded."),
            200: OpenApiResponse(
                MappaLevelOutputSerializer, description="Already recorded: the first setting."
            ),
            **ERRORS,
        },
    )
    def post(self, request, pk):
        nominal = access_case(request.user, pk, write=True)
        given = MappaLevelInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        change, created = _write(
            levels.mappa_level_set,
            acting_user=request.user,
            nominal=nominal,
            **given.validated_data,
        )
        return _created(self.get_serializer(change).data, created)


# --- Meetings -----------------------------------------------------------------------------------


def _chair(user: User, chair_id: int | None) -> User | None:
    if chair_id is None:
        return None
    chair = User.objects.filter(pk=chair_id, force_id=user.force_id, is_active=True).first()
    if chair is None or not chair.has_role(Role.MAPPA_CHAIR):
        raise exceptions.ValidationError(
            {"chair_id": ["The chair must be a MAPPA chair of your force"]}
        )
    return chair


class MeetingListCreate(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, IsMappaChair]
    serializer_class = MeetingSummarySerializer
    queryset = Meeting.objects.none()  # for the schema: rows come from meetings_for(user)

    @extend_schema(
        summary="The MAPPA meetings of your force, latest first",
        responses={200: MeetingSummarySerializer(many=True), **READ_ERRORS},
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.meetings_for(request.user))
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            description=f"API: {len(page)} MAPPA meetings",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Plan a MAPPA meeting",
        description="Plans a level 2 or 3 meeting in your force, chaired by you unless "
        "`chair_id` names another MAPPA chair of the force. The same meeting sent again is not "
        "planned twice: the answer is 200 with the first one.",
        request=MeetingInputSerializer,
        responses={
            201: OpenApiResponse(MeetingSummarySerializer, description="Planned."),
            200: OpenApiResponse(MeetingSummarySerializer, description="Already planned."),
            **ERRORS,
        },
    )
    def post(self, request):
        given = MeetingInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        data["chair"] = _chair(request.user, data.pop("chair_id", None))
        meeting, created = _write(service.meeting_create, acting_user=request.user, data=data)
        meeting = selectors.meetings_for(request.user).get(pk=meeting.pk)
        return _created(self.get_serializer(meeting).data, created)


class MeetingDetail(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, IsMappaChair]
    serializer_class = MeetingDetailSerializer
    queryset = Meeting.objects.none()  # for the schema: the meeting comes from access_meeting

    @extend_schema(
        summary="One MAPPA meeting with its attendance, agenda and minutes",
        description="Every case on the agenda with its minutes: discussion, decisions (with "
        "rationale and dissent), actions, the plan under four headings and contingency, and the "
        "next review date. Items marked `not_for_sharing` are included here (the API is for "
        "the chairs); the shared meeting pack leaves them out. Reading it is recorded against "
        "each case.",
        responses={200: MeetingDetailSerializer, **READ_ERRORS},
    )
    def get(self, request, meeting_id):
        meeting = selectors.meeting_for_pack(selectors.access_meeting(request.user, meeting_id))
        agenda = list(meeting.agenda.all())
        meeting.case_count = len(agenda)
        meeting.complete_count = sum(item.minutes_complete for item in agenda)
        title = service.meeting_title(meeting)
        audit.record(
            actor=request.user, action=AuditAction.VIEW, obj=meeting, description=f"API: {title}"
        )
        for item in agenda:
            audit.record(
                actor=request.user,
                action=AuditAction.VIEW,
                obj=item,
                description=f"API: minutes of the {title}",
            )
        return Response(self.get_serializer(meeting).data)


# --- Actions across meetings --------------------------------------------------------------------

STATUS_FILTERS = [*ActionStatus.values, "all"]


class MappaActions(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, IsMappaChair]
    serializer_class = TrackedActionSerializer
    queryset = MeetingAction.objects.none()  # for the schema: rows come from actions_for(user)

    @extend_schema(
        summary="Actions from your force's MAPPA meetings, earliest due first",
        description="Open actions by default; each says whether it is overdue (still open after "
        "its due date).",
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=STATUS_FILTERS,
                description="Which actions: open (the default), done, cancelled or all.",
            ),
            OpenApiParameter(
                "overdue", OpenApiTypes.BOOL, description="true: only overdue actions."
            ),
        ],
        responses={200: TrackedActionSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        today = timezone.localdate()
        wanted = request.query_params.get("status", ActionStatus.OPEN)
        if wanted not in STATUS_FILTERS:
            raise exceptions.ValidationError(
                {"status": [f"“{wanted}” is not a status: use one of {', '.join(STATUS_FILTERS)}"]}
            )
        overdue = request.query_params.get("overdue", "").lower()
        if overdue not in ("", "true", "false"):
            raise exceptions.ValidationError({"overdue": ["Give true or false"]})
        actions = selectors.actions_for(request.user, on=today)
        if wanted != "all":
            actions = actions.filter(status=wanted)
        if overdue == "true":
            actions = actions.filter(selectors.overdue_q(today))
        page = self.paginate_queryset(actions)
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            description=f"API: {len(page)} MAPPA actions",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
