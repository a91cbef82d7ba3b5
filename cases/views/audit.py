"""The audit trail, for administrators: search events by user and by case."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render

from cases import audit
from cases.models import AuditAction, AuditEvent, Nominal, User
from rsom.forms import GovForm
from rsom.views import permission_needed


class AuditSearchForm(GovForm):
    user = forms.CharField(label="User name", required=False, max_length=150)
    case = forms.CharField(
        label="Case reference", required=False, max_length=20, help_text="For example, TVP-000123"
    )
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AuditAction.choices]
    )


@permission_needed("cases.view_auditevent")
def audit_search(request):
    form = AuditSearchForm(request.GET or None)
    events = AuditEvent.objects.order_by("-id")
    case = None
    if form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            user_ids = User.objects.filter(
                force_id=request.user.force_id, username__iexact=data["user"].strip()
            ).values("pk")
            events = events.filter(user_id__in=user_ids)
        if data["case"]:
            case = Nominal.objects.filter(
                force_id=request.user.force_id, reference__iexact=data["case"].strip()
            ).first()
            events = events.filter(nominal_id=case.pk if case else -1)
        if data["action"]:
            events = events.filter(action=data["action"])
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    audit.record(actor=request.user, action=AuditAction.SEARCH, description="Audit trail search")
    return render(request, "cases/audit_search.html", {"form": form, "page": page, "case": case})
