"""The notes and reactive-management API, with the same access, 404s and audit as the pages.
The front desk and administrators are refused every endpoint."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response

from cases import audit
from cases.access import access_case
from cases.models import CASE_ROLES, AuditAction, Role
from risk.serializers_notes import (
    NoteInputSerializer,
    NoteOutputSerializer,
    NoteQuerySerializer,
    ReactiveCaseSerializer,
    ReactiveDecideInputSerializer,
    ReactiveQueueQuerySerializer,
    ReactiveQueueRowSerializer,
)
from risk.services import notes, reactive


class Roles(permissions.BasePermission):
    """Deny by default: each view names the roles it serves; which cases they reach is decided
    per case (404 to outsiders, 403 to readers who write)."""

    message = "Your role does not give you access to this"

    def has_permission(self, request, view):
        return request.user.has_role(*view.roles)


class NoteList(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, Roles]
    roles = CASE_ROLES
    serializer_class = NoteOutputSerializer
    filter_backends: list = []  # the query serializer filters

    @extend_schema(parameters=[NoteQuerySerializer], responses=NoteOutputSerializer(many=True))
    def get(self, request, pk):
        nominal = access_case(request.user, pk)
        query = NoteQuerySerializer(data=_single(request, "kind"))
        query.is_valid(raise_exception=True)
        rows = notes.notes_for(nominal, kind=query.validated_data.get("kind", ""))
        page = self.paginate_queryset(rows)
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=nominal,
            description=f"API: notes and intelligence ({len(page)})",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=NoteInputSerializer,
        responses={201: NoteOutputSerializer, 200: NoteOutputSerializer},
        description="Record a note or an intelligence item. The same note sent again within "
        "ten minutes is returned with 200 and not recorded twice.",
    )
    def post(self, request, pk):
        nominal = access_case(request.user, pk, write=True)
        given = NoteInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        note, created = notes.case_note_add(
            acting_user=request.user, nominal=nominal, data=dict(given.validated_data)
        )
        return Response(
            NoteOutputSerializer(note).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ReactiveQueue(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, Roles]
    roles = frozenset({Role.SUPERVISOR})
    serializer_class = ReactiveQueueRowSerializer
    filter_backends: list = []

    @extend_schema(
        parameters=[ReactiveQueueQuerySerializer],
        responses=ReactiveQueueRowSerializer(many=True),
    )
    def get(self, request):
        query = ReactiveQueueQuerySerializer(data={"stage": request.query_params.getlist("stage")})
        query.is_valid(raise_exception=True)
        on = timezone.localdate()
        rows = reactive.reactive_queue(
            request.user, on, list(query.validated_data.get("stage", []))
        )
        page = self.paginate_queryset(rows)
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            description=f"API: reactive-management queue ({len(page)} cases)",
        )
        entries = [reactive.queue_row(n, on=on) for n in page]
        return self.get_paginated_response(self.get_serializer(entries, many=True).data)


class ReactivePropose(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, Roles]
    roles = CASE_ROLES
    serializer_class = ReactiveCaseSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        request=None,
        responses={201: ReactiveCaseSerializer, 200: ReactiveCaseSerializer},
        description="Propose the case for reactive management (only while it is eligible). "
        "If it is already proposed the case is returned with 200.",
    )
    def post(self, request, pk):
        nominal = access_case(request.user, pk, write=True)
        _, proposed = reactive.reactive_propose(acting_user=request.user, nominal=nominal)
        return Response(
            ReactiveCaseSerializer(reactive.reactive_case(nominal)).data,
            status=status.HTTP_201_CREATED if proposed else status.HTTP_200_OK,
        )


class ReactiveDecide(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, Roles]
    roles = frozenset({Role.SUPERVISOR})
    serializer_class = ReactiveCaseSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        request=ReactiveDecideInputSerializer,
        responses=ReactiveCaseSerializer,
        description="A supervisor's decision. On a proposal: approve, deny (with a reason; "
        "comments for 'other') or snooze (up to 90 days). On a case flagged for return: return "
        "it to active management, or keep it reactive (comments give the reason).",
    )
    def post(self, request, pk):
        nominal = access_case(request.user, pk, write=True)
        given = ReactiveDecideInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        reactive.reactive_decide(acting_user=request.user, nominal=nominal, **given.validated_data)
        return Response(ReactiveCaseSerializer(reactive.reactive_case(nominal)).data)


def _single(request, name: str) -> dict:
    value = request.query_params.get(name)
    return {name: value} if value else {}
