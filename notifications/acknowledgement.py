"""The written acknowledgement every notification is owed (s.87(3)): what it says, the PDF it
is printed as, and the verification code that lets anyone in the force check one is genuine."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import weasyprint
from crispy_forms_gds.helper import FormHelper
from django import forms
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst
from weasyprint.urls import URLFetcher

from notifications.models import Notification, NotificationType
from rsom.forms import GovForm

LONDON = ZoneInfo("Europe/London")
TEMPLATE = "notifications/acknowledgement_pdf.html"

# The alphabet `new_verification_code` draws from: no 0/O or 1/I to misread.
CODE_ALPHABET = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
CODE_LENGTH = 10
CODE_EXAMPLE = "K7QM-4TXP-9H"

TRAVEL_FIELDS = [
    "departure_date",
    "departure_point",
    "destinations",
    "carriers",
    "first_night_accommodation",
    "return_date",
    "return_point",
]
EVENT_LABELS = {
    NotificationType.CHANGE: "Date of the change",
    NotificationType.TRAVEL_RETURN: "Date of return",
    NotificationType.NON_OCCURRENCE: "Date the change was expected",
}

# Only inline data: the PDF never reaches out to the network or the file system.
NO_REMOTE_FETCHER = URLFetcher(allowed_protocols=("data",))


# --- Formatting, as GOV.UK writes dates and times ----------------------------------------------


def long_date(day: date | None) -> str:
    return f"{day:%-d %B %Y}" if day else ""


def clock_time(moment: datetime) -> str:
    if moment.hour == 12 and moment.minute == 0:
        return "midday"
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{moment:%-I:%M}{suffix}"


def date_and_time(moment: datetime) -> str:
    local = moment.astimezone(LONDON)
    return f"{long_date(local.date())} at {clock_time(local)}"


def officer_name(user) -> str:
    name = user.get_full_name() or user.get_username()
    if user.collar_number:
        name += f" (collar number {user.collar_number})"
    return name


# --- What the acknowledgement says --------------------------------------------------------------


def acknowledgement_queryset() -> QuerySet[Notification]:
    """Everything the acknowledgement prints, in one query."""
    return Notification.objects.select_related(
        "nominal", "nominal__force", "nominal__clock", "station", "taken_by", "amends"
    )


def next_periodic_due(notification: Notification) -> date | None:
    try:
        clock = notification.nominal.clock
    except ObjectDoesNotExist:
        return None
    return clock.next_periodic_due


def travel_rows(notification: Notification) -> list[dict[str, str]]:
    if notification.type not in (NotificationType.TRAVEL, NotificationType.TRAVEL_RETURN):
        return []
    rows = []
    for name in TRAVEL_FIELDS:
        value = getattr(notification, name)
        if isinstance(value, date):
            value = long_date(value)
        rows.append({"label": _label(name), "value": value or "Not given"})
    if notification.short_notice_reason:
        rows.append(
            {"label": _label("short_notice_reason"), "value": notification.short_notice_reason}
        )
    if notification.amends is not None:
        notified = notification.amends.taken_at.astimezone(LONDON).date()
        rows.append({"label": _label("amends"), "value": f"Notified on {long_date(notified)}"})
    return rows


def _label(field: str) -> str:
    return capfirst(Notification._meta.get_field(field).verbose_name)


def event_row(notification: Notification) -> dict[str, str] | None:
    label = EVENT_LABELS.get(notification.type)
    if not (label and notification.event_date):
        return None
    value = long_date(notification.event_date)
    if notification.in_advance:
        value += " (notified in advance)"
    return {"label": label, "value": value}


def acknowledgement_context(
    notification: Notification, *, printed_at: datetime | None = None
) -> dict:
    nominal = notification.nominal
    return {
        "title": "Acknowledgement of notification",
        "notification": notification,
        "nominal": nominal,
        "date_of_birth": long_date(nominal.date_of_birth),
        "taken_at": date_and_time(notification.taken_at),
        "taken_by": officer_name(notification.taken_by),
        "type_label": notification.get_type_display(),
        "change_labels": notification.change_labels,
        "event": event_row(notification),
        "sections": notification.details,
        "travel": travel_rows(notification),
        "next_periodic_due": long_date(next_periodic_due(notification)),
        "printed_at": date_and_time(printed_at or timezone.now()),
        "verification_code": notification.verification_code,
    }


def acknowledgement_filename(notification: Notification) -> str:
    taken_on = notification.taken_at.astimezone(LONDON).date()
    reference = re.sub(r"[^A-Za-z0-9-]", "", notification.nominal.reference) or "case"
    return f"acknowledgement-{reference}-{taken_on:%Y%m%d}.pdf"


def render_acknowledgement_pdf(
    notification: Notification, *, printed_at: datetime | None = None
) -> bytes:
    html = render_to_string(TEMPLATE, acknowledgement_context(notification, printed_at=printed_at))
    document = weasyprint.HTML(
        string=html, base_url=str(settings.BASE_DIR), url_fetcher=NO_REMOTE_FETCHER
    )
    # Tagged, so a screen reader follows the headings and tables.
    return document.write_pdf(pdf_tags=True)


# --- Checking a code ----------------------------------------------------------------------------


def normalise_code(text: str) -> str | None:
    """The code as stored (XXXX-XXXX-XX) from however it was typed, or None if it cannot be one."""
    # Spaces, hyphens and the dashes word processors turn them into are all ignored.
    raw = re.sub(r"[\s\-\u2010-\u2015_.]", "", text or "").upper()
    if len(raw) != CODE_LENGTH or not set(raw) <= CODE_ALPHABET:
        return None
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class VerifyForm(GovForm):
    code = forms.CharField(
        label="Verification code",
        help_text=f"It is printed on the acknowledgement, for example {CODE_EXAMPLE}",
        max_length=40,
        error_messages={"required": "Enter the verification code"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
                "class": "govuk-input--width-10",
            }
        ),
    )

    @property
    def helper(self) -> FormHelper:
        helper = super().helper
        # A GET form: a CSRF token would only end up in the address bar and the logs.
        helper.disable_csrf = True
        return helper

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise ValidationError(
                "Enter the verification code as printed: 10 letters and numbers, "
                f"like {CODE_EXAMPLE}",
                code="format",
            )
        return code


def verification_rows(notification: Notification) -> list[dict[str, str]]:
    """What a check shows: enough to match the paper, nothing else of the case."""
    kind = notification.get_type_display()
    if notification.change_types:
        kind += ": " + "; ".join(notification.change_labels).lower()
    return [
        {"label": "Case reference", "value": notification.nominal.reference},
        {"label": "Type", "value": kind},
        {"label": "Date and time", "value": date_and_time(notification.taken_at)},
        {"label": "Police station", "value": notification.station.name},
        {"label": "Taken by", "value": officer_name(notification.taken_by)},
    ]


def find_acknowledgement(user, code: str) -> Notification | None:
    """The notification with this code, if it belongs to a person of the user's force."""
    if not (user.is_authenticated and user.force_id):
        return None
    return (
        Notification.objects.select_related("nominal", "station", "taken_by")
        .filter(verification_code=code, nominal__force_id=user.force_id)
        .first()
    )
