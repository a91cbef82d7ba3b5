"""Administrators keep their force's capacity model: the points each category of case is worth
(with the date each value applies from) and how hours turn into points."""

from __future__ import annotations

from django.contrib import admin

from cases import audit
from cases.models import AuditAction
from dashboards.models import CapacitySettings, CaseWeight


class OwnForceMixin:
    """An administrator sees and edits their own force's rows only."""

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("force")
        return qs if request.user.is_superuser else qs.filter(force=request.user.force_id)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "force" and not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model.objects.filter(pk=request.user.force_id)
            kwargs["initial"] = request.user.force_id
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ["force"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # Past weights explain past capacity figures: add a newer row rather than delete.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changes = [
            {"field": str(form.fields[name].label), "old": "", "new": str(form.cleaned_data[name])}
            for name in form.changed_data
        ]
        audit.record(
            actor=request.user,
            action=AuditAction.CHANGE if change else AuditAction.CREATE,
            obj=obj,
            description=f"Capacity model: {obj}",
            changes=changes,
        )


@admin.register(CaseWeight)
class CaseWeightAdmin(OwnForceMixin, admin.ModelAdmin):
    list_display = ["category", "points", "effective_from", "force"]
    list_filter = ["category"]
    ordering = ["category", "-effective_from"]
    fields = ["force", "category", "points", "effective_from"]


@admin.register(CapacitySettings)
class CapacitySettingsAdmin(OwnForceMixin, admin.ModelAdmin):
    list_display = ["force", "full_time_hours", "full_time_points"]
    fields = ["force", "full_time_hours", "full_time_points"]

    def has_add_permission(self, request):
        # One row per force, made with the defaults the first time capacity is shown.
        if not super().has_add_permission(request):
            return False
        return (
            request.user.is_superuser
            or not CapacitySettings.objects.filter(force=request.user.force_id).exists()
        )
