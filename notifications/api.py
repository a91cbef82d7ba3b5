"""The register API: convictions, notifications and each person's clock, with the same access,
404s and audit as the pages."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, permissions, status
from rest_framework.response import Response

from cases import audit
from cases.access import access_case
from cases.models import CASE_ROLES, AuditAction, Nominal, Role
from notifications import services
from notifications.models import Clock, Conviction, Notification
from notifications.serializers import (
    ClockOutputSerializer,
    ConvictionInputSerializer,
    ConvictionOutputSerializer,
    ErrorSerializer,
    FrontDeskClockSerializer,
    NotificationInputSerializer,
    NotificationOutputSerializer,
)

CASE_READERS = frozenset(CASE_ROLES)
CASE_READERS_AND_FRONT_DESK = CASE_READERS | {Role.FRONT_DESK}
IDEMPOTENCY_HEADER = "Idempotency-Key"


class RegisterRoles(permissions.BasePermission):
    """Deny by default: each view names the roles that may read and the roles that may write;
    which people they reach is decided per case (404 to outsiders)."""

    message = "Your role does not give you access to this part of the register"

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            roles = getattr(view, "read_roles", frozenset())
        else:
            roles = getattr(view, "write_roles", frozenset())
        return bool(roles) and request.user.has_role(*roles)


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = (
        f"This {IDEMPOTENCY_HEADER} was already used for a notification by another person: "
        "send a new key for each new notification"
    )
    default_code = "idempotency_conflict"


def register_case(user, pk, *, write: bool = False, front_desk: bool = False) -> Nominal:
    """The person through case access (404 to outsiders, 403 to read-only users who write) or,
    where `front_desk` allows it, as a registered person of the front desk user's own force."""
    refusal: Exception = Http404("No case found")
    if user.has_role(*CASE_ROLES):
        try:
            return access_case(user, pk, write=write)
        except (Http404, PermissionDenied) as exc:
            refusal = exc
    if front_desk and _front_desk_may(user, write=write):
        found = (
            Nominal.objects.findable_at_front_desk(user)
            .select_related("force")
            .filter(pk=pk)
            .first()
        )
        if found is not None:
            return found
    raise refusal


def _front_desk_may(user, *, write: bool) -> bool:
    if not user.has_role(Role.FRONT_DESK):
        return False
    return not write or user.has_perm("cases.record_notification")


def _write(service, **kwargs):
    """Rule errors from a service answer 400 in the API's error shape."""
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        errors = getattr(exc, "message_dict", {"non_field_errors": exc.messages})
        raise exceptions.ValidationError(errors) from exc


def _audit_view(request, *, obj, description: str, nominal: Nominal | None = None) -> None:
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=obj,
        nominal_id=nominal.pk if nominal is not None else None,
        description=description,
    )


ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


# --- Convictions --------------------------------------------------------------------------------


