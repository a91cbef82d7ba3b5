"""Validation for RM2000/S scoring and the overall risk level. The rule decides what is valid
(risk.rules through risk.services.rm2000); its messages land on the field they concern."""

from __future__ import annotations

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Nominal, RiskLevel
from risk.services.rm2000 import COUNTS, FACTORS, rm2000_outcome, rm2000_sex_applies
from rsom.forms import GovDateField, GovForm

MAX_APPEARANCES = 999
YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(label: str, hint: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=hint,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
    )


def _count(label: str, hint: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=hint,
        required=False,
        min_value=0,
        max_value=MAX_APPEARANCES,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": f"{label} must be a whole number, like 2",
            "min_value": f"{label} cannot be a negative number",
            "max_value": f"{label} must be {MAX_APPEARANCES} or fewer",
        },
    )


class Rm2000Form(GovForm):
    commencement_date = GovDateField(
        label="Commencement date",
        hint="The release date, or today if he is in the community. For example, 27 3 2025",
    )
    sexual_appearances = _count(
        "Sexual appearances",
        "Court appearances or cautions for sexual offences, including the current one",
    )
    criminal_appearances = _count(
        "Criminal appearances",
        "All court appearances or cautions for any offence, including the sexual ones and the "
        "current one",
    )
    male_victim = _yes_no(
        "Was any sexual offence against a male?",
        "A sexual offence against a boy or a man, at any time",
    )
    stranger_victim = _yes_no(
        "Was any sexual offence against a stranger?",
        "A victim he did not know 24 hours before the offence",
    )
    single = _yes_no(
        "Is he single?",
        "Select yes if he has never lived with an adult partner, as a couple, for 2 years or more",
    )
    non_contact = _yes_no(
        "Was any sexual offence a non-contact offence?",
        "For example, indecent exposure, voyeurism or indecent images",
    )

    def __init__(self, *args, nominal: Nominal, **kwargs):
        self.nominal = nominal
        kwargs.setdefault("initial", {"commencement_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        # Section 4 (4.5): the scale is for males only, so there is nothing else to ask.
        self.scale_applies = rm2000_sex_applies(nominal)
        if not self.scale_applies:
            for name in (*COUNTS, *FACTORS):
                del self.fields[name]

    @property
    def helper(self) -> FormHelper:
        if not hasattr(self, "_helper"):
            helper = FormHelper(self)
            helper.form_tag = False
            helper.disable_csrf = True  # the page's own <form> carries the token
            if not self.scale_applies:
                helper.layout = Layout(Field("commencement_date"))
                self._helper = helper
                return helper
            helper.layout = Layout(
                Field("commencement_date"),
                Fieldset(
                    Field.text("sexual_appearances", field_width=3),
                    Field.text("criminal_appearances", field_width=3),
                    legend="Step 1: appearances",
                    legend_size=Size.MEDIUM,
                ),
                Fieldset(
                    *(Field.radios(name, inline=True) for name in FACTORS),
                    legend="Step 2: aggravating factors",
                    legend_size=Size.MEDIUM,
                ),
            )
            self._helper = helper
        return self._helper

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("commencement_date") is None:
            return cleaned
        try:
            rm2000_outcome(nominal=self.nominal, data=cleaned)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                # A field already in error keeps its own message, not "enter the number".
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, messages)
        return cleaned

    def service_data(self) -> dict:
        return {
            name: self.cleaned_data.get(name) for name in ("commencement_date", *COUNTS, *FACTORS)
        }


LEVEL_CHOICES = [
    Choice(
        RiskLevel.LOW,
        "Low",
        hint="Current evidence does not point to a likelihood of causing serious harm",
    ),
    Choice(
        RiskLevel.MEDIUM,
        "Medium",
        hint="There are identifiable signs of risk of serious harm, but serious harm is "
        "unlikely unless circumstances change",
    ),
    Choice(
        RiskLevel.HIGH,
        "High",
        hint="There are identifiable signs of risk of serious harm; it could happen at any time "
        "and the harm would be serious",
    ),
    Choice(
        RiskLevel.VERY_HIGH,
        "Very high",
        hint="The risk of serious harm is imminent: more likely than not to happen soon, and the "
        "harm would be serious",
    ),
]


class RiskLevelForm(GovForm):
    level = forms.ChoiceField(
        label="Overall risk of serious harm",
        choices=LEVEL_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the risk level",
            "invalid_choice": "Select low, medium, high or very high",
        },
    )
    rationale = forms.CharField(
        label="Why is this the right level?",
        help_text="Say what informed it: RM2000, ARMS, recent behaviour, intelligence",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Enter the reasons for this risk level",
            "max_length": "The reasons must be 4,000 characters or fewer",
        },
    )
    set_on = GovDateField(label="Date the level takes effect", hint="For example, 27 3 2025")

    def __init__(self, *args, nominal: Nominal, **kwargs):
        self.nominal = nominal
        kwargs.setdefault(
            "initial", {"level": nominal.risk_level or None, "set_on": timezone.localdate()}
        )
        super().__init__(*args, **kwargs)

    @property
    def helper(self) -> FormHelper:
        if not hasattr(self, "_helper"):
            helper = FormHelper(self)
            helper.form_tag = False
            helper.disable_csrf = True  # the page's own <form> carries the token
            helper.layout = Layout(
                Field.radios("level", legend_size=Size.MEDIUM),
                Field.textarea("rationale", rows=6),
                Field("set_on"),
            )
            self._helper = helper
        return self._helper

    def clean_set_on(self):
        set_on = self.cleaned_data["set_on"]
        if set_on and set_on > timezone.localdate():
            raise ValidationError("The date the level takes effect must be today or in the past")
        if set_on and set_on < self.nominal.date_of_birth:
            raise ValidationError(
                "The date the level takes effect must be after the date of birth "
                f"({self.nominal.date_of_birth:%-d %b %Y})"
            )
        return set_on

    def clean_rationale(self):
        rationale = self.cleaned_data["rationale"].strip()
        if not rationale:
            raise ValidationError("Enter the reasons for this risk level")
        return rationale
