"""The main pages run a constant number of SQL queries however much data there is."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import Address, OnlineIdentity, OtherName


def add_cases(om, count):
    for i in range(count):
        n = services.nominal_create(
            acting_user=om,
            data={
                "forenames": f"Person {i}",
                "surname": f"Surname{i}",
                "date_of_birth": date(1970, 1, 1 + i % 28),
                "sex": "male",
            },
        )
        Address.objects.create(
            nominal=n, kind="home", line_1=f"{i} Road", town="Reading", postcode="RG1 1AA"
        )
        OtherName.objects.create(nominal=n, kind="alias", name=f"Alias {i}")
        OnlineIdentity.objects.create(nominal=n, kind="email", value=f"p{i}@example.com")


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["caseload", "team", "case", "search", "frontdesk"])
def test_query_count_is_flat_as_data_grows(client, om, front_desk, nominal, page):
    url = {
        "caseload": reverse("cases:caseload"),
        "team": reverse("cases:caseload") + "?scope=team",
        "case": reverse("cases:nominal-detail", kwargs={"pk": nominal.pk}),
        "search": reverse("cases:nominal-search") + "?q=person",
        "frontdesk": reverse("notifications:frontdesk-search") + "?q=person",
    }[page]
    client.force_login(front_desk if page == "frontdesk" else om)
    add_cases(om, 2)
    small = count_queries(client, url)
    add_cases(om, 20)
    large = count_queries(client, url)
    assert small == large
    assert large <= 20


def test_caseload_query_budget(client, om, nominal, django_assert_max_num_queries):
    client.force_login(om)
    with django_assert_max_num_queries(15):
        client.get(reverse("cases:caseload"))


def test_case_page_query_budget(client, om, nominal, django_assert_max_num_queries):
    client.force_login(om)
    with django_assert_max_num_queries(20):
        client.get(reverse("cases:nominal-detail", kwargs={"pk": nominal.pk}))
