"""Validation for the case pages. Forms validate only; services write."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from cases import models as m
from cases.validators import (
    normalise_ni_number,
    normalise_postcode,
    validate_date_of_birth,
)
from rsom.forms import GovDateField, GovForm, GovModelForm

PHOTO_MAX_BYTES = 5 * 1024 * 1024


class NominalIdentityForm(GovModelForm):
    date_of_birth = GovDateField(label="Date of birth", hint="For example, 27 3 1985")
    # Longer than the stored 9 characters: people type the spaces printed on the card.
    ni_number = forms.CharField(
        label="National Insurance number",
        max_length=20,
        required=False,
        help_text="It's on the person's National Insurance card or payslip. "
        "For example, QQ 12 34 56 C",
    )

    class Meta:
        model = m.Nominal
        fields = ["forenames", "surname", "date_of_birth", "sex", "ni_number", "mappa_category"]
        widgets = {"sex": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].choices = list(m.Sex.choices)
        self.fields["forenames"].error_messages["required"] = "Enter their first and middle names"
        self.fields["surname"].error_messages["required"] = "Enter their last name"
        self.fields["sex"].error_messages["required"] = "Select their sex"

    def clean_date_of_birth(self):
        dob = self.cleaned_data["date_of_birth"]
        validate_date_of_birth(dob)
        return dob

    def clean_ni_number(self):
        return normalise_ni_number(self.cleaned_data.get("ni_number", ""))

    def clean_photograph(self):
        photo = self.cleaned_data.get("photograph")
        if photo and getattr(photo, "size", 0) > PHOTO_MAX_BYTES:
            raise ValidationError("The photograph must be smaller than 5 MB")
        return photo


class NominalForm(NominalIdentityForm):
    photograph_taken_on = GovDateField(label="Date the photograph was taken", required=False)

    class Meta(NominalIdentityForm.Meta):
        # MAPPA category and level change on the case's MAPPA tab, with a rationale and history.
        fields = [f for f in m.NOMINAL_DETAIL_FIELDS if not f.startswith("mappa_")]
        # A plain file input: the current photograph has no public URL to link to.
        widgets = {
            "sex": forms.RadioSelect,
            "photograph": forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
        }
        help_texts = {
            "photograph": "A JPEG or PNG smaller than 5 MB. It replaces the current photograph.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Reactive management is entered and left through the supervisor's decision only.
        current = self.instance.status if self.instance.pk else None
        self.fields["status"].choices = [
            (value, label)
            for value, label in self.fields["status"].choices
            if value != m.NominalStatus.REACTIVE or current == m.NominalStatus.REACTIVE
        ]
        if current == m.NominalStatus.REACTIVE:
            self.fields[
                "status"
            ].help_text = "To return the case to active management, use Reactive management."

    def clean_status(self):
        status = self.cleaned_data["status"]
        current = self.instance.status if self.instance.pk else None
        if current == m.NominalStatus.REACTIVE and status == m.NominalStatus.ACTIVE:
            raise ValidationError(
                "Return the case to active management through Reactive management, where a "
                "supervisor decides"
            )
        return status


class NominalCreateForm(NominalIdentityForm):
    confirm_not_duplicate = forms.BooleanField(
        required=False, label="I have checked: none of these is the same person"
    )

    def __init__(self, *args, possible_duplicates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.possible_duplicates = list(possible_duplicates)
        if not self.possible_duplicates:
            del self.fields["confirm_not_duplicate"]

    def clean(self):
        data = super().clean()
        if self.possible_duplicates and not data.get("confirm_not_duplicate"):
            self.add_error(
                "confirm_not_duplicate",
                "Check the possible matches, then confirm none of them is the same person",
            )
        return data


class DuplicateCheckForm(GovForm):
    """The name and date of birth typed so far (checked before a case is created)."""

    forenames = forms.CharField(required=False)
    surname = forms.CharField(required=False)
    date_of_birth_0 = forms.IntegerField(required=False)
    date_of_birth_1 = forms.IntegerField(required=False)
    date_of_birth_2 = forms.IntegerField(required=False)

    def date_of_birth(self):
        from datetime import date

        d = self.cleaned_data
        try:
            return date(d["date_of_birth_2"], d["date_of_birth_1"], d["date_of_birth_0"])
        except (TypeError, ValueError, KeyError):
            return None


class AllocateForm(GovForm):
    offender_manager = forms.ModelChoiceField(
        queryset=m.User.objects.none(),
        label="Offender manager",
        error_messages={
            "required": "Select the offender manager to allocate the case to",
            "invalid_choice": "Select an offender manager from the list",
        },
    )

    def __init__(self, *args, managers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offender_manager"].queryset = managers
        self.fields["offender_manager"].label_from_instance = lambda u: (
            f"{u} ({', '.join(t.name for t in u.teams.all())})"
        )


class SearchForm(GovForm):
    q = forms.CharField(
        label="Name, other name or reference",
        required=False,
        max_length=100,
        help_text="For example, John Smith or TVP-000123",
    )
    date_of_birth = GovDateField(
        label="Date of birth", required=False, hint="For example, 27 3 1985"
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("q") and not data.get("date_of_birth"):
            raise ValidationError("Enter a name, other name, reference or date of birth")
        return data


class CaseloadFilterForm(forms.Form):
    status = forms.MultipleChoiceField(
        choices=m.NominalStatus.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    manager = forms.ModelChoiceField(
        queryset=m.User.objects.none(), required=False, label="Offender manager"
    )
    q = forms.CharField(required=False, label="Name or reference")

    def __init__(self, *args, managers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if managers is None:
            del self.fields["manager"]
        else:
            self.fields["manager"].queryset = managers


# --- The details a person notifies -------------------------------------------------------------


class DatedRecordForm(GovModelForm):
    from_date = GovDateField(label="From", required=False, hint="For example, 27 3 2020")
    to_date = GovDateField(
        label="To", required=False, hint="Leave blank if this still holds. For example, 27 3 2024"
    )
    masked_fields: tuple[str, ...] = ()

    def __init__(self, *args, reveal_numbers: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Someone who may not see a full number edits the rest without it: blank keeps it.
        self.kept = {}
        if not reveal_numbers and self.instance.pk:
            for name in self.masked_fields:
                self.kept[name] = getattr(self.instance, name)
                self.fields[name].required = False
                self.fields[name].help_text = f"Leave blank to keep {self.instance.masked_number}"
                self.initial[name] = ""

    def clean(self):
        data = super().clean()
        for name, value in self.kept.items():
            if not data.get(name):
                data[name] = value
        start, end = data.get("from_date"), data.get("to_date")
        if start and end and end < start:
            self.add_error("to_date", "The ‘to’ date must be the same as or after the ‘from’ date")
        return data


def _record_form(model, fields, *, widgets=None, extra=None):
    attrs = {"Meta": type("Meta", (), {"model": model, "fields": fields, "widgets": widgets or {}})}
    attrs.update(extra or {})
    return type(f"{model.__name__}Form", (DatedRecordForm,), attrs)


def _clean_postcode(self):
    return normalise_postcode(self.cleaned_data.get("postcode", ""))


def _clean_digits(name):
    def clean(self):
        return "".join(self.cleaned_data.get(name, "").split()).replace("-", "")

    return clean


OtherNameForm = _record_form(
    m.OtherName, ["kind", "name", "from_date", "to_date"], widgets={"kind": forms.RadioSelect}
)
OnlineIdentityForm = _record_form(
    m.OnlineIdentity,
    ["kind", "value", "platform", "from_date", "to_date"],
    widgets={"kind": forms.RadioSelect},
)
AddressForm = _record_form(
    m.Address,
    ["kind", "line_1", "line_2", "town", "postcode", "notes", "from_date", "to_date"],
    widgets={"kind": forms.RadioSelect},
    extra={"clean_postcode": _clean_postcode},
)
IdentityDocumentForm = _record_form(
    m.IdentityDocument,
    [
        "kind",
        "number",
        "name_shown",
        "issuing_country",
        "issued_on",
        "expires_on",
        "from_date",
        "to_date",
    ],
    extra={
        "issued_on": GovDateField(label="Date of issue", required=False),
        "expires_on": GovDateField(label="Expiry date", required=False),
    },
)
BankAccountForm = _record_form(
    m.BankAccount,
    ["institution", "sort_code", "account_number", "from_date", "to_date"],
    extra={
        "clean_account_number": _clean_digits("account_number"),
        "masked_fields": ("account_number",),
    },
)
PaymentCardForm = _record_form(
    m.PaymentCard,
    ["issuer", "card_number", "valid_from", "expires", "from_date", "to_date"],
    extra={"clean_card_number": _clean_digits("card_number"), "masked_fields": ("card_number",)},
)
VehicleForm = _record_form(
    m.Vehicle, ["registration", "make", "model", "colour", "from_date", "to_date"]
)
EmploymentForm = _record_form(m.Employment, ["employer", "role", "address", "from_date", "to_date"])
