"""The nominal record through its pages: create with the duplicate check, edit with history,
details with masking, search."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cases import services
from cases.models import BankAccount, Nominal, OtherName, PaymentCard

CREATE = reverse("cases:nominal-create")


def create_form(**overrides):
    data = {
        "forenames": "Mark Anthony",
        "surname": "Jones",
        "date_of_birth_0": "3",
        "date_of_birth_1": "3",
        "date_of_birth_2": "1979",
        "sex": "male",
        "ni_number": "ce 12 34 56 a",
        "mappa_category": "1",
    }
    return {**data, **overrides}


def test_create_generates_a_reference_and_allocates_to_its_creator(client, om, force):
    client.force_login(om)
    response = client.post(CREATE, create_form())
    nominal = Nominal.objects.get(surname="Jones")
    assert response.url == reverse("cases:nominal-detail", kwargs={"pk": nominal.pk})
    assert nominal.reference == f"{force.reference_prefix}-000001"
    assert nominal.ni_number == "CE123456A"
    assert nominal.offender_manager == om and nominal.team == om.teams.get()
    assert nominal.events.get().kind == "created"


def test_references_are_unique_within_the_force(client, om):
    client.force_login(om)
    client.post(CREATE, create_form())
    client.post(CREATE, create_form(forenames="Peter", surname="Brown"))
    refs = list(Nominal.objects.order_by("pk").values_list("reference", flat=True))
    assert refs[0].endswith("000001") and refs[1].endswith("000002")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth_0", "31", "Date of birth must be a real date"),
        ("date_of_birth_2", "2031", "Date of birth must be in the past"),
        ("date_of_birth_2", "79", "Year must include 4 numbers"),
        ("date_of_birth_2", "2022", "at least 10 years old"),
        ("ni_number", "QQ12345", "National Insurance number in the correct format"),
        ("surname", "", "Enter their last name"),
        ("sex", "unknown", "Select a valid choice"),
    ],
)
def test_bad_input_is_explained_and_nothing_typed_is_lost(client, om, field, value, message):
    client.force_login(om)
    data = create_form(
        **{field: value, "date_of_birth_1": "2" if field == "date_of_birth_0" else "3"}
    )
    response = client.post(CREATE, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert 'value="Mark Anthony"' in page
    assert not Nominal.objects.exists()


def test_possible_duplicates_must_be_checked_before_creating(client, om, nominal):
    client.force_login(om)
    data = create_form(
        forenames="Jon Paul",
        surname="Smith",
        date_of_birth_0="12",
        date_of_birth_1="4",
        date_of_birth_2="1980",
    )
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert nominal.reference in response.content.decode()
    assert Nominal.objects.count() == 1

    client.post(CREATE, {**data, "confirm_not_duplicate": "on"})
    assert Nominal.objects.count() == 2


def test_the_duplicate_fragment_matches_similar_names(client, om, nominal):
    client.force_login(om)
    response = client.get(
        reverse("cases:nominal-duplicates"),
        {
            "forenames": "John",
            "surname": "Smyth",
            "date_of_birth_0": "12",
            "date_of_birth_1": "4",
            "date_of_birth_2": "1980",
        },
    )
    assert nominal.reference in response.content.decode()
    unrelated = client.get(
        reverse("cases:nominal-duplicates"), {"forenames": "Zebedee", "surname": "Quartermaine"}
    )
    assert nominal.reference not in unrelated.content.decode()


def test_an_edit_keeps_every_change_with_who_and_when(om, nominal):
    services.nominal_update(
        acting_user=om, nominal=nominal, data={"surname": "Smythe", "status": "in_custody"}
    )
    event = nominal.events.get(kind="details_changed")
    assert event.actor == om
    assert {(c.field, c.old, c.new) for c in event.changes.all()} == {
        ("Last name", "Smith", "Smythe"),
        ("Status", "Active", "In custody"),
    }


def test_an_edit_that_changes_nothing_writes_nothing(om, nominal):
    assert services.nominal_update(acting_user=om, nominal=nominal, data={"surname": "Smith"}) == []
    assert not nominal.events.filter(kind="details_changed").exists()


def test_other_names_are_searchable(om, nominal):
    services.record_save(
        acting_user=om,
        nominal=nominal,
        label="Other name",
        instance=OtherName(),
        data={"kind": "online", "name": "Dark Angel99"},
    )
    assert list(Nominal.objects.search("dark angel")) == [nominal]
    assert list(Nominal.objects.search(nominal.reference.lower())) == [nominal]


def test_the_current_home_address_is_derived(client, om, nominal):
    client.force_login(om)
    client.post(
        reverse("cases:record-add", kwargs={"pk": nominal.pk, "kind": "addresses"}),
        {
            "kind": "home",
            "line_1": "4 New Street",
            "town": "Oxford",
            "postcode": "ox41aa",
            "from_date_0": "1",
            "from_date_1": "6",
            "from_date_2": "2026",
        },
    )
    page = client.get(reverse("cases:nominal-detail", kwargs={"pk": nominal.pk})).content.decode()
    assert "4 New Street, Oxford, OX4 1AA" in page
    assert nominal.events.filter(kind="address_added").exists()


def test_an_address_cannot_end_before_it_starts(client, om, nominal):
    client.force_login(om)
    response = client.post(
        reverse("cases:record-add", kwargs={"pk": nominal.pk, "kind": "addresses"}),
        {
            "kind": "home",
            "line_1": "4 New Street",
            "town": "Oxford",
            "postcode": "OX4 1AA",
            "from_date_0": "1",
            "from_date_1": "6",
            "from_date_2": "2024",
            "to_date_0": "1",
            "to_date_1": "6",
            "to_date_2": "2023",
        },
    )
    assert "must be the same as or after" in response.content.decode()
    assert 'value="4 New Street"' in response.content.decode()


def add_money(om, nominal):
    services.record_save(
        acting_user=om,
        nominal=nominal,
        label="Bank account",
        instance=BankAccount(),
        data={"institution": "Barclays", "sort_code": "20-00-00", "account_number": "55779911"},
    )
    services.record_save(
        acting_user=om,
        nominal=nominal,
        label="Payment card",
        instance=PaymentCard(),
        data={"issuer": "Monzo", "card_number": "4111111111111111", "expires": "04/29"},
    )


def test_account_and_card_numbers_show_only_their_last_four_digits(client, om, nominal):
    add_money(om, nominal)
    client.force_login(om)
    page = client.get(
        reverse(
            "cases:nominal-section", kwargs={"pk": nominal.pk, "section": "documents-and-money"}
        )
    )
    text = page.content.decode()
    assert "•••• 9911" in text and "•••• 1111" in text
    assert "55779911" not in text and "4111111111111111" not in text
    history = " ".join(f"{c.old} {c.new}" for e in nominal.events.all() for c in e.changes.all())
    assert "4111111111111111" not in history and "•••• 1111" in history


def test_holders_of_the_permission_see_full_numbers(client, supervisor, om, nominal):
    add_money(om, nominal)
    client.force_login(supervisor)
    text = client.get(
        reverse(
            "cases:nominal-section", kwargs={"pk": nominal.pk, "section": "documents-and-money"}
        )
    ).content.decode()
    assert "55779911" in text and "4111111111111111" in text


def test_editing_a_card_without_the_permission_keeps_the_number(client, om, nominal):
    add_money(om, nominal)
    card = PaymentCard.objects.get()
    client.force_login(om)
    url = reverse(
        "cases:record-edit", kwargs={"pk": nominal.pk, "kind": "payment-cards", "item": card.pk}
    )
    form_page = client.get(url).content.decode()
    assert "4111111111111111" not in form_page
    client.post(url, {"issuer": "Monzo Bank", "card_number": "", "expires": "04/29"})
    card.refresh_from_db()
    assert (card.issuer, card.card_number) == ("Monzo Bank", "4111111111111111")


def test_invalid_card_number_is_rejected(client, om, nominal):
    client.force_login(om)
    response = client.post(
        reverse("cases:record-add", kwargs={"pk": nominal.pk, "kind": "payment-cards"}),
        {"issuer": "Monzo", "card_number": "4111111111111112", "expires": "13/29"},
    )
    text = response.content.decode()
    assert "long number on the front of the card" in text and "MM/YY" in text


def test_search_by_date_of_birth(client, om, nominal):
    client.force_login(om)
    response = client.get(
        reverse("cases:nominal-search"),
        {"date_of_birth_0": "12", "date_of_birth_1": "4", "date_of_birth_2": "1980"},
    )
    assert list(response.context["results"]) == [nominal]


def test_search_with_nothing_asks_for_something(client, om):
    client.force_login(om)
    response = client.get(reverse("cases:nominal-search"), {"q": ""})
    assert "Enter a name, other name, reference or date of birth" in response.content.decode()


def test_caseload_lists_my_cases_and_team_cases(client, om, colleague, nominal):
    client.force_login(colleague)
    mine = client.get(reverse("cases:caseload"))
    assert list(mine.context["page"].object_list) == []
    team = client.get(reverse("cases:caseload"), {"scope": "team"})
    assert [n.pk for n in team.context["page"].object_list] == [nominal.pk]
    assert team.context["page"].object_list[0].home_postcode == "RG1 4XX"


def test_caseload_filters_by_status(client, om, nominal):
    client.force_login(om)
    assert (
        client.get(reverse("cases:caseload"), {"status": "reactive"})
        .context["page"]
        .paginator.count
        == 0
    )
    assert (
        client.get(reverse("cases:caseload"), {"status": "active"}).context["page"].paginator.count
        == 1
    )


def test_age_is_computed(nominal):
    assert nominal.age_on(date(2026, 4, 11)) == 45
    assert nominal.age_on(date(2026, 4, 12)) == 46


def test_reactive_is_not_offered_on_the_details_form(client, om, nominal):
    client.force_login(om)
    form = client.get(reverse("cases:nominal-edit", args=[nominal.pk])).context["form"]
    assert "reactive" not in [value for value, _ in form.fields["status"].choices]
