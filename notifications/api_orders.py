"""The civil orders and breaches API, with the same access, 404s and audit as the pages: case
readers read, those who may change the case write, supervisors see the review list."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, permissions, status
from rest_framework.response import Response

from cases import audit
from cases.access import access_case
from cases.models import CASE_ROLES, AuditAction, Nominal, Role
from notifications import orders
from notifications.models import Breach, CivilOrder
from notifications.serializers import ErrorSerializer
from notifications.serializers_orders import (
    BreachInputSerializer,
    BreachOutputSerializer,
    OrderInputSerializer,
    OrderOutputSerializer,
    OrderReviewRowSerializer,
)

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class OrderRoles(permissions.BasePermission):
    """Deny by default: each view names the roles that may read and write; which people they
    reach is decided per case (404 to outsiders, 403 to read-only users who write)."""

    message = "Your role does not give you access to civil orders and breaches"

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            roles = getattr(view, "read_roles", frozenset())
        else:
            roles = getattr(view, "write_roles", frozenset())
        return bool(roles) and request.user.has_role(*roles)


class BreachConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "breach_already_recorded"


def _write(service, **kwargs):
    """Rule errors from a service answer 400 in the API's error shape."""
    try:
        return service(**kwargs)
    except orders.DuplicateBreach as exc:
        raise BreachConflict(
            f"{orders.duplicate_message(exc.existing)} (breach {exc.existing.pk})"
        ) from exc
    except DjangoValidationError as exc:
        errors = getattr(exc, "message_dict", None) or {"non_field_errors": exc.messages}
        raise exceptions.ValidationError(errors) from exc


def _viewed(request, *, nominal: Nominal, description: str, obj=None) -> None:
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=obj or nominal,
        nominal_id=nominal.pk,
        description=description,
    )


def _annotated(orders_, nominal: Nominal):
    """Orders with what the output reads beyond their columns: status, in force, flags."""
    on = timezone.localdate()
    for order in orders_:
        order.nominal = nominal
        order.status_today = order.status_on(on)
        order.in_force_today = orders.in_force(order, on)
        order.flags_today = orders.flags_for(order) if order.in_force_today else ()
    return orders_


def _case_orders(nominal: Nominal):
    return orders.with_conviction_requirement(orders.case_orders(nominal))


# --- Orders -------------------------------------------------------------------------------------


class OrderListCreate(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, OrderRoles]
    read_roles = write_roles = frozenset(CASE_ROLES)
    serializer_class = OrderOutputSerializer
    queryset = CivilOrder.objects.none()  # for the schema: the views read through access_case

    @extend_schema(
        summary="List a person's civil orders, latest first",
        responses={200: OrderOutputSerializer(many=True), **ERRORS},
    )
    def get(self, request, pk):
        nominal = access_case(request.user, pk)
        page = self.paginate_queryset(_case_orders(nominal))
        _viewed(request, nominal=nominal, description=f"API: {len(page)} civil orders")
        body = self.get_serializer(_annotated(page, nominal), many=True).data
        return self.get_paginated_response(body)

    @extend_schema(
        summary="Record a civil order with its prohibitions and requirements",
        description="Checks the order against the rules (an SHPO at least 5 years and an SRO "
        "at least 2 unless until further order; a foreign travel prohibition at most 5 years), "
        "ends any earlier SHPO (or SRO) and recomputes the notification clock. The same order "
        "sent again (type, date made and court) answers 200 with the first.",
        request=OrderInputSerializer,
        responses={
            201: OpenApiResponse(OrderOutputSerializer, description="Recorded."),
            200: OpenApiResponse(OrderOutputSerializer, description="Already recorded."),
            **ERRORS,
        },
    )
    def post(self, request, pk):
        nominal = access_case(request.user, pk, write=True)
        given = OrderInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        terms = [dict(t) for t in data.pop("terms")]
        order, created = _write(
            orders.order_add, acting_user=request.user, nominal=nominal, data=data, terms=terms
        )
        fresh = _annotated([_case_orders(nominal).get(pk=order.pk)], nominal)[0]
        return Response(
            self.get_serializer(fresh).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class OrderDetail(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, OrderRoles]
    read_roles = frozenset(CASE_ROLES)
    serializer_class = OrderOutputSerializer

    @extend_schema(
        summary="One civil order, with its terms, changes and review flags",
        responses={200: OrderOutputSerializer, **ERRORS},
    )
    def get(self, request, order_id):
        # The same 404 whether the order is missing or on a case the user cannot see.
        nominal_id = (
            CivilOrder.objects.filter(pk=order_id).values_list("nominal_id", flat=True).first()
        )
        if nominal_id is None:
            raise Http404("No order found")
        nominal = access_case(request.user, nominal_id)
        order = _annotated([_case_orders(nominal).get(pk=order_id)], nominal)[0]
        _viewed(request, nominal=nominal, description="API: civil order", obj=order)
        return Response(self.get_serializer(order).data)


class OrderReviews(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, OrderRoles]
    read_roles = frozenset({Role.SUPERVISOR})
    serializer_class = OrderReviewRowSerializer
    filter_backends: list = []

    @extend_schema(
        summary="Orders in force on your teams' cases that need review, each with why",
        responses={200: OrderReviewRowSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        page = self.paginate_queryset(orders.flagged_orders(request.user, timezone.localdate()))
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            description=f"API: orders to review ({len(page)} orders)",
        )
        rows = orders.flagged_rows(page)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


# --- Breaches -----------------------------------------------------------------------------------


class BreachListCreate(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, OrderRoles]
    read_roles = write_roles = frozenset(CASE_ROLES)
    serializer_class = BreachOutputSerializer
    queryset = Breach.objects.none()  # for the schema: the views read through access_case

    @extend_schema(
        summary="List a person's breaches, latest failure first",
        responses={200: BreachOutputSerializer(many=True), **ERRORS},
    )
    def get(self, request, pk):
        nominal = access_case(request.user, pk)
        page = self.paginate_queryset(orders.case_breaches(nominal))
        _viewed(request, nominal=nominal, description=f"API: {len(page)} breaches")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Record a breach",
        description="One record per failure. For a failure to notify give the deadline: the "
        "first day of failure is the day after it (s.91). A risk-relevant breach makes the "
        "ARMS review due now and flags a case under reactive management for return. A failure "
        "already recorded answers 409 naming the record that has it.",
        request=BreachInputSerializer,
        responses={
            201: BreachOutputSerializer,
            409: OpenApiResponse(ErrorSerializer, description="This failure is already recorded."),
            **ERRORS,
        },
    )
    def post(self, request, pk):
        nominal = access_case(request.user, pk, write=True)
        given = BreachInputSerializer(
            data=request.data, context={"orders": orders.order_choices_for_breach(nominal)}
        )
        given.is_valid(raise_exception=True)
        breach = _write(
            orders.breach_record,
            acting_user=request.user,
            nominal=nominal,
            data=dict(given.validated_data),
        )
        body = self.get_serializer(orders.case_breaches(nominal).get(pk=breach.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)
