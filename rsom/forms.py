"""Form plumbing shared by every app: GOV.UK rendering and a date field with clear messages."""

from __future__ import annotations

from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError


class GovFormMixin:
    """Renders with crispy-forms-gds inside the page's own <form> (the template owns the tag,
    the CSRF token and the buttons) and an error summary at the top of the page."""

    @property
    def helper(self) -> FormHelper:
        # Built on first use, so fields a subclass removes in __init__ stay out of the layout.
        if not hasattr(self, "_helper"):
            self._helper = FormHelper(self)
            self._helper.form_tag = False
        return self._helper


class GovForm(GovFormMixin, forms.Form):
    pass


class GovModelForm(GovFormMixin, forms.ModelForm):
    pass


class GovDateField(DateInputField):
    """The GOV.UK three-box date with messages that say what to fix."""

    def __init__(self, *, label: str, hint: str = "For example, 27 3 2007", **kwargs):
        super().__init__(label=label, help_text=hint, require_all_fields=False, **kwargs)
        self.error_messages["required"] = f"Enter the {label.lower()}"
        self.error_messages["incomplete"] = f"{label} must include a day, month and year"
        for sub in self.fields:
            sub.required = True

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        if len(str(year)) != 4:
            raise ValidationError("Year must include 4 numbers", code="invalid_year")
        try:
            return date(day=int(day), month=int(month), year=int(year))
        except ValueError:
            raise ValidationError(
                f"{self.label} must be a real date", code="invalid_date"
            ) from None
