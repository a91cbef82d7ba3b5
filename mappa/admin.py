"""Administrators keep the MAPPA agencies' reference list up to date (names, whether each one's
statutory footing is confirmed, whether it is still offered)."""

from django.contrib import admin

from mappa.models import Agency


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "confirmed", "in_use", "order"]
    list_filter = ["kind", "confirmed", "in_use"]
    search_fields = ["name", "notes"]
    ordering = ["order", "name"]

    def has_delete_permission(self, request, obj=None):
        # Minutes name agencies: retire one (untick "in use") rather than delete it.
        return False
