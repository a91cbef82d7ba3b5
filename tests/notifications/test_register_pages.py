"""The register on a case: requirement, clock with its "why", convictions and time away."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cases.models import AuditEvent, CaseEvent
from notifications.models import Clock, Conviction, OpenDeadline, Schedule3Offence

pytestmark = pytest.mark.django_db


def conviction_post(**overrides):
    offence = Schedule3Offence.objects.get(paragraph="13")
    data = {
        "kind": "conviction",
        "relevant_date_0": "1",
        "relevant_date_1": "3",
        "relevant_date_2": "2020",
        "court": "Reading Crown Court",
        "offence": offence.pk,
        "threshold_met": "yes",
        "disposal": "custody",
        "term_1_length": "24",
        "term_1_unit": "months",
        "term_2_unit": "months",
        "term_3_unit": "months",
    }
    data.update(overrides)
    return data


def test_register_shows_requirement_and_why(client, om, conviction, notification):
    client.force_login(om)
    response = client.get(reverse("notifications:register", args=[conviction.nominal_id]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Subject until 28 February 2030" in text
    assert "10 years — custody of 24 months" in text
    assert "One year after the last initial, periodic or change notification" in text
    assert AuditEvent.objects.filter(description="Register", nominal_id=conviction.nominal_id)


def test_adding_a_conviction_computes_the_period(client, om, nominal):
    client.force_login(om)
    url = reverse("notifications:conviction-add", args=[nominal.pk])
    response = client.post(url, conviction_post())
    assert response.status_code == 302
    conviction = Conviction.objects.get(nominal=nominal)
    assert conviction.last_day == date(2030, 2, 28)
    assert conviction.age_on_relevant_date == 39
    assert "aged 18 or over on 1 Mar 2020" in conviction.period_explanation
    assert Clock.objects.get(pk=nominal.pk).last_day == date(2030, 2, 28)
    assert CaseEvent.objects.filter(nominal=nominal, kind="conviction_added").exists()


@pytest.mark.parametrize(
    ("lengths", "relation", "starts", "expected"),
    [
        (("18", "18"), "consecutive", "", None),  # 1.4: 36 months → indefinite
        (("18", "18"), "concurrent", "", date(2030, 2, 28)),  # 1.5: 18 months → 10 years
        (("20", "15"), "overlapping", "15", None),  # 1.6: union 30 months → indefinite
    ],
)
def test_several_terms_count_as_their_union(
    client, om, nominal, lengths, relation, starts, expected
):
    client.force_login(om)
    data = conviction_post(
        term_1_length=lengths[0],
        term_2_length=lengths[1],
        term_2_relation=relation,
        term_2_starts_after=starts,
    )
    response = client.post(reverse("notifications:conviction-add", args=[nominal.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    conviction = Conviction.objects.get(nominal=nominal)
    assert conviction.last_day == expected
    assert conviction.indefinite == (expected is None)


def test_weeks_convert_to_months(client, om, nominal):
    client.force_login(om)
    data = conviction_post(term_1_length="26", term_1_unit="weeks")
    client.post(reverse("notifications:conviction-add", args=[nominal.pk]), data)
    conviction = Conviction.objects.get(nominal=nominal)
    assert conviction.custody_months == 6
    assert conviction.period_months == 84  # exactly 6 months → 7 years


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"relevant_date_2": "1970"}, "relevant_date", "after the date of birth"),
        ({"relevant_date_2": "2099"}, "relevant_date", "today or in the past"),
        ({"disposal": "banished"}, "disposal", "Select a valid choice"),
        ({"term_1_length": ""}, "term_1_length", "Enter the length of the custodial term"),
        ({"disposal": "conditional_discharge"}, "discharge_months", "Enter the length"),
        ({"term_1_length": "-3"}, "term_1_length", "greater than 0"),
        ({"relevant_date_1": "13"}, "relevant_date", "must be a real date"),
    ],
)
def test_impossible_input_is_rejected_and_kept(client, om, nominal, overrides, field, message):
    client.force_login(om)
    data = conviction_post(court="Typed court name", **overrides)
    response = client.post(reverse("notifications:conviction-add", args=[nominal.pk]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors.get(field, [])), form.errors
    assert "Typed court name" in response.content.decode()
    assert not Conviction.objects.filter(nominal=nominal).exists()


def test_threshold_offence_needs_an_answer(client, om, nominal):
    client.force_login(om)
    offence = Schedule3Offence.objects.exclude(threshold="").first()
    data = conviction_post(offence=offence.pk, threshold_met="")
    response = client.post(reverse("notifications:conviction-add", args=[nominal.pk]), data)
    assert "Select whether the threshold is met" in response.context["form"].errors["threshold_met"]


def test_threshold_not_met_is_not_registrable(client, om, nominal):
    client.force_login(om)
    offence = Schedule3Offence.objects.exclude(threshold="").first()
    data = conviction_post(offence=offence.pk, threshold_met="no")
    client.post(reverse("notifications:conviction-add", args=[nominal.pk]), data)
    conviction = Conviction.objects.get(nominal=nominal)
    assert conviction.last_day is None and not conviction.indefinite
    assert not Clock.objects.get(pk=nominal.pk).subject


def test_correcting_a_conviction_keeps_history(client, om, conviction):
    client.force_login(om)
    url = reverse("notifications:conviction-edit", args=[conviction.nominal_id, conviction.pk])
    assert client.get(url).context["form"].initial["term_1_length"] == 24
    client.post(url, conviction_post(term_1_length="36"))
    conviction.refresh_from_db()
    assert conviction.indefinite
    event = CaseEvent.objects.get(nominal=conviction.nominal, kind="conviction_corrected")
    assert event.changes.get().new.startswith("Indefinite")


def test_release_opens_a_three_day_deadline(client, om, conviction):
    client.force_login(om)
    url = reverse("notifications:absence-add", args=[conviction.nominal_id])
    data = {
        "kind": "custody",
        "first_day_0": "1",
        "first_day_1": "3",
        "first_day_2": "2020",
        "last_day_0": "3",
        "last_day_1": "3",
        "last_day_2": "2025",
    }
    assert client.post(url, data).status_code == 302
    deadline = OpenDeadline.objects.get(nominal=conviction.nominal)
    assert deadline.due == date(2025, 3, 5)  # 2.2


def test_colleague_reads_but_cannot_add(client, colleague, conviction):
    client.force_login(colleague)
    assert (
        client.get(reverse("notifications:register", args=[conviction.nominal_id])).status_code
        == 200
    )
    url = reverse("notifications:conviction-add", args=[conviction.nominal_id])
    assert client.post(url, conviction_post()).status_code == 403


def test_notification_detail_shows_it_as_given(client, om, notification):
    client.force_login(om)
    response = client.get(reverse("notifications:notification-detail", args=[notification.pk]))
    assert response.status_code == 200
    assert "12 Mill Lane" in response.content.decode()
    assert notification.verification_code in response.content.decode()


def test_register_query_count_is_flat(
    client, om, conviction, station, front_desk, django_assert_max_num_queries
):
    from notifications import services

    client.force_login(om)
    url = reverse("notifications:register", args=[conviction.nominal_id])
    for n in range(8):
        services.notification_record(
            acting_user=front_desk,
            nominal=conviction.nominal,
            idempotency_key=f"00000000-0000-0000-0000-00000000000{n}",
            data={"type": "periodic", "station": station},
        )
    with django_assert_max_num_queries(20):
        client.get(url)


def test_a_child_at_an_adult_only_disposal_is_rejected(client, om, nominal):
    client.force_login(om)
    data = conviction_post(disposal="dto")  # the person was 39 on 1 Mar 2020
    response = client.post(reverse("notifications:conviction-add", args=[nominal.pk]), data)
    assert "aged 12 to 17" in " ".join(response.context["form"].errors["relevant_date"])


def test_a_discharge_on_review_ends_the_requirement(om, supervisor, nominal):
    from notifications import services
    from notifications.models import IndefiniteReview, Schedule3Offence

    services.conviction_save(
        acting_user=om,
        nominal=nominal,
        data={
            "kind": "conviction",
            "relevant_date": date(2005, 3, 1),
            "court": "Reading Crown Court",
            "offence": Schedule3Offence.objects.get(paragraph="13"),
            "disposal": "custody",
            "terms": [{"start": 0, "length": 36}],
        },
    )
    assert Clock.objects.get(pk=nominal.pk).indefinite
    IndefiniteReview.objects.create(
        nominal=nominal,
        stage="decided",
        outcome="discharged",
        decision_target=date(2024, 4, 24),
        requirements_end_on=date(2024, 7, 3),
        opened_by=supervisor,
    )
    clock = services.clock_refresh(nominal)
    assert not clock.indefinite and not clock.subject
    assert clock.last_day == date(2024, 7, 2)
    assert "discharged on review" in clock.requirement_why
    assert clock.review_policy_date is None
