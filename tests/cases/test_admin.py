"""Administrators manage users, teams and force settings in the admin site; no one else can,
and cases are not there at all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Role, User


def test_administrator_manages_users_teams_and_settings(client, administrator, om):
    client.force_login(administrator)
    for name in (
        "admin:index",
        "admin:cases_user_changelist",
        "admin:cases_team_changelist",
        "admin:cases_force_changelist",
    ):
        assert client.get(reverse(name)).status_code == 200, name
    assert om.username in client.get(reverse("admin:cases_user_changelist")).content.decode()


def test_administrator_gives_a_user_roles(client, administrator, force, north):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:cases_user_add"),
        {
            "username": "new_officer",
            "first_name": "New",
            "last_name": "Officer",
            "email": "",
            "force": force.pk,
            "roles": [Role.OFFENDER_MANAGER],
            "password1": "a-long-password-99",
            "password2": "a-long-password-99",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="new_officer").has_role(Role.OFFENDER_MANAGER)


@pytest.mark.parametrize("persona", ["om", "supervisor", "front_desk", "mappa_chair"])
def test_other_roles_cannot_use_the_admin(persona, request, client):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("admin:cases_user_changelist"))
    assert response.status_code == 302 and "login" in response.url


def test_cases_are_not_in_the_admin():
    from django.contrib import admin

    from cases.models import Nominal

    assert Nominal not in admin.site._registry
