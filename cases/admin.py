"""Administrators manage users, teams and force settings here. Cases are never in the admin:
administrators see no case unless they also hold a case role."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from cases import services
from cases.models import Force, Role, Team, User


class RolesMixin(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = list(self.instance.roles)


class RsomUserChangeForm(RolesMixin, UserChangeForm):
    pass


class RsomUserCreationForm(RolesMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email", "force")


@admin.register(User)
class RsomUserAdmin(UserAdmin):
    form = RsomUserChangeForm
    add_form = RsomUserCreationForm
    list_display = ("username", "first_name", "last_name", "force", "role_labels", "is_active")
    list_filter = ("force", "is_active", "groups")
    filter_horizontal = ("teams",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "collar_number")}),
        ("Access", {"fields": ("force", "teams", "roles", "is_active")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "force",
                    "roles",
                    "password1",
                    "password2",
                )
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(force=request.user.force)
            .prefetch_related("groups")
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.user_set_roles(user=form.instance, roles=form.cleaned_data.get("roles", []))


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ("force", "name")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    form = TeamForm
    list_display = ("name", "force")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(force=request.user.force)

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
        else:
            created = services.team_create(force=obj.force, name=obj.name)
            obj.pk = created.pk
            obj.members_group_id = created.members_group_id
            obj.supervisors_group_id = created.supervisors_group_id


@admin.register(Force)
class ForceAdmin(admin.ModelAdmin):
    list_display = ("name", "reference_prefix", "caseload_guideline", "due_soon_days")
    readonly_fields = ("name", "code", "country", "kind")
    fields = (
        "name",
        "code",
        "country",
        "kind",
        "reference_prefix",
        "caseload_guideline",
        "due_soon_days",
        "feb29_anniversary_on_march_1",
        "travel_short_notice_hours",
        "review_adult_years",
        "review_youth_years",
        "further_review_years",
        "review_decision_weeks",
        "ending_notice_days",
        "reactive_qualifying_years",
        "reactive_civil_orders_exclude",
        "arms_review_months",
        "visit_months_very_high",
        "visit_months_high",
        "visit_months_medium",
        "visit_months_low",
        "mappa_level2_review_weeks",
        "mappa_level3_review_weeks",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk=request.user.force_id)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
