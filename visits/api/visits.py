"""The visits API: a case's visits (list, plan one), one visit, and the user's overdue and
upcoming visits, with the same access, 404s and audit as the pages. The front desk and
administrators are refused every endpoint."""

from __future__ import annotations

from django.db.models import F
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from cases import audit
from cases.access import access_case
from cases.models import CASE_ROLES, AuditAction, Role
from visits.models import Visit
from visits.serializers import (
    DueRowSerializer,
    VisitDetailSerializer,
    VisitOutputSerializer,
    VisitPlanInputSerializer,
    VisitsDueQuerySerializer,
)
from visits.services import planning


class Roles(permissions.BasePermission):
    """Deny by default: each view names the roles it serves; which cases they reach is decided
    per case (404 to outsiders, 403 to readers who write)."""

    message = "Your role does not give you access to visits"

    def has_permission(self, request, view):
        return request.user.has_role(*view.roles)


def _visits():
    return Visit.objects.select_related("address", "co_attendee", "created_by", "recorded_by")


class VisitListCreate(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, Roles]
    roles = CASE_ROLES
    serializer_class = VisitOutputSerializer
    filter_backends: list = []

    @extend_schema(responses=VisitOutputSerializer(many=True))
    def get(self, request, pk):
        nominal = access_case(request.user, pk)
        rows = (
            _visits()
            .filter(nominal=nominal)
            .order_by(
                F("visited_at").desc(nulls_first=True),
                F("planned_for").desc(nulls_last=True),
                "-pk",
            )
        )
        page = self.paginate_queryset(rows)
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=nominal,
            description=f"API: visits ({len(page)})",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=VisitPlanInputSerializer,
        responses={201: VisitOutputSerializer, 200: VisitOutputSerializer},
        description="Plan a visit. The same client_key (or the same day and time band planned "
        "by you on this case) again returns the visit already planned, with 200.",
    )
    def post(self, request, pk):
        nominal = access_case(request.user, pk, write=True)
        given = VisitPlanInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        visit, created = planning.visit_plan(
            acting_user=request.user,
            nominal=nominal,
            planned_for=data["planned_for"],
            time_band=data["time_band"],
            announced=data["announced"],
            co_attendee=_one(
                planning.co_attendees(nominal, request.user),
                data["co_attendee"],
                "co_attendee",
                "Give the id of another officer of your force who works cases",
            ),
            address=_one(
                planning.visitable_addresses(nominal),
                data["address"],
                "address",
                "Give the id of one of the case's current addresses",
            ),
            client_key=data["client_key"],
        )
        body = VisitOutputSerializer(_visits().get(pk=visit.pk), context={"request": request})
        return Response(
            body.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


def _one(queryset, pk, name: str, message: str):
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({name: [message]})
    return found


class VisitDetail(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, Roles]
    roles = CASE_ROLES
    serializer_class = VisitDetailSerializer

    @extend_schema(responses=VisitDetailSerializer)
    def get(self, request, visit_id):
        nominal_id = Visit.objects.filter(pk=visit_id).values_list("nominal_id", flat=True).first()
        if nominal_id is None:
            raise NotFound()
        nominal = access_case(request.user, nominal_id)
        visit = _visits().get(pk=visit_id)
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=visit,
            nominal_id=nominal.pk,
            description="API: visit",
        )
        return Response(self.get_serializer(visit).data)


class VisitsDue(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, Roles]
    roles = frozenset({Role.OFFENDER_MANAGER, Role.SUPERVISOR})
    serializer_class = DueRowSerializer
    filter_backends: list = []

    @extend_schema(
        parameters=[VisitsDueQuerySerializer],
        responses=DueRowSerializer(many=True),
        description="Cases with a visit overdue, due in the next 30 days or planned, overdue "
        "first: your own cases, a supervisor's chosen team member's, or a supervisor's teams'.",
    )
    def get(self, request):
        query = VisitsDueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            manager = planning.visits_manager(request.user, query.validated_data.get("manager"))
        except planning.NotInYourTeams:
            raise NotFound("No offender manager of that number in your teams") from None
        rows = planning.visits_list(request.user, manager).rows
        page = self.paginate_queryset(rows)
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            description=f"API: visits due ({len(rows)} cases)",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
