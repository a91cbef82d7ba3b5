"""Case-level access: allocation grants and revokes object permissions in one transaction, and
lists are filtered in the query."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases import services
from cases.access import access_case
from cases.models import MappaLevel, Nominal, NominalUserObjectPermission
from tests.conftest import make_user


def visible(user):
    return set(Nominal.objects.visible_to(user).values_list("pk", flat=True))


def test_allocated_manager_reads_and_writes(om, nominal):
    assert access_case(om, nominal.pk, write=True) == nominal


def test_team_colleague_reads_only(colleague, nominal):
    assert access_case(colleague, nominal.pk).pk == nominal.pk
    with pytest.raises(PermissionDenied):
        access_case(colleague, nominal.pk, write=True)


@pytest.mark.parametrize(
    "persona", ["om_south", "front_desk", "administrator", "mappa_chair", "other_force_om"]
)
def test_outsiders_get_404(persona, request, nominal):
    with pytest.raises(Http404):
        access_case(request.getfixturevalue(persona), nominal.pk)


def test_supervisor_reads_and_writes_team_cases(supervisor, nominal):
    assert access_case(supervisor, nominal.pk, write=True) == nominal


def test_reallocation_moves_every_permission(supervisor, om, om_south, colleague, nominal):
    services.nominal_allocate(acting_user=supervisor, nominal=nominal, offender_manager=om_south)

    assert nominal.pk not in visible(om)
    assert nominal.pk not in visible(colleague)  # North no longer holds the case
    assert nominal.pk in visible(om_south)
    assert access_case(om_south, nominal.pk, write=True)
    assert not NominalUserObjectPermission.objects.filter(user=om, content_object=nominal).exists()
    nominal.refresh_from_db()
    assert nominal.team == om_south.teams.get()
    assert nominal.events.filter(kind="allocated").count() == 1


def test_allocating_twice_changes_nothing(supervisor, om, nominal):
    assert (
        services.nominal_allocate(acting_user=supervisor, nominal=nominal, offender_manager=om)
        is False
    )
    assert nominal.events.filter(kind="allocated").count() == 0


def test_mappa_chair_sees_level_2_and_3_cases_only(om, mappa_chair, nominal):
    assert nominal.pk not in visible(mappa_chair)
    services.nominal_update(
        acting_user=om, nominal=nominal, data={"mappa_level": MappaLevel.LEVEL_2}
    )
    assert nominal.pk in visible(mappa_chair)
    with pytest.raises(PermissionDenied):
        access_case(mappa_chair, nominal.pk, write=True)
    services.nominal_update(
        acting_user=om, nominal=nominal, data={"mappa_level": MappaLevel.LEVEL_1}
    )
    assert nominal.pk not in visible(mappa_chair)


def test_a_user_never_sees_another_forces_cases(other_force, force, nominal):
    """Even a grant on a case of another force does not show it: the force filter is in SQL."""
    outsider = make_user("x_y", other_force, ["offender_manager"])
    services.nominal_allocate(acting_user=outsider, nominal=nominal, offender_manager=outsider)
    assert nominal.pk not in visible(outsider)


def test_front_desk_finds_registered_people_of_own_force_only(
    front_desk, other_force_om, nominal, other_force_nominal, om
):
    own = Nominal.objects.findable_at_front_desk(front_desk)
    assert list(own) == [nominal]
    services.nominal_update(acting_user=om, nominal=nominal, data={"status": "deceased"})
    assert not Nominal.objects.findable_at_front_desk(front_desk).exists()


def test_case_list_filters_in_one_query(django_assert_num_queries, om, nominal):
    with django_assert_num_queries(1):
        assert list(Nominal.objects.visible_to(om)) == [nominal]


def test_leaving_a_team_loses_its_cases(colleague, nominal, south):
    services.user_set_roles(user=colleague, roles=["offender_manager"], teams=[south])
    assert nominal.pk not in visible(colleague)
