"""Personas covering the access matrix, and test-only settings."""

from __future__ import annotations

import io
from datetime import date

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from cases import services
from cases.models import Address, Force, Role, User
from cases.reference import load_forces
from mappa.models import Agency
from mappa.reference import load_agencies
from notifications import services as register
from notifications.models import Schedule3Offence, Station
from notifications.reference import load_schedule3
from risk.models import ArmsFactor
from risk.reference import load_arms_factors

PASSWORD = "a-long-test-password-1"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: their transactional flushes are slower and run best together."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture
def reference_data(db):
    """Forces and Schedule 3 come from data migrations; a transactional flush removes them."""
    load_forces(Force)
    load_schedule3(Schedule3Offence)
    load_arms_factors(ArmsFactor)
    load_agencies(Agency)


@pytest.fixture
def force(reference_data):
    return Force.objects.get(code="thames-valley")


@pytest.fixture
def other_force(reference_data):
    return Force.objects.get(code="kent")


@pytest.fixture
def north(force):
    return services.team_create(force=force, name="North")


@pytest.fixture
def south(force):
    return services.team_create(force=force, name="South")


def make_user(username, force, roles, teams=(), **extra):
    first, _, last = username.partition("_")
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        force=force,
        first_name=first.title(),
        last_name=last.title() or "Test",
        **extra,
    )
    services.user_set_roles(user=user, roles=list(roles), teams=list(teams))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def om(force, north):
    """The offender manager the case is allocated to."""
    return make_user("olivia_marsh", force, [Role.OFFENDER_MANAGER], [north])


@pytest.fixture
def colleague(force, north):
    """Another offender manager in the same team: reads the case, cannot change it."""
    return make_user("daniel_okafor", force, [Role.OFFENDER_MANAGER], [north])


@pytest.fixture
def om_south(force, south):
    """An offender manager in another team of the same force: cannot see the case."""
    return make_user("priya_shah", force, [Role.OFFENDER_MANAGER], [south])


@pytest.fixture
def supervisor(force, north):
    return make_user("helen_price", force, [Role.SUPERVISOR], [north])


@pytest.fixture
def front_desk(force):
    return make_user("tom_reed", force, [Role.FRONT_DESK])


@pytest.fixture
def mappa_chair(force):
    return make_user("margaret_ellis", force, [Role.MAPPA_CHAIR])


@pytest.fixture
def administrator(force):
    return make_user("ade_bello", force, [Role.ADMINISTRATOR])


@pytest.fixture
def other_force_om(other_force):
    team = services.team_create(force=other_force, name="Kent MOSOVO")
    return make_user(
        "kim_other", other_force, [Role.OFFENDER_MANAGER, Role.FRONT_DESK, Role.SUPERVISOR], [team]
    )


def png_upload(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 50), (120, 140, 160)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def nominal(om):
    """A case allocated to `om` in the North team, with a photograph and a home address."""
    case = services.nominal_create(
        acting_user=om,
        data={
            "forenames": "John Paul",
            "surname": "Smith",
            "date_of_birth": date(1980, 4, 12),
            "sex": "male",
            "ni_number": "AB123456C",
        },
    )
    case.photograph.save("p.png", png_upload(), save=True)
    Address.objects.create(
        nominal=case,
        kind=Address.Kind.HOME,
        line_1="12 Mill Lane",
        town="Reading",
        postcode="RG1 4XX",
        from_date=date(2020, 1, 1),
    )
    return case


@pytest.fixture
def other_force_nominal(other_force_om):
    return services.nominal_create(
        acting_user=other_force_om,
        data={
            "forenames": "Other",
            "surname": "Person",
            "date_of_birth": date(1975, 1, 1),
            "sex": "male",
        },
    )


@pytest.fixture
def station(force):
    return Station.objects.create(force=force, name="Reading police station")


@pytest.fixture
def conviction(nominal, om):
    """A 24-month custodial sentence on 1 Mar 2020: 10 years, last day 28 Feb 2030."""
    return register.conviction_save(
        acting_user=om,
        nominal=nominal,
        data={
            "kind": "conviction",
            "relevant_date": date(2020, 3, 1),
            "court": "Reading Crown Court",
            "offence": Schedule3Offence.objects.get(paragraph="13"),
            "disposal": "custody",
            "terms": [{"start": 0, "length": 24}],
        },
    )


@pytest.fixture
def notification(conviction, front_desk, station):
    """A periodic notification taken at the front desk, with no changes."""
    made, _ = register.notification_record(
        acting_user=front_desk,
        nominal=conviction.nominal,
        idempotency_key="6b0c7b1e-4a4e-4d0e-9a51-0f3c1d2e9a10",
        data={"type": "periodic", "station": station, "identity_confirmed": True},
    )
    return made


# --- The nightly sweeps' locks ------------------------------------------------------------------


class LockHolder:
    """A second database session holding an advisory lock (one key, or two), as the same job
    running in another worker would."""

    def __init__(self, *keys: int):
        params = connection.settings_dict
        self.keys = list(keys)
        self.placeholders = ", ".join(["%s"] * len(keys))
        self.session = psycopg.connect(
            dbname=params["NAME"],
            user=params["USER"] or None,
            password=params["PASSWORD"] or None,
            host=params["HOST"] or None,
            port=params["PORT"] or None,
            autocommit=True,
        )
        self.session.execute(f"SELECT pg_advisory_lock({self.placeholders})", self.keys)

    def release(self) -> None:
        self.session.execute(f"SELECT pg_advisory_unlock({self.placeholders})", self.keys)


@pytest.fixture
def hold_lock(db):
    """`hold_lock(KEY)` or `hold_lock(KEY, PART)` holds that advisory lock until the test ends
    or `.release()`."""
    holders = []

    def hold(*keys: int) -> LockHolder:
        holders.append(LockHolder(*keys))
        return holders[-1]

    yield hold
    for holder in holders:
        holder.session.close()


@pytest.fixture
def hold_sweep_lock(hold_lock):
    """`hold_sweep_lock(KEY, part=0)`: a sweep's lock for one part (the first, which a one-part
    run takes, unless told)."""
    return lambda key, part=0: hold_lock(key, part)


def holds_sweep_lock(key: int) -> bool:
    """Whether this test's own session still holds any lock of the sweep `key`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s "
            "AND objsubid = 2 AND pid = pg_backend_pid()",
            [key],
        )
        return cursor.fetchone()[0] > 0
