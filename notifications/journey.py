"""The counter journey: the forms for each detail the person says has changed, and how each
change is made to the record (through the case services, so every change keeps its history).

A change dated in the future is an advance notification (s.84(2)): it is recorded with the
notification but the record is changed by the offender manager on the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import forms as case_forms
from cases import services as case_services
from cases.models import Address, BankAccount, IdentityDocument, Nominal, OtherName, PaymentCard
from cases.validators import normalise_ni_number, validate_ni_number
from notifications import rules
from notifications.models import Absence, AbsenceKind, Notification, NotificationType, Station
from notifications.services import absence_save, short_notice_problem, trips_to_change
from rsom.forms import GovDateField, GovForm


def _fmt(day: date) -> str:
    return day.strftime("%-d %b %Y")


# --- Step 1: what kind of notification, where ----------------------------------------------------


class StartForm(GovForm):
    type = forms.ChoiceField(
        label="What is the person notifying?",
        choices=NotificationType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the person is notifying"},
    )
    station = forms.ModelChoiceField(
        label="Police station",
        queryset=Station.objects.none(),
        empty_label="Select the station",
        error_messages={
            "required": "Select the police station",
            "invalid_choice": "Select a station from the list",
        },
    )

    def __init__(self, *args, force, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = Station.objects.filter(force=force, in_use=True)


# --- Step 2: identity ----------------------------------------------------------------------------


class IdentityForm(GovForm):
    identity_confirmed = forms.ChoiceField(
        label="Is this the person at the counter?",
        choices=[
            ("photograph", "Yes, they match the photograph"),
            ("document", "Yes, checked against an identity document"),
            ("no", "No, or I cannot tell"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this is the person at the counter"},
    )

    def clean_identity_confirmed(self):
        value = self.cleaned_data["identity_confirmed"]
        if value == "no":
            raise ValidationError(
                "Do not record a notification for someone whose identity is not confirmed. "
                "Ask for an identity document or contact the offender manager."
            )
        return value


# --- Step 3: the details, one section at a time --------------------------------------------------


def _change_date(label: str, *, hint: str = "For example, 8 6 2026") -> GovDateField:
    return GovDateField(label=label, hint=hint)


def _not_long_ago_or_far_ahead(day: date | None, label: str) -> date | None:
    if day is None:
        return day
    today = timezone.localdate()
    if day > today + timedelta(days=366):
        raise ValidationError(f"{label} must be within the next year")
    return day


class NameChangeForm(GovForm):
    forenames = forms.CharField(label="New first and middle names", max_length=100)
    surname = forms.CharField(label="New last name", max_length=100)
    changed_on = _change_date("Date they started using the new name")

    def clean_changed_on(self):
        return _not_long_ago_or_far_ahead(self.cleaned_data["changed_on"], "The date")


class NiNumberForm(GovForm):
    ni_number = forms.CharField(
        label="National Insurance number",
        max_length=20,
        help_text="For example, QQ 12 34 56 C",
        error_messages={"required": "Enter the National Insurance number"},
    )

    def clean_ni_number(self):
        value = normalise_ni_number(self.cleaned_data["ni_number"])
        validate_ni_number(value)
        return value


class _NewRecordForm(case_forms.DatedRecordForm):
    """A new detail from the counter: its start date is the date of the change."""

    started_label = "Date of the change"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_date"] = _change_date(self.started_label)
        self.fields.pop("to_date", None)

    def clean_from_date(self):
        return _not_long_ago_or_far_ahead(self.cleaned_data["from_date"], "The date")

    def _post_clean(self):
        # A future date is an advance notification; the model's "not in the future" check
        # applies when the record is changed on the day.
        from_date = self.cleaned_data.get("from_date")
        if from_date and from_date > timezone.localdate():
            self.cleaned_data["from_date"] = None
            super()._post_clean()
            self.cleaned_data["from_date"] = from_date
        else:
            super()._post_clean()


def _address_form(kind_choices, *, started_label, with_notes=False):
    fields = ["line_1", "line_2", "town", "postcode", "from_date"]
    if len(kind_choices) > 1:
        fields.insert(0, "kind")
    if with_notes:
        fields.append("notes")

    class Meta:
        model = Address
        widgets = {"kind": forms.RadioSelect}

    Meta.fields = fields

    def init(self, *args, **kwargs):
        _NewRecordForm.__init__(self, *args, **kwargs)
        if "kind" in self.fields:
            self.fields["kind"].choices = kind_choices
        else:
            self.instance.kind = kind_choices[0][0]
        if with_notes:
            self.fields["notes"].required = True
            self.fields["notes"].label = "When they intend to stay there"
            self.fields["notes"].error_messages["required"] = "Enter when they intend to stay"

    return type(
        "AddressChangeForm",
        (_NewRecordForm,),
        {
            "Meta": Meta,
            "__init__": init,
            "started_label": started_label,
            "clean_postcode": case_forms._clean_postcode,
        },
    )


HomeAddressForm = _address_form(
    [(Address.Kind.HOME, "A new home address"), (Address.Kind.NO_FIXED_ABODE, "No fixed abode")],
    started_label="Date they moved",
)
# s.84(1)(c), 2.6: the change is the day the stays add up to 7 days within 12 months.
_OtherAddressForm = _address_form(
    [(Address.Kind.OTHER, "Other address")],
    started_label="Date the stays there added up to 7 days (in any 12 months)",
)
STAYS = 3  # stays the form asks for; more than three short ones are rare at a counter


class StayAddressForm(_OtherAddressForm):
    """An address not notified where the person has stayed. Given the stays, RSOM works out the
    day they added up to 7 days; the clerk need not count."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        date_field = self.fields["from_date"]
        date_field.required = False
        date_field.help_text = "Leave blank when you have given the stays: RSOM works it out"
        stays = []
        for n in range(1, STAYS + 1):
            first, last = f"stay_{n}_first", f"stay_{n}_last"
            hint = "Each stay there in the last 12 months. For example, 1 1 2025"
            self.fields[first] = GovDateField(
                label=f"Stay {n}: first day", required=False, hint=hint if n == 1 else ""
            )
            self.fields[last] = GovDateField(label=f"Stay {n}: last day", required=False, hint="")
            stays += [first, last]
        self.order_fields(["line_1", "line_2", "town", "postcode", *stays, "from_date"])

    def clean(self):
        data = super().clean()
        stays = self._stays(data)
        for n in range(1, STAYS + 1):
            data.pop(f"stay_{n}_first", None)
            data.pop(f"stay_{n}_last", None)
        if self.errors:
            return data
        given = data.get("from_date")
        if not stays:
            if given is None:
                self.add_error(
                    "from_date",
                    "Enter the date the stays added up to 7 days, or the stays themselves",
                )
            return data
        force = self.instance.nominal.force
        reached = rules.qualifying_stay(
            stays, feb29_falls_on_march_1=force.feb29_anniversary_on_march_1
        )
        if reached is None:
            days = rules.days_stayed(stays)
            self.add_error(
                "stay_1_first",
                f"These stays never add up to 7 days within 12 months ({days} days in all): the "
                "address need not be notified yet",
            )
        elif given and given != reached.reached_on:
            self.add_error(
                "from_date",
                f"The stays reached 7 days on {_fmt(reached.reached_on)}: enter that date or "
                "leave it blank",
            )
        else:
            data["from_date"] = reached.reached_on
            data["notes"] = ("Stays: " + "; ".join(_span(a, b) for a, b in stays))[:300]
        return data

    def _stays(self, data) -> list[tuple[date, date]]:
        stays = []
        for n in range(1, STAYS + 1):
            first, last = data.get(f"stay_{n}_first"), data.get(f"stay_{n}_last")
            if first and last and last < first:
                self.add_error(f"stay_{n}_last", f"Stay {n} must end on or after its first day")
            elif first and last:
                if last > timezone.localdate():
                    self.add_error(f"stay_{n}_last", f"Stay {n} must have ended by today")
                stays.append((first, last))
            elif first:
                self.add_error(f"stay_{n}_last", f"Enter the last day of stay {n}")
            elif last:
                self.add_error(f"stay_{n}_first", f"Enter the first day of stay {n}")
        return stays


