"""A case's visit status for lists (defined once, in visits.services.planning)."""

from django import template
from django.utils import timezone

from visits.services.planning import due_status, stored_due

register = template.Library()


@register.simple_tag(takes_context=True)
def visit_status(context, nominal) -> str:
    """ "overdue", "due_soon", "up_to_date" or "" for a case's next visit, as of today."""
    stored = stored_due(nominal) if nominal else None
    if stored is None or stored.due is None:
        return ""
    # The user's force is the case's (cases are only visible within a force) and is read once.
    request = context.get("request")
    force = getattr(getattr(request, "user", None), "force", None) or nominal.force
    days = force.due_soon_days
    return due_status(stored.due, on=timezone.localdate(), due_soon_days=days) or ""
