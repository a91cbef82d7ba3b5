"""Validation for the ARMS and risk management plan pages. Forms check what was typed; the
services decide what may be saved, submitted or signed off."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import HTML, Field, Fluid, Layout, Size
from django import forms
from django.http import QueryDict

from risk.models import (
    ActionStatus,
    ArmsAssessment,
    ArmsFactor,
    Evidence,
    FactorKind,
    PlanHeading,
)
from risk.services.plans import INTERVAL_MONTHS
from rsom.forms import GovDateField, GovForm

MAX_ROWS = 30  # actions under one heading in one review


def long_text(
    label: str, *, limit: int = 10000, rows: int = 6, required: bool = False, **kwargs
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}",
            "max_length": f"{label} must be {limit:,} characters or fewer",
        },
        **kwargs,
    )


# --- ARMS ---------------------------------------------------------------------------------------


class ArmsStartForm(GovForm):
    reason = forms.CharField(
        label="Why this assessment",
        required=False,
        max_length=300,
        help_text="For example, the annual review, or new intelligence.",
        error_messages={"max_length": "Why this assessment must be 300 characters or fewer"},
    )


def _evidence_name(factor: ArmsFactor) -> str:
    return f"evidence_{factor.code}"


def _note_name(factor: ArmsFactor) -> str:
    return f"note_{factor.code}"


class ArmsForm(GovForm):
    """Each factor in use rated on the evidence with a note, then the formulation and priorities.
    Every field is optional while drafting; submitting checks that nothing is missing."""

    reason = ArmsStartForm.base_fields["reason"]
    formulation = long_text(
        "Formulation summary",
        help_text="How the factors fit together to explain the risk the person poses.",
    )
    priorities = long_text("Priorities for the risk management plan")

    def __init__(self, *args, factors: list[ArmsFactor], assessment: ArmsAssessment, **kwargs):
        ratings = {r.factor_id: r for r in assessment.ratings.all()}
        initial = {
            "reason": assessment.reason,
            "formulation": assessment.formulation,
            "priorities": assessment.priorities,
        }
        for factor in factors:
            rating = ratings.get(factor.pk)
            initial[_evidence_name(factor)] = rating.evidence if rating else ""
            initial[_note_name(factor)] = rating.note if rating else ""
        super().__init__(*args, initial=initial, **kwargs)
        self.factors = factors
        for factor in factors:
            self.fields[_evidence_name(factor)] = forms.ChoiceField(
                label=factor.name,
                choices=Evidence.choices,
                required=False,
                widget=forms.RadioSelect,
                help_text=factor.description,
                error_messages={"invalid_choice": f"Select the evidence for {factor.name.lower()}"},
            )
            self.fields[_note_name(factor)] = long_text(
                f"Note on {factor.name.lower()}", limit=5000, rows=3
            )
        self.helper.layout = self._layout()

    def _layout(self) -> Layout:
        parts: list[Any] = [Field.text("reason")]
        for kind, label in FactorKind.choices:
            group = [f for f in self.factors if f.kind == kind]
            if not group:
                continue
            parts.append(HTML(f'<h2 class="govuk-heading-m">{label}s</h2>'))
            for factor in group:
                parts.append(
                    Field.radios(_evidence_name(factor), legend_size=Size.SMALL, inline=True)
                )
                parts.append(Field.textarea(_note_name(factor), rows=3))
        parts.append(HTML('<h2 class="govuk-heading-m">Formulation</h2>'))
        parts += [Field.textarea("formulation", rows=6), Field.textarea("priorities", rows=6)]
        return Layout(*parts)

    def clean(self):
        data = super().clean()
        for factor in self.factors:
            if data.get(_note_name(factor), "").strip() and not data.get(_evidence_name(factor)):
                self.add_error(
                    _evidence_name(factor),
                    f"Select the evidence for {factor.name.lower()} to keep its note",
                )
        return data

    def ratings(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            f.code: (data.get(_evidence_name(f), ""), data.get(_note_name(f), ""))
            for f in self.factors
        }

    def add_gaps(self, gaps: list[tuple[str, str]]) -> None:
        """Put each thing missing for submission on its field."""
        for name, message in gaps:
            if name.startswith("factor:"):
                name = f"evidence_{name.removeprefix('factor:')}"
            self.add_error(name if name in self.fields else None, message)


class ArmsDecideForm(GovForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("sign_off", "Sign off the assessment"),
            ("return", "Return it to the offender manager with comments"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to sign off or return the assessment"},
    )
    comments = long_text(
        "Comments",
        limit=5000,
        rows=5,
        help_text="Needed to return the assessment: say what to change.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not data.get("comments", "").strip():
            self.add_error("comments", "Enter your comments for the offender manager")
        return data


# --- The risk management plan -------------------------------------------------------------------


class PlanForm(GovForm):
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput)
    contingency = long_text(
        "Contingency plan",
        rows=5,
        required=True,
        help_text="What will be done if risk increases or the plan breaks down.",
    )
    protective_factors = long_text("Protective factors to build on", rows=4)
    visit_interval_months = forms.TypedChoiceField(
        label="Individual visit frequency",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "The force's interval for the risk level")]
        + [(str(m), f"At least every {m} month{'s' if m > 1 else ''}") for m in INTERVAL_MONTHS],
        help_text="Only if this person needs visits more or less often than the force's "
        "interval for their risk level.",
        error_messages={"invalid_choice": "Select an individual visit frequency from the list"},
    )
    visit_interval_reason = forms.CharField(
        label="Reason for the individual visit frequency",
        required=False,
        max_length=300,
        error_messages={"max_length": "The reason must be 300 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            "based_on",
            Field.textarea("contingency", rows=5),
            Field.textarea("protective_factors", rows=4),
            Field.select("visit_interval_months"),
            Field.text("visit_interval_reason", field_width=Fluid.FULL),
        )

    def clean(self):
        data = super().clean()
        months = data.get("visit_interval_months")
        reason = (data.get("visit_interval_reason") or "").strip()
        if months and not reason and not self.has_error("visit_interval_reason"):
            self.add_error(
                "visit_interval_reason", "Give the reason for the individual visit frequency"
            )
        if reason and not months and not self.has_error("visit_interval_months"):
            self.add_error(
                "visit_interval_months",
                "Select the individual visit frequency, or remove the reason",
            )
        return data


class PlanActionForm(GovForm):
    """One action row. A row left empty is ignored."""

    action = long_text("Action", limit=2000, rows=2)
    owner = forms.CharField(
        label="Owner",
        required=False,
        max_length=100,
        help_text="Who will do it: a person, a role or an agency.",
        error_messages={"max_length": "The owner must be 100 characters or fewer"},
    )
    due = GovDateField(label="Due date", hint="Optional. For example, 27 3 2026", required=False)
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        initial=ActionStatus.OPEN,
        required=False,
        error_messages={"invalid_choice": "Select open, done or cancelled"},
    )

    def __init__(self, *args, heading: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.heading = heading
        self.helper.layout = Layout(
            Field.textarea("action", rows=2),
            Field.text("owner", field_width=Fluid.TWO_THIRDS),
            "due",
            Field.select("status"),
        )

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (
            data.get("action", "").strip() or data.get("owner", "").strip() or data.get("due")
        )

    def clean(self):
        data = super().clean()
        if self.has_error("due") or not self.is_blank:
            if not data.get("action", "").strip() and not self.has_error("action"):
                self.add_error("action", "Enter the action")
            if not data.get("owner", "").strip() and not self.has_error("owner"):
                self.add_error("owner", "Enter who owns the action")
        return data

    def values(self) -> dict[str, Any]:
        return {
            "heading": self.heading,
            **{n: self.cleaned_data[n] for n in ("action", "owner", "due", "status")},
        }


class PlanActionRows:
    """The action rows under each heading. Typed rows come back from the page with a count per
    heading; "add another" redraws the page with one more blank row, without saving."""

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        initial: dict[str, list[dict[str, Any]]] | None = None,
        blank_rows: int = 1,
        add_to: str = "",
    ):
        self.groups: list[tuple[str, str, list[PlanActionForm]]] = []
        for heading, label in PlanHeading.choices:
            if data is not None:
                count = _row_count(data.get(f"{heading}-rows"))
                rows = [
                    PlanActionForm(data, prefix=f"{heading}-{i}", heading=heading)
                    for i in range(count)
                ]
            else:
                given = (initial or {}).get(heading, [])
                rows = [
                    PlanActionForm(prefix=f"{heading}-{i}", heading=heading, initial=row)
                    for i, row in enumerate(given)
                ]
                extra = blank_rows + (1 if heading == add_to else 0)
                rows += [
                    PlanActionForm(prefix=f"{heading}-{len(rows) + i}", heading=heading)
                    for i in range(min(extra, MAX_ROWS - len(rows)))
                ]
                if heading == add_to and rows:
                    # Without scripts, focusing the new row is how the page takes you to it.
                    rows[-1].fields["action"].widget.attrs["autofocus"] = True
            self.groups.append((heading, label, rows))

    @property
    def forms(self) -> list[PlanActionForm]:
        return [f for _, _, rows in self.groups for f in rows]

    def is_valid(self) -> bool:
        return all([f.is_valid() for f in self.forms])

    def values(self) -> list[dict[str, Any]]:
        return [f.values() for f in self.forms if not f.is_blank]

    def typed(self, *, add_to: str = "") -> PlanActionRows:
        """The same rows unsaved and without errors (for "add another")."""
        return PlanActionRows(
            initial={heading: [_typed(f) for f in rows] for heading, _, rows in self.groups},
            blank_rows=0,
            add_to=add_to,
        )


def typed_form(form: forms.Form, **kwargs) -> forms.Form:
    """An unbound copy of a bound form showing what was typed, with no errors."""
    return type(form)(prefix=form.prefix, initial=_typed(form), **kwargs)


def _typed(form: forms.Form) -> dict[str, Any]:
    return {name: form[name].value() for name in form.fields}


def _row_count(value: str | None) -> int:
    try:
        return max(0, min(int(value or 0), MAX_ROWS))
    except ValueError:
        return 0


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=ActionStatus.choices,
        error_messages={"required": "Select a status", "invalid_choice": "Select a status"},
    )