def _span(first: date, last: date) -> str:
    return _fmt(first) if first == last else f"{_fmt(first)} to {_fmt(last)}"


HouseholdForm = _address_form(
    [(Address.Kind.HOUSEHOLD_WITH_CHILD, "Household with a child")],
    started_label="Date they started staying there",
    with_notes=True,
)


class _ClosingForm(GovForm):
    """Details no longer held (an account closed, a card cancelled)."""

    closed_on = GovDateField(label="Date closed", required=False)

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed"] = forms.ModelMultipleChoiceField(
            label="No longer held",
            queryset=current,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.order_fields(["closed", "closed_on"])

    def clean(self):
        data = super().clean()
        if data.get("closed") and not data.get("closed_on") and "closed_on" not in self.errors:
            self.add_error("closed_on", "Enter the date they closed")
        if data.get("closed_on") and data["closed_on"] > timezone.localdate():
            self.add_error("closed_on", "The date closed must be today or in the past")
        return data

    def has_input(self) -> bool:
        return bool(self.data.getlist(self.add_prefix("closed")))


def _new_record_form(model, fields, *, started_label, extra=None):
    meta = type("Meta", (), {"model": model, "fields": [*fields, "from_date"]})
    attrs = {"Meta": meta, "started_label": started_label, **(extra or {})}
    return type(f"New{model.__name__}Form", (_NewRecordForm,), attrs)


