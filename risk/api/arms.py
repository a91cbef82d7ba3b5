"""The ARMS and risk management plan API: the same access, 404s, audit and services as the
pages. Outsiders get 404 for a case or an assessment they cannot see."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from cases import audit
from cases.access import access_case
from cases.models import CASE_ROLES, AuditAction, Role
from risk.models import ArmsAssessment, ArmsRating
from risk.serializers_arms import (
    ArmsInputSerializer,
    ArmsOutputSerializer,
    ArmsReturnInputSerializer,
    PlanInputSerializer,
    PlanOutputSerializer,
)
from risk.services import arms, plans

ERRORS = {
    400: OpenApiResponse(description="The request has errors: {message, errors}"),
    403: OpenApiResponse(description="Your role or access does not allow this"),
    404: OpenApiResponse(description="No such case or assessment that you can see"),
}


class CaseWorkers(permissions.BasePermission):
    """Deny by default: people who work cases; which cases they reach is decided per case."""

    message = "Your role does not give you access to risk assessments"

    def has_permission(self, request, view):
        return request.user.has_role(*view.roles)


class RiskView(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, CaseWorkers]
    roles = CASE_ROLES
    filter_backends: list = []


def _write(service, **kwargs):
    """Model validation errors from a service answer 400 in the API's error shape."""
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        errors = getattr(exc, "message_dict", None) or {"non_field_errors": exc.messages}
        raise ValidationError(errors) from exc


def _with_ratings(queryset):
    return queryset.select_related("created_by", "submitted_by", "decided_by").prefetch_related(
        Prefetch("ratings", queryset=ArmsRating.objects.select_related("factor"))
    )


def _assessment_for(request, arms_id: int, *, write: bool = False):
    """The assessment and its case, with the case's access rules (404 to outsiders)."""
    held = get_object_or_404(ArmsAssessment.objects.only("pk", "nominal_id"), pk=arms_id)
    nominal = access_case(request.user, held.nominal_id, write=write)
    return held, nominal


def _answer(assessment_id: int, request, code=status.HTTP_200_OK) -> Response:
    fresh = _with_ratings(ArmsAssessment.objects.filter(pk=assessment_id)).get()
    return Response(ArmsOutputSerializer(fresh, context={"request": request}).data, status=code)


# --- ARMS ---------------------------------------------------------------------------------------


class ArmsListCreate(RiskView):
    serializer_class = ArmsOutputSerializer

    @extend_schema(responses={200: ArmsOutputSerializer(many=True), **ERRORS})
    def get(self, request, pk):
        nominal = access_case(request.user, pk)
        page = self.paginate_queryset(_with_ratings(ArmsAssessment.objects.filter(nominal=nominal)))
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=nominal,
            description=f"API: ARMS assessments ({len(page)})",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=ArmsInputSerializer,
        responses={201: ArmsOutputSerializer, 200: ArmsOutputSerializer, **ERRORS},
        description="Start an assessment, or return the one in progress (200). Anything given "
        "is saved to it as a draft; fields left out are unchanged.",
    )
    def post(self, request, pk):
        nominal = access_case(request.user, pk, write=True)
        given = ArmsInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        with transaction.atomic():
            assessment, created = arms.arms_start(
                acting_user=request.user, nominal=nominal, reason=data.get("reason", "")
            )
            content = {k: data.get(k) for k in ("formulation", "priorities", "reason")}
            if "ratings" in data or any(v is not None for v in content.values()):
                _write(
                    arms.arms_save,
                    acting_user=request.user,
                    assessment=assessment,
                    ratings=given.ratings_map(),
                    **content,
                )
        return _answer(assessment.pk, request, status.HTTP_201_CREATED if created else 200)


class ArmsDetail(RiskView):
    serializer_class = ArmsOutputSerializer

    @extend_schema(responses={200: ArmsOutputSerializer, **ERRORS})
    def get(self, request, arms_id):
        held, nominal = _assessment_for(request, arms_id)
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=held,
            nominal_id=nominal.pk,
            description="API: ARMS assessment",
        )
        return _answer(held.pk, request)


class ArmsSubmit(RiskView):
    serializer_class = ArmsOutputSerializer

    @extend_schema(
        request=None,
        responses={200: ArmsOutputSerializer, **ERRORS},
        description="Submit for sign-off. Every factor in use must be rated and the formulation "
        "and priorities written; the errors name what is missing. Already submitted: unchanged.",
    )
    def post(self, request, arms_id):
        held, _ = _assessment_for(request, arms_id, write=True)
        _write(arms.arms_submit, acting_user=request.user, assessment=held)
        return _answer(held.pk, request)


class ArmsSignOff(RiskView):
    roles = frozenset({Role.SUPERVISOR})
    serializer_class = ArmsOutputSerializer

    @extend_schema(
        request=None,
        responses={200: ArmsOutputSerializer, **ERRORS},
        description="A supervisor of the case's team signs off a submitted assessment (not one "
        "they submitted). The next review falls due the force's interval later.",
    )
    def post(self, request, arms_id):
        held, _ = _assessment_for(request, arms_id, write=True)
        _write(arms.arms_sign_off, acting_user=request.user, assessment=held)
        return _answer(held.pk, request)


class ArmsReturn(RiskView):
    roles = frozenset({Role.SUPERVISOR})
    serializer_class = ArmsOutputSerializer

    @extend_schema(
        request=ArmsReturnInputSerializer,
        responses={200: ArmsOutputSerializer, **ERRORS},
        description="Return a submitted assessment to the offender manager with comments.",
    )
    def post(self, request, arms_id):
        held, _ = _assessment_for(request, arms_id, write=True)
        given = ArmsReturnInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        _write(
            arms.arms_return,
            acting_user=request.user,
            assessment=held,
            comments=given.validated_data["comments"],
        )
        return _answer(held.pk, request)


# --- The risk management plan -------------------------------------------------------------------


class PlanListCreate(RiskView):
    serializer_class = PlanOutputSerializer

    @extend_schema(responses={200: PlanOutputSerializer(many=True), **ERRORS})
    def get(self, request, pk):
        nominal = access_case(request.user, pk)
        page = self.paginate_queryset(plans.with_actions(plans.plans_for(nominal)))
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=nominal,
            description=f"API: risk management plan versions ({len(page)})",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=PlanInputSerializer,
        responses={201: PlanOutputSerializer, 200: PlanOutputSerializer, **ERRORS},
        description="Review the plan: writes the next version and makes it current. Sending the "
        "same review twice returns the version the first made (200).",
    )
    def post(self, request, pk):
        nominal = access_case(request.user, pk, write=True)
        given = PlanInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        plan, created = _write(
            plans.plan_review,
            acting_user=request.user,
            nominal=nominal,
            based_on=data.pop("based_on_version"),
            **data,
        )
        fresh = plans.with_actions(plans.plans_for(nominal).filter(pk=plan.pk)).get()
        return Response(
            PlanOutputSerializer(fresh).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
