"""The status of a person's clock, for lists (the rule itself is notifications.rules)."""

from django import template
from django.utils import timezone

from notifications.rules import clock_status

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_status(context, clock) -> str:
    """ "overdue", "due_soon", "up_to_date" or "" for a clock (or none), as of today."""
    if not clock or clock.next_due is None:
        return ""
    days = context["request"].user.force.due_soon_days
    return clock_status(due=clock.next_due, on=timezone.localdate(), due_soon_days=days)