class ConvictionListCreate(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, RegisterRoles]
    read_roles = write_roles = CASE_READERS
    serializer_class = ConvictionOutputSerializer

    def get_queryset(self):
        return Conviction.objects.select_related("offence", "created_by").order_by(
            "-relevant_date", "-pk"
        )

    @extend_schema(
        summary="List a person's convictions, cautions and findings",
        responses={200: ConvictionOutputSerializer(many=True), **ERRORS},
    )
    def get(self, request, pk):
        nominal = register_case(request.user, pk)
        page = self.paginate_queryset(self.get_queryset().filter(nominal=nominal))
        _audit_view(request, obj=nominal, description=f"API: {len(page)} convictions")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Add a conviction, caution or finding",
        description="The notification period is computed from the rules (s.82), never typed, "
        "and the person's clock is recomputed. Terms may be given in months or, with "
        '"unit": "weeks", in weeks (converted as weeks × 12 / 52).',
        request=ConvictionInputSerializer,
        responses={201: ConvictionOutputSerializer, **ERRORS},
    )
    def post(self, request, pk):
        nominal = register_case(request.user, pk, write=True)
        given = ConvictionInputSerializer(data=request.data, context={"nominal": nominal})
        given.is_valid(raise_exception=True)
        conviction = _write(
            services.conviction_save,
            acting_user=request.user,
            nominal=nominal,
            data=dict(given.validated_data),
        )
        body = self.get_serializer(self.get_queryset().get(pk=conviction.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class ConvictionDetail(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, RegisterRoles]
    read_roles = CASE_READERS
    serializer_class = ConvictionOutputSerializer

    @extend_schema(
        summary="One conviction, caution or finding",
        responses={200: ConvictionOutputSerializer, **ERRORS},
    )
    def get(self, request, conviction_id):
        nominal_id = _nominal_of(Conviction, conviction_id)
        register_case(request.user, nominal_id)
        conviction = Conviction.objects.select_related("offence", "created_by").get(
            pk=conviction_id
        )
        _audit_view(request, obj=conviction, description="API: conviction")
        return Response(self.get_serializer(conviction).data)


def _nominal_of(model, pk: int) -> int:
    # The same 404 whether the row is missing or belongs to a case the user cannot see.
    nominal_id = model.objects.filter(pk=pk).values_list("nominal_id", flat=True).first()
    if nominal_id is None:
        raise Http404("No case found")
    return nominal_id


# --- Notifications ------------------------------------------------------------------------------

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.UUID,
    location=OpenApiParameter.HEADER,
    required=True,
    description="A new UUID for each notification. Sending the same key again (a retry, or a "
    "button pressed twice) records nothing new and answers 200 with the first notification.",
)


def _notifications():
    return Notification.objects.select_related("station", "taken_by")


class NotificationListCreate(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, RegisterRoles]
    read_roles = CASE_READERS
    write_roles = CASE_READERS_AND_FRONT_DESK
    serializer_class = NotificationOutputSerializer

    def get_queryset(self):
        return _notifications().order_by("-taken_at", "-pk")

    @extend_schema(
        summary="List a person's notifications, latest first",
        responses={200: NotificationOutputSerializer(many=True), **ERRORS},
    )
    def get(self, request, pk):
        nominal = register_case(request.user, pk)
        page = self.paginate_queryset(self.get_queryset().filter(nominal=nominal))
        _audit_view(request, obj=nominal, description=f"API: {len(page)} notifications")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Record a notification made in person",
        description="Records the notification with a snapshot of the person's details as they "
        "stand now, meets the open deadlines it answers and recomputes the clock. It does not "
        "change the person's details: notified changes are made through the front desk "
        "journey (or the case pages), which record each change with its history. Front desk "
        "staff of the person's force and users who can change the case may record one.",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=NotificationInputSerializer,
        responses={
            201: OpenApiResponse(NotificationOutputSerializer, description="Recorded."),
            200: OpenApiResponse(
                NotificationOutputSerializer,
                description="Already recorded with this key: the first notification, unchanged.",
            ),
            409: OpenApiResponse(
                ErrorSerializer, description="The key was already used for another person."
            ),
            **ERRORS,
        },
    )
    def post(self, request, pk):
        nominal = register_case(request.user, pk, write=True, front_desk=True)
        key = _idempotency_key(request)
        earlier = _notifications().filter(idempotency_key=key).first()
        if earlier is not None:
            return _repeat(request, earlier, nominal)
        given = NotificationInputSerializer(data=request.data, context={"nominal": nominal})
        given.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                made, created = _write(
                    services.notification_record,
                    acting_user=request.user,
                    nominal=nominal,
                    idempotency_key=key,
                    data=dict(given.validated_data),
                )
        except IntegrityError:
            # A concurrent request with the same key committed first: the unique key decides.
            made, created = _notifications().filter(idempotency_key=key).first(), False
            if made is None:
                raise
        if not created:
            return _repeat(request, made, nominal)
        body = self.get_serializer(_notifications().get(pk=made.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


def _idempotency_key(request) -> uuid.UUID:
    value = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if not value:
        problem = f"Send an {IDEMPOTENCY_HEADER} header: a new UUID for each notification"
    else:
        try:
            return uuid.UUID(value)
        except ValueError:
            problem = (
                f"The {IDEMPOTENCY_HEADER} header must be a UUID, for example {uuid.UUID(int=0)}"
            )
    raise exceptions.ValidationError({IDEMPOTENCY_HEADER: [problem]})


def _repeat(request, notification: Notification, nominal: Nominal) -> Response:
    """A repeated request answers with the notification the key first recorded."""
    if notification.nominal_id != nominal.pk:
        raise IdempotencyConflict()
    _audit_view(request, obj=notification, description="API: notification (repeated request)")
    context = {"request": request}
    return Response(NotificationOutputSerializer(notification, context=context).data)


class NotificationDetail(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, RegisterRoles]
    read_roles = CASE_READERS_AND_FRONT_DESK
    serializer_class = NotificationOutputSerializer

    @extend_schema(
        summary="One notification, with the details as given",
        description="Readers of the case, and front desk staff of the person's force.",
        responses={200: NotificationOutputSerializer, **ERRORS},
    )
    def get(self, request, notification_id):
        register_case(request.user, _nominal_of(Notification, notification_id), front_desk=True)
        notification = _notifications().get(pk=notification_id)
        _audit_view(request, obj=notification, description="API: notification")
        return Response(self.get_serializer(notification).data)


# --- The clock ----------------------------------------------------------------------------------


class NominalClock(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, RegisterRoles]
    read_roles = CASE_READERS_AND_FRONT_DESK
    serializer_class = ClockOutputSerializer

    @extend_schema(
        summary="The person's notification requirement and what is due",
        description="The stored clock (recomputed whenever the record changes and nightly), "
        "with its status worked out today against the force's due-soon warning. Readers of "
        "the case, and front desk staff of the person's force.",
        responses={200: ClockOutputSerializer, **ERRORS},
        # The front desk's answer leaves out requirement_why and the review dates.
    )
    def get(self, request, pk):
        nominal = register_case(request.user, pk, front_desk=True)
        clock = Clock.objects.filter(nominal=nominal).first() or services.clock_refresh(nominal)
        _audit_view(request, obj=nominal, description="API: notification clock")
        case_reader = request.user.has_role(*CASE_ROLES) and (
            Nominal.objects.visible_to(request.user).filter(pk=nominal.pk).exists()
        )
        serializer = ClockOutputSerializer if case_reader else FrontDeskClockSerializer
        return Response(serializer(clock_body(clock, nominal)).data)


def clock_body(clock: Clock, nominal: Nominal) -> dict:
    on = timezone.localdate()
    days = nominal.force.due_soon_days
    return {
        **{name: getattr(clock, name) for name in services.CLOCK_FIELDS},
        "nominal_id": nominal.pk,
        "status": clock.status(on, days),
        "due_soon_days": days,
        "checked_on": on,
        "computed_on": clock.computed_on,
    }
