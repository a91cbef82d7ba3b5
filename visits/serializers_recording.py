"""Serializers for recording visits and their photos and recordings over the API: explicit input
and output shapes. Inputs check shape; the services apply the rules (time not in the future, the
person's own addresses, file types checked on their contents)."""

from __future__ import annotations

from rest_framework import serializers

from cases.serializers import PersonSerializer
from visits.models import Outcome, Visit, VisitAttachment
from visits.services.recording import ITEM_LIMIT, NOTE_LIMIT, TEXT_LIMIT

MAX_ID = 2**63 - 1


def _text(label: str, limit: int = TEXT_LIMIT, **kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=limit,
        required=False,
        allow_blank=True,
        error_messages={"max_length": f"{label} must be {limit:,} characters or fewer"},
        **kwargs,
    )


class ObservationSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=ITEM_LIMIT, help_text="What was checked.")
    seen = serializers.BooleanField(help_text="Seen or discussed at the visit.")
    note = _text("A note", NOTE_LIMIT, default="")


class VisitRecordInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        error_messages={"invalid_choice": "“{input}” is not a valid outcome"},
        help_text="Anything but completed is a failed attempt.",
    )
    visited_at = serializers.DateTimeField(help_text="When the visit took place: now or earlier.")
    address = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="One of the person's addresses (needed when they have any).",
    )
    present = _text("Who was present")
    observations = ObservationSerializer(many=True, required=False)
    concerns = _text("Concerns")
    follow_up = _text("Follow-up actions")
    draft_version = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text="The draft version the record is based on: a record based on an older version "
        "is refused (409) rather than overwriting changes made elsewhere.",
    )
    client_key = serializers.UUIDField(
        required=False,
        help_text="The visit's client key, if known: a key for another visit is refused.",
    )


class VisitRecordNewInputSerializer(VisitRecordInputSerializer):
    client_key = serializers.UUIDField(
        help_text="Made by the phone for this visit: sending the same key again returns the "
        "visit already recorded."
    )


class AttachmentSummarySerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="photo, audio or video")

    class Meta:
        model = VisitAttachment
        fields = ["id", "kind", "content_type", "size", "uploaded_at"]


class VisitRecordOutputSerializer(serializers.ModelSerializer):
    nominal = serializers.IntegerField(source="nominal_id")
    status = serializers.CharField(help_text="planned, draft, recorded or cancelled")
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True)
    failed = serializers.BooleanField(help_text="Recorded, but not completed: a failed attempt.")
    address = serializers.IntegerField(source="address_id", allow_null=True)
    address_text = serializers.SerializerMethodField()
    observations = ObservationSerializer(many=True)
    recorded_by = PersonSerializer(allow_null=True)
    attachments = AttachmentSummarySerializer(many=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "nominal",
            "status",
            "outcome",
            "failed",
            "visited_at",
            "address",
            "address_text",
            "present",
            "observations",
            "concerns",
            "follow_up",
            "draft_version",
            "client_key",
            "recorded_by",
            "attachments",
        ]

    def get_address_text(self, visit: Visit) -> str:
        return str(visit.address) if visit.address_id else ""


class AttachmentOutputSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="photo, audio or video")
    uploaded_by = PersonSerializer()
    file_url = serializers.SerializerMethodField(help_text="Where to fetch the file (audited).")

    class Meta:
        model = VisitAttachment
        fields = [
            "id",
            "visit",
            "kind",
            "content_type",
            "size",
            "sha256",
            "caption",
            "uploaded_by",
            "uploaded_at",
            "file_url",
        ]

    def get_file_url(self, attachment: VisitAttachment) -> str:
        from django.urls import reverse

        path = reverse(
            "api:visit-attachment",
            kwargs={"visit_id": attachment.visit_id, "attachment_id": attachment.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A photo (JPEG, PNG, HEIC; up to 15 MB), audio (MP3, M4A, WebM, Ogg, WAV; up to "
        "50 MB) or video (MP4, WebM, MOV; up to 200 MB). The declared type must match the "
        "contents. The same file sent again is kept once (200).",
        error_messages={
            "required": "Choose a photo or recording to upload",
            "invalid": "Send the file as multipart form data",
            "empty": "The file is empty: choose it again",
        },
    )
    caption = _text("Caption", 300)
