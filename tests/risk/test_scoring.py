"""RM2000/S scoring on a case (domain.md section 4): the worked examples through the page and the
service, stored with inputs and rule version, explained, recomputed; bad input kept and
explained; access, audit, timeline, idempotency and query counts; and the API."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import services as case_services
from cases.models import AuditAction, AuditEvent, CaseEvent, MappaLevel
from risk.models import RM2000_RULE_VERSION, Rm2000Scoring
from risk.services.rm2000 import rm2000_score

pytestmark = pytest.mark.django_db

BORN = date(1980, 4, 12)  # the `nominal` fixture's date of birth


def on_age(age: int) -> date:
    """A commencement date at which the `nominal` fixture is `age`."""
    return date(BORN.year + age, 6, 1)


def make_case(om, *, sex="male", born=BORN, surname="Jones"):
    return case_services.nominal_create(
        acting_user=om,
        data={"forenames": "Alex", "surname": surname, "date_of_birth": born, "sex": sex},
    )


def form_data(on: date, **overrides) -> dict:
    data = {
        "commencement_date_0": str(on.day),
        "commencement_date_1": str(on.month),
        "commencement_date_2": str(on.year),
        "sexual_appearances": "1",
        "criminal_appearances": "1",
        "male_victim": "no",
        "stranger_victim": "no",
        "single": "no",
        "non_contact": "no",
    }
    data.update(overrides)
    return data


def service_data(on: date, sexual=1, criminal=1, factors=()) -> dict:
    names = ("male_victim", "stranger_victim", "single", "non_contact")
    return {
        "commencement_date": on,
        "sexual_appearances": sexual,
        "criminal_appearances": criminal,
        **{name: name in factors for name in names},
    }


def add_url(nominal):
    return reverse("risk:rm2000-add", args=[nominal.pk])


def detail_url(scoring):
    return reverse("risk:rm2000-detail", args=[scoring.nominal_id, scoring.pk])


# --- The worked examples (section 4) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "sexual", "criminal", "factors", "points", "step1", "category"),
    [
        # 4.1: 22, 1 sexual, 3 criminal; male victim, stranger, single: 2 points → medium → high
        (22, 1, 3, ("male_victim", "stranger_victim", "single"), 2, "medium", "high"),
        # 4.2: 40, 2 sexual, 6 criminal; all four factors: 2 points → medium → very high
        (
            40,
            2,
            6,
            ("male_victim", "stranger_victim", "single", "non_contact"),
            2,
            "medium",
            "very_high",
        ),
        # 4.3: 30, 3 sexual, 8 criminal; none: 4 points → high
        (30, 3, 8, (), 4, "high", "high"),
    ],
)
def test_worked_examples_through_the_form(
    client, om, nominal, age, sexual, criminal, factors, points, step1, category
):
    client.force_login(om)
    answers = {name: "yes" for name in factors}
    data = form_data(
        on_age(age), sexual_appearances=str(sexual), criminal_appearances=str(criminal), **answers
    )
    response = client.post(add_url(nominal), data)
    scoring = Rm2000Scoring.objects.get(nominal=nominal)
    assert response.status_code == 302
    assert response.url == detail_url(scoring)
    assert (scoring.age, scoring.points, scoring.step1, scoring.category) == (
        age,
        points,
        step1,
        category,
    )
    assert scoring.aggravating == len(factors)
    assert scoring.applicable and scoring.rule_version == RM2000_RULE_VERSION
    assert (scoring.sexual_appearances, scoring.criminal_appearances) == (sexual, criminal)
    assert scoring.explanation[0].startswith(f"Age {age} at commencement of risk")
    assert scoring.explanation[-1].endswith(category.replace("_", " "))


@pytest.mark.parametrize(
    ("factors", "category"), [(("single",), "low"), (("single", "non_contact"), "medium")]
)
def test_example_4_4_one_factor_low_two_factors_medium(om, factors, category):
    # 4.4: 50, 1 sexual, 1 criminal: 0 points → low; 1 factor stays low, 2 raise it to medium.
    older = make_case(om, born=date(1970, 1, 1))
    scoring, created = rm2000_score(
        acting_user=om,
        nominal=older,
        data=service_data(date(2020, 6, 1), factors=factors),
    )
    assert created and scoring.age == 50
    assert (scoring.points, scoring.step1, scoring.category) == (0, "low", category)


def test_example_4_5_a_woman_is_not_applicable(client, om):
    woman = make_case(om, sex="female", surname="Green")
    client.force_login(om)
    page = client.get(add_url(woman))
    assert "sexual_appearances" not in page.context["form"].fields
    assert "does not apply to women" in page.content.decode()
    on = date(2024, 3, 1)
    response = client.post(
        add_url(woman),
        {"commencement_date_0": "1", "commencement_date_1": "3", "commencement_date_2": "2024"},
    )
    scoring = Rm2000Scoring.objects.get(nominal=woman)
    assert response.status_code == 302
    assert not scoring.applicable and scoring.category == "" and scoring.points is None
    assert (
        scoring.not_applicable_reason == "RM2000/S applies only to males (sex recorded: 'female')."
    )
    assert scoring.commencement_date == on
    shown = client.get(response.url)
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "Not applicable" in text and "applies only to males" in text
    assert "Result confirmed" in text


def test_example_4_5_aged_17_is_not_applicable(client, om, nominal):
    client.force_login(om)
    data = form_data(on_age(17), sexual_appearances="", criminal_appearances="", male_victim="")
    response = client.post(add_url(nominal), data)
    assert response.status_code == 302
    scoring = Rm2000Scoring.objects.get(nominal=nominal)
    assert not scoring.applicable and scoring.age == 17
    assert "aged 18 or over (age 17)" in scoring.not_applicable_reason
    assert (scoring.sexual_appearances, scoring.criminal_appearances) == (0, 0)


# --- Stored, explained, recomputed --------------------------------------------------------------


def test_scoring_is_stored_explained_audited_and_on_the_timeline(client, om, nominal):
    client.force_login(om)
    data = form_data(
        on_age(22), criminal_appearances="3", male_victim="yes", stranger_victim="yes", single="yes"
    )
    client.post(add_url(nominal), data)
    scoring = Rm2000Scoring.objects.get(nominal=nominal)
    assert scoring.scored_by == om
    assert scoring.explanation == [
        "Age 22 at commencement of risk (18–24): 2 points",
        "1 sexual appearance (1): 0 points",
        "3 criminal appearances (4 or fewer): 0 points",
        "Step 1 total 2 points: medium",
        "Aggravating factor: a sexual offence against a male",
        "Aggravating factor: a sexual offence against a stranger",
        "Aggravating factor: single (never in a 2-year live-in adult relationship)",
        "3 aggravating factors: category raised one level (capped at very high) to high",
    ]
    event = CaseEvent.objects.get(nominal=nominal, kind="rm2000_scored")
    assert event.summary == "RM2000/S scored high (2 points, 3 aggravating factors)"
    assert event.actor == om
    audit = AuditEvent.objects.get(
        action=AuditAction.CREATE, object_type="risk.Rm2000Scoring", object_id=str(scoring.pk)
    )
    assert audit.nominal_id == nominal.pk and audit.user_id == om.pk
    detail = client.get(detail_url(scoring))
    text = detail.content.decode()
    assert "3 aggravating factors: category raised one level" in text
    assert "Result confirmed" in text
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(scoring.pk), description="RM2000/S scoring"
    ).exists()


def test_recompute_shows_when_the_stored_result_no_longer_matches(client, om, nominal):
    scoring, _ = rm2000_score(acting_user=om, nominal=nominal, data=service_data(on_age(30), 3, 8))
    Rm2000Scoring.objects.filter(pk=scoring.pk).update(category="low")
    client.force_login(om)
    response = client.get(detail_url(scoring))
    assert not response.context["recomputed"].matches
    assert "Result differs" in response.content.decode()
    assert "gives high (4 points)" in response.content.decode()


def test_a_double_submission_records_one_scoring(client, om, nominal):
    client.force_login(om)
    data = form_data(on_age(30), sexual_appearances="3", criminal_appearances="8")
    first = client.post(add_url(nominal), data)
    second = client.post(add_url(nominal), data)
    assert first.url == second.url
    assert Rm2000Scoring.objects.filter(nominal=nominal).count() == 1
    assert CaseEvent.objects.filter(nominal=nominal, kind="rm2000_scored").count() == 1
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CREATE, object_type="risk.Rm2000Scoring"
        ).count()
        == 1
    )


def test_history_keeps_every_scoring(client, om, supervisor, nominal):
    rm2000_score(acting_user=om, nominal=nominal, data=service_data(on_age(30), 3, 8))
    rm2000_score(acting_user=supervisor, nominal=nominal, data=service_data(on_age(40), 2, 6))
    client.force_login(supervisor)
    response = client.get(reverse("risk:rm2000-list", args=[nominal.pk]))
    rows = list(response.context["page"].object_list)
    assert [s.category for s in rows] == ["medium", "high"]
    assert (
        "Helen Price" in response.content.decode() and "Olivia Marsh" in response.content.decode()
    )


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"sexual_appearances": "0", "criminal_appearances": "4"},
            "sexual_appearances",
            "at least 1",
        ),
        (
            {"sexual_appearances": "3", "criminal_appearances": "2"},
            "criminal_appearances",
            "cannot be fewer than sexual appearances",
        ),
        ({"sexual_appearances": "-1"}, "sexual_appearances", "cannot be a negative number"),
        ({"criminal_appearances": "-4"}, "criminal_appearances", "cannot be a negative number"),
        ({"criminal_appearances": "lots"}, "criminal_appearances", "must be a whole number"),
        (
            {"sexual_appearances": ""},
            "sexual_appearances",
            "Enter the number of sexual appearances",
        ),
        ({"single": ""}, "single", "Select yes if he has never lived with an adult partner"),
        ({"male_victim": "maybe"}, "male_victim", "Select a valid choice"),
        ({"commencement_date_2": "1979"}, "commencement_date", "on or after the date of birth"),
        ({"commencement_date_1": "13"}, "commencement_date", "must be a real date"),
    ],
)
def test_bad_input_is_explained_on_its_field_and_kept(
    client, om, nominal, overrides, field, message
):
    client.force_login(om)
    data = form_data(on_age(30), **{"criminal_appearances": "27", **overrides})
    response = client.post(add_url(nominal), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field, [])), errors
    text = response.content.decode()
    assert "There is a problem" in text
    typed = overrides.get("criminal_appearances", "27")
    assert f'value="{typed}"' in text
    assert not Rm2000Scoring.objects.exists()


def test_every_problem_shows_at_once(client, om, nominal):
    client.force_login(om)
    data = form_data(on_age(30), sexual_appearances="0", criminal_appearances="2", single="")
    errors = client.post(add_url(nominal), data).context["form"].errors
    assert set(errors) == {"sexual_appearances", "single"}


def test_the_service_rejects_what_the_rule_rejects(om, nominal):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        rm2000_score(acting_user=om, nominal=nominal, data=service_data(on_age(30), 0, 0))
    assert "sexual_appearances" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        rm2000_score(acting_user=om, nominal=nominal, data=service_data(date(1970, 1, 1)))
    assert "commencement_date" in raised.value.message_dict
    assert not Rm2000Scoring.objects.exists()


# --- Access -------------------------------------------------------------------------------------


def test_colleague_reads_but_cannot_score(client, om, colleague, nominal):
    scoring, _ = rm2000_score(acting_user=om, nominal=nominal, data=service_data(on_age(30), 3, 8))
    client.force_login(colleague)
    assert client.get(reverse("risk:rm2000-list", args=[nominal.pk])).status_code == 200
    assert client.get(detail_url(scoring)).status_code == 200
    assert client.get(add_url(nominal)).status_code == 403
    assert client.post(add_url(nominal), form_data(on_age(40))).status_code == 403
    assert Rm2000Scoring.objects.count() == 1
    assert (
        "Score RM2000/S"
        not in client.get(reverse("risk:rm2000-list", args=[nominal.pk])).content.decode()
    )


def test_supervisor_can_score(client, supervisor, nominal):
    client.force_login(supervisor)
    assert client.post(add_url(nominal), form_data(on_age(40))).status_code == 302
    assert Rm2000Scoring.objects.get(nominal=nominal).scored_by == supervisor


@pytest.mark.parametrize("persona", ["front_desk", "mappa_chair", "om_south", "other_force_om"])
def test_outsiders_get_not_found(client, request, om, nominal, persona):
    scoring, _ = rm2000_score(acting_user=om, nominal=nominal, data=service_data(on_age(30), 3, 8))
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("risk:rm2000-list", args=[nominal.pk]),
        detail_url(scoring),
        add_url(nominal),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(add_url(nominal), form_data(on_age(40))).status_code == 404
    assert Rm2000Scoring.objects.count() == 1


def test_mappa_chair_reads_but_cannot_score_a_level_2_case(client, om, mappa_chair, nominal):
    case_services.nominal_update(
        acting_user=om, nominal=nominal, data={"mappa_level": MappaLevel.LEVEL_2}
    )
    scoring, _ = rm2000_score(acting_user=om, nominal=nominal, data=service_data(on_age(30), 3, 8))
    client.force_login(mappa_chair)
    assert client.get(detail_url(scoring)).status_code == 200
    assert client.get(add_url(nominal)).status_code == 403


def test_a_scoring_is_only_found_under_its_own_case(client, om, nominal):
    other = make_case(om)
    scoring, _ = rm2000_score(acting_user=om, nominal=nominal, data=service_data(on_age(30), 3, 8))
    client.force_login(om)
    url = reverse("risk:rm2000-detail", args=[other.pk, scoring.pk])
    assert client.get(url).status_code == 404


# --- Query counts -------------------------------------------------------------------------------


def _add_scorings(om, nominal, count):
    for i in range(count):
        rm2000_score(
            acting_user=om, nominal=nominal, data=service_data(on_age(25 + i % 30), 2, 2 + i)
        )


def test_history_query_count_is_flat(client, om, nominal, django_assert_max_num_queries):
    client.force_login(om)
    url = reverse("risk:rm2000-list", args=[nominal.pk])
    _add_scorings(om, nominal, 2)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    _add_scorings(om, nominal, 15)
    with django_assert_max_num_queries(20) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


# --- API ----------------------------------------------------------------------------------------


def api_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def list_url(nominal):
    return reverse("api:rm2000-list", kwargs={"pk": nominal.pk})


def api_detail_url(scoring):
    return reverse("api:rm2000-detail", kwargs={"scoring_id": scoring.pk})


def api_body(on: date, **overrides) -> dict:
    body = {
        "commencement_date": on.isoformat(),
        "sexual_appearances": 1,
        "criminal_appearances": 3,
        "male_victim": True,
        "stranger_victim": True,
        "single": True,
        "non_contact": False,
    }
    body.update(overrides)
    return body


def test_api_scores_once_and_explains(om, nominal):
    api = api_for(om)
    first = api.post(list_url(nominal), api_body(on_age(22)), format="json")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert (body["age"], body["points"], body["step1"], body["category"]) == (
        22,
        2,
        "medium",
        "high",
    )
    assert body["rule_version"] == RM2000_RULE_VERSION
    assert len(body["explanation"]) == 8
    assert body["scored_by"]["name"] == "Olivia Marsh"
    again = api.post(list_url(nominal), api_body(on_age(22)), format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Rm2000Scoring.objects.count() == 1
    listed = api.get(list_url(nominal)).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    detail = api.get(reverse("api:rm2000-detail", kwargs={"scoring_id": body["id"]})).json()
    assert detail["recompute"]["matches"] is True and detail["recompute"]["category"] == "high"
    assert AuditEvent.objects.filter(description="API: RM2000/S scoring", user_id=om.pk).exists()


def test_api_commencement_defaults_to_today_and_not_applicable_is_recorded(om):
    woman = make_case(om, sex="female", surname="Green")
    response = api_for(om).post(list_url(woman), {}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["applicable"] is False and body["category"] == ""
    assert "applies only to males" in body["not_applicable_reason"]
    assert body["commencement_date"] == timezone.localdate().isoformat()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sexual_appearances": 0}, "sexual_appearances"),
        ({"sexual_appearances": 4, "criminal_appearances": 3}, "criminal_appearances"),
        ({"criminal_appearances": -1}, "criminal_appearances"),
        ({"criminal_appearances": 10**12}, "criminal_appearances"),
        ({"criminal_appearances": "many"}, "criminal_appearances"),
        ({"male_victim": "perhaps"}, "male_victim"),
        ({"single": None}, "single"),
        ({"commencement_date": "1979-01-01"}, "commencement_date"),
        ({"commencement_date": "2024-02-30"}, "commencement_date"),
        ({"commencement_date": "0001-01-01"}, "commencement_date"),
        ({"commencement_date": 12}, "commencement_date"),
    ],
)
def test_api_bad_input_answers_400_in_the_error_shape(om, nominal, overrides, field):
    response = api_for(om).post(list_url(nominal), api_body(on_age(30), **overrides), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["message"] and field in body["errors"], body
    assert not Rm2000Scoring.objects.exists()


def test_api_rejects_a_list_body_without_a_500(om, nominal):
    response = api_for(om).post(list_url(nominal), [1, 2], format="json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("om", 200, 201),
        ("supervisor", 200, 201),
        ("colleague", 200, 403),
        ("front_desk", 403, 403),
        ("mappa_chair", 404, 404),
        ("administrator", 403, 403),
        ("om_south", 404, 404),
        ("other_force_om", 404, 404),
    ],
)
def test_api_access_per_persona(request, om, nominal, persona, read, write):
    scoring, _ = rm2000_score(acting_user=om, nominal=nominal, data=service_data(on_age(30), 3, 8))
    api = api_for(request.getfixturevalue(persona))
    assert api.get(list_url(nominal)).status_code == read
    assert api.get(api_detail_url(scoring)).status_code == read
    assert api.post(list_url(nominal), api_body(on_age(40)), format="json").status_code == write


def test_api_anonymous_is_refused(nominal):
    assert api_for().get(list_url(nominal)).status_code == 401


def test_api_unknown_scoring_is_404(om):
    response = api_for(om).get(reverse("api:rm2000-detail", kwargs={"scoring_id": 999999}))
    assert response.status_code == 404
    assert set(response.json()) == {"message", "errors"}
