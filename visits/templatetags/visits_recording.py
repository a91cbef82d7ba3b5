"""Template tags for the recording and warrant parts of a case's Visits tab."""

from __future__ import annotations

import uuid

from django import template

from visits.services.warrant import STATUTORY_TEST, WarrantStatus, warrant_status

register = template.Library()


@register.simple_tag
def warrant_for(nominal) -> WarrantStatus:
    """Whether a warrant under s.96B may be sought for the case, and the attempts behind it."""
    return warrant_status(nominal)


@register.simple_tag
def statutory_test() -> list[str]:
    return STATUTORY_TEST


@register.simple_tag
def new_client_key() -> str:
    """A key for one "Record a visit now" press, so pressing twice starts one record."""
    return str(uuid.uuid4())
