"""Reference data administrators keep up to date: Schedule 3 offences and the force's stations."""

from django.contrib import admin

from notifications.models import Schedule3Offence, Station


@admin.register(Schedule3Offence)
class Schedule3OffenceAdmin(admin.ModelAdmin):
    list_display = ["paragraph", "offence", "enactment", "threshold", "confirmed", "in_use"]
    list_filter = ["confirmed", "in_use"]
    search_fields = ["paragraph", "offence", "enactment"]


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["name", "force", "address", "in_use"]
    list_filter = ["in_use"]
    search_fields = ["name"]

    def get_queryset(self, request):
        # An administrator keeps their own force's stations.
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(force=request.user.force_id)
