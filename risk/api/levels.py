"""The RM2000/S and risk level API: the same access, 404s, audit and rules as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, permissions, status
from rest_framework.response import Response

from cases import audit
from cases.access import access_case
from cases.models import CASE_ROLES, AuditAction, Nominal
from notifications.serializers import ErrorSerializer
from risk.models import RiskLevelChange, Rm2000Scoring
from risk.serializers_levels import (
    RiskLevelInputSerializer,
    RiskLevelOutputSerializer,
    Rm2000DetailSerializer,
    Rm2000InputSerializer,
    Rm2000OutputSerializer,
)
from risk.services import levels, rm2000

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
READ_ERRORS = {k: v for k, v in ERRORS.items() if k != 400}


class WorksCases(permissions.BasePermission):
    """Offender managers, supervisors and MAPPA chairs; never the front desk. Which people they
    reach, and whether they may change them, is decided per case (404 to outsiders)."""

    message = "Your role does not give you access to risk assessments"

    def has_permission(self, request, view):
        return request.user.has_role(*CASE_ROLES)


def _write(service, **kwargs):
    """Rule errors from a service answer 400 in the API's error shape."""
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        errors = getattr(exc, "message_dict", {"non_field_errors": exc.messages})
        raise exceptions.ValidationError(errors) from exc


def _viewed(request, *, obj, nominal: Nominal, description: str) -> None:
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=obj,
        nominal_id=nominal.pk,
        description=description,
    )


def _created(body, created: bool) -> Response:
    return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# --- RM2000/S -----------------------------------------------------------------------------------


class Rm2000ListCreate(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, WorksCases]
    serializer_class = Rm2000OutputSerializer
    # For the schema only: the rows always come from the case the user may see.
    queryset = Rm2000Scoring.objects.none()

    @extend_schema(
        summary="List a person's RM2000/S scorings, latest first",
        responses={200: Rm2000OutputSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, pk):
        nominal = access_case(request.user, pk)
        page = self.paginate_queryset(rm2000.rm2000_history(nominal))
        _viewed(request, obj=nominal, nominal=nominal, description=f"API: {len(page)} RM2000/S")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Score RM2000/S",
        description="Scores the sexual scale from the inputs (the age is worked out from the "
        "date of birth and the commencement date) and keeps the inputs, the result, every line "
        "of its explanation and the rule version. For women, and anyone under 18 on the "
        "commencement date, the scoring is recorded as not applicable with the reason. The same "
        "inputs sent again by the same person on the same day record nothing new and answer 200 "
        "with the first scoring.",
        request=Rm2000InputSerializer,
        responses={
            201: OpenApiResponse(Rm2000OutputSerializer, description="Scored."),
            200: OpenApiResponse(
                Rm2000OutputSerializer, description="Already scored today with these inputs."
            ),
            **ERRORS,
        },
    )
    def post(self, request, pk):
        nominal = access_case(request.user, pk, write=True)
        given = Rm2000InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        # Section 4: the commencement of risk is today for someone in the community.
        data.setdefault("commencement_date", timezone.localdate())
        scoring, created = _write(
            rm2000.rm2000_score, acting_user=request.user, nominal=nominal, data=data
        )
        return _created(self.get_serializer(scoring).data, created)


class Rm2000Detail(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, WorksCases]
    serializer_class = Rm2000DetailSerializer

    @extend_schema(
        summary="One RM2000/S scoring, explained and recomputed",
        description="With `recompute`: the rule applied today to the stored inputs, and whether "
        "it gives the stored result.",
        responses={200: Rm2000DetailSerializer, **READ_ERRORS},
    )
    def get(self, request, scoring_id):
        nominal = access_case(request.user, _nominal_of(scoring_id))
        scoring = rm2000.rm2000_history(nominal).get(pk=scoring_id)
        scoring.recompute = rm2000.rm2000_recompute(scoring, sex=nominal.sex)
        _viewed(request, obj=scoring, nominal=nominal, description="API: RM2000/S scoring")
        return Response(self.get_serializer(scoring).data)


def _nominal_of(scoring_id: int) -> int:
    # The same 404 whether the scoring is missing or on a case the user cannot see.
    found = Rm2000Scoring.objects.filter(pk=scoring_id).values_list("nominal_id", flat=True)
    nominal_id = found.first()
    if nominal_id is None:
        raise Http404("No scoring found")
    return nominal_id


# --- The overall risk level ---------------------------------------------------------------------


class RiskLevelListCreate(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, WorksCases]
    serializer_class = RiskLevelOutputSerializer
    # For the schema only: the rows always come from the case the user may see.
    queryset = RiskLevelChange.objects.none()

    @extend_schema(
        summary="The history of a person's overall risk level, latest first",
        description="Each setting with who set it, from when and why. The first is the level "
        "in force.",
        responses={200: RiskLevelOutputSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, pk):
        nominal = access_case(request.user, pk)
        page = self.paginate_queryset(levels.level_history(nominal))
        _viewed(request, obj=nominal, nominal=nominal, description=f"API: {len(page)} risk levels")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Set the overall risk level",
        description="Records the level from a date (today by default, never in the future) with "
        "the reasons. The latest setting becomes the person's current level. The same level, "
        "date and reasons sent again record nothing new and answer 200 with the first setting.",
        request=RiskLevelInputSerializer,
        responses={
            201: OpenApiResponse(RiskLevelOutputSerializer, description="Recorded."),
            200: OpenApiResponse(
                RiskLevelOutputSerializer, description="Already recorded: the first setting."
            ),
            **ERRORS,
        },
    )
    def post(self, request, pk):
        nominal = access_case(request.user, pk, write=True)
        given = RiskLevelInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        change, created = _write(
            levels.risk_level_set, acting_user=request.user, nominal=nominal, **given.validated_data
        )
        return _created(self.get_serializer(change).data, created)