NewAccountForm = _new_record_form(
    BankAccount,
    ["institution", "sort_code", "account_number"],
    started_label="Date opened",
    extra={"clean_account_number": case_forms._clean_digits("account_number")},
)
NewCardForm = _new_record_form(
    PaymentCard,
    ["issuer", "card_number", "valid_from", "expires"],
    started_label="Date issued",
    extra={"clean_card_number": case_forms._clean_digits("card_number")},
)
NewDocumentForm = _new_record_form(
    IdentityDocument,
    ["kind", "number", "name_shown", "issuing_country", "issued_on", "expires_on"],
    started_label="Date issued",
    extra={
        "issued_on": GovDateField(label="Date of issue", required=False),
        "expires_on": GovDateField(label="Expiry date", required=False),
    },
)


class ReleaseForm(GovForm):
    released_on = _change_date("Date of release")

    def clean_released_on(self):
        day = self.cleaned_data["released_on"]
        if day and day > timezone.localdate():
            raise ValidationError("The date of release must be today or in the past")
        return day


# --- Travel and non-occurrence --------------------------------------------------------------------


class _CounterForm(GovForm):
    """A form the counter fills for one person (`nominal`)."""

    def __init__(self, *args, nominal: Nominal, **kwargs):
        super().__init__(*args, **kwargs)
        self.nominal = nominal


