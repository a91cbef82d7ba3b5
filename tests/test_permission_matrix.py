"""Every URL name × every persona (and anonymous): who gets the page, who gets 403 or 404.

The URLconf is walked, so a new view without an entry here fails the suite until its access is
decided and tested.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PERSONAS = [
    "om",
    "colleague",
    "om_south",
    "supervisor",
    "front_desk",
    "mappa_chair",
    "administrator",
    "other_force_om",
    "anonymous",
]

LOGIN = "login"  # an anonymous user is sent to sign in

# Cases: allocated to `om` in the North team; the colleague reads only; South cannot see it.
CASE_READ = dict(
    om=200,
    colleague=200,
    om_south=404,
    supervisor=200,
    front_desk=404,
    mappa_chair=404,
    administrator=404,
    other_force_om=404,
    anonymous=LOGIN,
)
CASE_WRITE = {**CASE_READ, "colleague": 403}
CASE_WORKERS = dict(
    om=200,
    colleague=200,
    om_south=200,
    supervisor=200,
    front_desk=403,
    mappa_chair=200,
    administrator=403,
    other_force_om=200,
    anonymous=LOGIN,
)
CREATORS = {**CASE_WORKERS, "mappa_chair": 403}


def ONLY(persona, code=200):
    return {p: (LOGIN if p == "anonymous" else 403) for p in PERSONAS} | {  # noqa: E731
        persona: code
    }


EVERYONE = {p: 200 for p in PERSONAS}
API_READ = {**CASE_READ, "front_desk": 403, "administrator": 403, "anonymous": 401}
API_ANY_USER = {**{p: 200 for p in PERSONAS}, "anonymous": 401}

EXPECTED: dict[str, dict[str, int | str]] = {
    "home": {**{p: 302 for p in PERSONAS}},
    "healthz": EVERYONE,
    "login": {**{p: 302 for p in PERSONAS}, "anonymous": 200},
    "logout": {p: 405 for p in PERSONAS},
    "cases:caseload": {**CASE_WORKERS, "mappa_chair": 403},
    "cases:nominal-search": CASE_WORKERS,
    "cases:nominal-create": CREATORS,
    "cases:nominal-duplicates": CREATORS,
    "cases:nominal-detail": CASE_READ,
    "cases:nominal-edit": CASE_WRITE,
    "cases:nominal-allocate": {**ONLY("supervisor"), "other_force_om": 404},
    "cases:nominal-timeline": CASE_READ,
    "cases:nominal-viewers": {**ONLY("supervisor"), "other_force_om": 404},
    "cases:nominal-photo": CASE_READ,
    "cases:nominal-section": CASE_READ,
    "cases:record-add": CASE_WRITE,
    "cases:record-edit": CASE_WRITE,
    "cases:mappa-cases": ONLY("mappa_chair"),
    "cases:audit-search": ONLY("administrator"),
    "notifications:frontdesk-search": {**ONLY("front_desk"), "other_force_om": 200},
    "notifications:frontdesk-person": {**ONLY("front_desk"), "other_force_om": 404},
    "notifications:frontdesk-photo": {**ONLY("front_desk"), "other_force_om": 404},
    "api:nominal-list": {**API_READ, "om_south": 200, "mappa_chair": 200, "other_force_om": 200},
    "api:nominal-detail": API_READ,
    "api-schema": API_ANY_USER,
    "api-docs": API_ANY_USER,
}


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns == "admin":
                continue  # Django's admin: its own staff checks (tested in test_admin)
            yield from url_names(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name


def test_every_url_name_has_expected_access():
    missing = sorted(set(url_names()) - set(EXPECTED))
    assert not missing, f"Decide and test access for: {missing}"


def url_for(name, nominal):
    address = nominal.addresses.first()
    kwargs = {
        "cases:nominal-section": {"pk": nominal.pk, "section": "addresses"},
        "cases:record-add": {"pk": nominal.pk, "kind": "addresses"},
        "cases:record-edit": {"pk": nominal.pk, "kind": "addresses", "item": address.pk},
    }.get(name)
    if kwargs is None:
        try:
            return reverse(name, kwargs={"pk": nominal.pk})
        except Exception:
            return reverse(name)
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_access_matrix(name, request, client, nominal, other_force_nominal):
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        response = client.get(url_for(name, nominal))
        expected = EXPECTED[name][persona]
        if expected == LOGIN:
            assert response.status_code == 302, (name, persona, response.status_code)
            assert response.url.startswith(reverse("login")), (name, persona, response.url)
        else:
            assert response.status_code == expected, (name, persona, response.status_code)