class TravelForm(_CounterForm):
    amends = forms.ModelChoiceField(
        label="Does this change a trip they have already notified?",
        queryset=Notification.objects.none(),
        required=False,
        empty_label="No, this is a new trip",
        help_text="A change to a notified trip is due 24 hours before departure",
    )
    departure_date = GovDateField(label="Date of departure")
    departure_point = forms.CharField(label="Point of departure", max_length=200)
    destinations = forms.CharField(
        label="Countries and points of arrival",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Each country they will visit and where they will arrive",
    )
    carriers = forms.CharField(
        label="Carriers", max_length=300, help_text="Airline, ferry or train"
    )
    first_night_accommodation = forms.CharField(
        label="Accommodation for the first night", max_length=300
    )
    return_date = GovDateField(label="Date of return", required=False)
    return_point = forms.CharField(
        label="Point of arrival on return", max_length=200, required=False
    )
    short_notice_reason = forms.CharField(
        label="Why they could not give 7 days' notice",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only when they leave in less than 7 days: why 7 days' notice was not "
        "reasonably practicable. With a reason, the notification is due 24 hours before "
        "departure; without one, it is late.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        trips = trips_to_change(self.nominal)
        chosen = self.data.get(self.add_prefix("amends")) if self.is_bound else None
        if not chosen and not trips.exists():
            del self.fields["amends"]
            return
        # Kept when a trip was chosen, even one that has since begun, so the clerk is told.
        field = self.fields["amends"]
        field.queryset = trips
        field.label_from_instance = _trip_label
        field.error_messages["invalid_choice"] = (
            "That trip has begun or was changed since: choose one of the trips listed, or "
            "record this as a new trip"
        )

    def clean(self):
        data = super().clean()
        leaving, back = data.get("departure_date"), data.get("return_date")
        if leaving and back and back < leaving:
            self.add_error("return_date", "The date of return must be on or after departure")
        problem = short_notice_problem(
            leaving, data.get("short_notice_reason"), amends=data.get("amends")
        )
        if problem:
            self.add_error("short_notice_reason", problem)
        return data


def shown(field: forms.Field, value):
    """A cleaned value as the clerk chose it: a chosen record by the label it was offered with."""
    if isinstance(field, forms.ModelChoiceField):
        return field.label_from_instance(value)
    return value


def _trip_label(trip: Notification) -> str:
    where = trip.destinations.splitlines()[0] if trip.destinations else "abroad"
    notified = _fmt(timezone.localtime(trip.taken_at).date())
    return f"Leaving {_fmt(trip.departure_date)} for {where} (notified {notified})"


class ReturnForm(_CounterForm):
    return_date = GovDateField(label="Date they returned")
    return_point = forms.CharField(label="Point of arrival", max_length=200)

    def clean_return_date(self):
        day = self.cleaned_data["return_date"]
        if day and day > timezone.localdate():
            raise ValidationError("The date they returned must be today or in the past")
        return day


class NonOccurrenceForm(_CounterForm):
    event_date = GovDateField(label="Date the change was expected")
    what = forms.CharField(label="What did not happen", max_length=300)


# --- The sections a notification goes through ----------------------------------------------------


@dataclass(frozen=True)
class ChangeSection:
    slug: str
    change_type: str
    forms: tuple[tuple[str, type], ...]  # (prefix suffix, form class)


CHANGES = {
    "names": ChangeSection("names", "name", (("new", NameChangeForm),)),
    "home-address": ChangeSection("home-address", "home_address", (("new", HomeAddressForm),)),
    "other-addresses": ChangeSection(
        "other-addresses", "qualifying_stay", (("new", StayAddressForm),)
    ),
    "households": ChangeSection("households", "household_with_child", (("new", HouseholdForm),)),
    "ni-number": ChangeSection("ni-number", "", (("new", NiNumberForm),)),
    "accounts": ChangeSection(
        "accounts", "account", (("new", NewAccountForm), ("closed", _ClosingForm))
    ),
    "cards": ChangeSection("cards", "card", (("new", NewCardForm), ("closed", _ClosingForm))),
    "documents": ChangeSection("documents", "identity_document", (("new", NewDocumentForm),)),
    "release": ChangeSection("release", "release", (("new", ReleaseForm),)),
}

CURRENT = {"accounts": BankAccount, "cards": PaymentCard}
MODEL_FORMS = (_NewRecordForm,)


def section_forms(slug: str, nominal: Nominal, data=None) -> list[forms.Form]:
    """The forms for one changed section, bound to `data` when given."""
    built = []
    for suffix, form_class in CHANGES[slug].forms:
        kwargs = {"prefix": f"{slug}-{suffix}"}
        if issubclass(form_class, _ClosingForm):
            model = CURRENT[slug]
            on = timezone.localdate()
            kwargs["current"] = model.objects.filter(nominal=nominal).exclude(to_date__lt=on)
        elif issubclass(form_class, MODEL_FORMS):
            kwargs["instance"] = form_class._meta.model(nominal=nominal)
        built.append(form_class(data, **kwargs))
    return built


def _typed(form) -> bool:
    """Whether anything was typed into an optional part of a section (e.g. a new account)."""
    if isinstance(form, _ClosingForm):
        return form.has_input()
    for name in form.fields:
        key = form.add_prefix(name)
        values = [v for k, v in form.data.items() if k == key or k.startswith(key + "_")]
        if any(str(v).strip() for v in values):
            return True
    return False


def validate_section(slug: str, nominal: Nominal, data) -> tuple[list[forms.Form], bool]:
    """Bind and validate a changed section. Where a section has optional parts (add and/or
    close), at least one must be filled in. Returns (forms, valid)."""
    built = section_forms(slug, nominal, data)
    if len(built) == 1:
        return built, built[0].is_valid()
    used = [f for f in built if _typed(f)]
    if not used:
        built[0].is_valid()  # show what a new one needs
        return built, False
    return built, all(f.is_valid() for f in used)


def used_forms(slug: str, built: list[forms.Form]) -> list[forms.Form]:
    return built if len(built) == 1 else [f for f in built if _typed(f)]


CHANGE_DATE_FIELDS = ("changed_on", "from_date", "closed_on", "released_on")


def change_date(slug: str, built: list[forms.Form]) -> date | None:
    """The day of the section's first change."""
    return next((day for day in change_dates(slug, built) if day), None)


def change_dates(slug: str, built: list[forms.Form]) -> list[date | None]:
    """The day of each change a section records (a new detail, one no longer held …)."""
    return [
        next((form.cleaned_data[n] for n in CHANGE_DATE_FIELDS if form.cleaned_data.get(n)), None)
        for form in used_forms(slug, built)
    ]


# --- Making the changes ---------------------------------------------------------------------------


def apply_section(*, acting_user, nominal: Nominal, slug: str, built) -> list[dict]:
    """Change the record for one section; returns the changes as [{"field","old","new"}]."""
    today = timezone.localdate()
    changes: list[dict] = []
    for form in used_forms(slug, built):
        data = dict(form.cleaned_data)
        when = change_date(slug, [form])
        if when and when > today:
            changes.append(_advance_change(slug, form, when))
            continue
        changes += applier(slug, form)(acting_user, nominal, form, data)
    return changes


def _advance_change(slug: str, form, when: date) -> dict:
    # A model form's instance prints itself with account and card numbers masked.
    instance = getattr(form, "instance", None)
    typed = (
        str(instance)
        if instance is not None
        else ", ".join(
            str(v) for v in form.cleaned_data.values() if v and not isinstance(v, date | bool)
        )
    )
    return {
        "field": f"{CHANGES[slug].slug.replace('-', ' ').capitalize()} (notified in advance)",
        "old": "",
        "new": f"From {_fmt(when)}: {typed}",
    }


def _apply_name(acting_user, nominal, form, data) -> list[dict]:
    old = nominal.full_name
    case_services.record_save(
        acting_user=acting_user,
        nominal=nominal,
        instance=OtherName(nominal=nominal),
        data={
            "kind": OtherName.Kind.PREVIOUS,
            "name": old,
            "to_date": data["changed_on"] - timedelta(days=1),
        },
        label="Other name",
    )
    return case_services.nominal_update(
        acting_user=acting_user,
        nominal=nominal,
        data={"forenames": data["forenames"], "surname": data["surname"]},
    )


def _apply_ni(acting_user, nominal, form, data) -> list[dict]:
    return case_services.nominal_update(
        acting_user=acting_user, nominal=nominal, data={"ni_number": data["ni_number"]}
    )


def _end_current(acting_user, nominal, records, ended: date, label: str) -> list[dict]:
    changes = []
    for record in records:
        changes += case_services.record_save(
            acting_user=acting_user,
            nominal=nominal,
            instance=record,
            data={"to_date": max(ended, record.from_date or ended)},
            label=label,
        )
    return changes


def _apply_new_record(label: str, *, replaces_home: bool = False):
    def apply(acting_user, nominal, form, data) -> list[dict]:
        changes = []
        if replaces_home:
            homes = Address.objects.filter(
                nominal=nominal, kind__in=[Address.Kind.HOME, Address.Kind.NO_FIXED_ABODE]
            ).exclude(to_date__lt=data["from_date"])
            ended = data["from_date"] - timedelta(days=1)
            changes += _end_current(acting_user, nominal, homes, ended, "Address")
        instance = form.instance
        instance.pk = None
        case_services.record_save(
            acting_user=acting_user, nominal=nominal, instance=instance, data=data, label=label
        )
        return [*changes, {"field": label, "old": "", "new": str(instance)}]

    return apply


def _apply_closing(label: str):
    def apply(acting_user, nominal, form, data) -> list[dict]:
        records = list(data["closed"])
        _end_current(acting_user, nominal, records, data["closed_on"], label)
        return [
            {"field": f"{label} closed", "old": str(r), "new": f"Closed {_fmt(data['closed_on'])}"}
            for r in records
        ]

    return apply


def _apply_release(acting_user, nominal, form, data) -> list[dict]:
    released = data["released_on"]
    away = Absence.objects.filter(
        nominal=nominal,
        kind__in=[AbsenceKind.CUSTODY, AbsenceKind.HOSPITAL],
        last_day__isnull=True,
        first_day__lte=released,
    ).first()
    if away is not None:
        absence_save(
            acting_user=acting_user, nominal=nominal, data={"last_day": released}, absence=away
        )
    return [{"field": "Released", "old": "", "new": _fmt(released)}]


APPLY = {
    "NameChangeForm": _apply_name,
    "NiNumberForm": _apply_ni,
    "NewBankAccountForm": _apply_new_record("Bank account"),
    "NewPaymentCardForm": _apply_new_record("Payment card"),
    "NewIdentityDocumentForm": _apply_new_record("Identity document"),
}
_ADDRESS_APPLY = {
    "home-address": _apply_new_record("Address", replaces_home=True),
    "other-addresses": _apply_new_record("Address"),
    "households": _apply_new_record("Address"),
}
_CLOSING_APPLY = {
    "accounts": _apply_closing("Bank account"),
    "cards": _apply_closing("Payment card"),
}


def applier(slug: str, form):
    if slug == "release":
        return _apply_release
    if slug in _ADDRESS_APPLY:
        return _ADDRESS_APPLY[slug]
    if isinstance(form, _ClosingForm):
        return _CLOSING_APPLY[slug]
    return APPLY[type(form).__name__]


class ConfirmForm(GovForm):
    fingerprints_taken = forms.BooleanField(label="Fingerprints taken", required=False)
    photograph_taken = forms.BooleanField(label="Photograph taken", required=False)
