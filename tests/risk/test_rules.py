"""Table, bad-input and property tests for risk/rules.py (domain.md sections 4 and 5)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from risk.rules import (
    OSPDCResult,
    ReactiveCriterion,
    ReturnTrigger,
    RiskLevel,
    RM2000Result,
    osp_dc,
    osp_iic,
    raise_level,
    reactive_eligibility,
    reactive_return_triggers,
    rm2000_applicability,
    rm2000_sexual,
)

LOW, MEDIUM, HIGH, VERY_HIGH = RiskLevel


def factors(n: int) -> dict[str, bool]:
    names = ("male_victim", "stranger_victim", "single", "non_contact")
    return {name: i < n for i, name in enumerate(names)}


# --- Section 4 worked examples ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "sexual", "criminal", "flags", "points", "step1", "aggravating", "category"),
    [
        pytest.param(22, 1, 3, factors(3), 2, MEDIUM, 3, HIGH, id="4.1"),
        pytest.param(40, 2, 6, factors(4), 2, MEDIUM, 4, VERY_HIGH, id="4.2"),
        pytest.param(30, 3, 8, factors(0), 4, HIGH, 0, HIGH, id="4.3"),
        pytest.param(50, 1, 1, factors(1), 0, LOW, 1, LOW, id="4.4a"),
        pytest.param(50, 1, 1, factors(2), 0, LOW, 2, MEDIUM, id="4.4b"),
    ],
)
def test_rm2000_worked_examples(age, sexual, criminal, flags, points, step1, aggravating, category):
    result = rm2000_sexual(
        age=age, sexual_appearances=sexual, criminal_appearances=criminal, **flags
    )
    assert (result.points, result.step1, result.aggravating, result.category) == (
        points,
        step1,
        aggravating,
        category,
    )


@pytest.mark.parametrize(
    ("sex", "age", "reason"),
    [
        pytest.param("female", 30, "only to males", id="4.5a"),
        pytest.param("male", 17, "aged 18 or over", id="4.5b"),
    ],
)
def test_rm2000_not_applicable(sex, age, reason):
    assert reason in rm2000_applicability(sex=sex, age=age)


def test_rm2000_applicable_to_adult_male():
    assert rm2000_applicability(sex="male", age=18) is None
    assert rm2000_applicability(sex="M", age=40) is None


def test_rm2000_not_applicable_without_sexual_conviction():
    assert "sexual offence" in rm2000_applicability(sex="male", age=30, sexual_conviction=False)


def test_rm2000_explanation_names_every_point_and_factor():
    result = rm2000_sexual(age=22, sexual_appearances=1, criminal_appearances=3, **factors(3))
    assert result.explanation[0] == "Age 22 at commencement of risk (18–24): 2 points"
    assert "1 sexual appearance (1): 0 points" in result.explanation
    assert "3 criminal appearances (4 or fewer): 0 points" in result.explanation
    assert "Step 1 total 2 points: medium" in result.explanation
    assert "Aggravating factor: a sexual offence against a male" in result.explanation
    assert result.explanation[-1].endswith("to high")


def test_rm2000_result_keeps_positional_contract():
    assert RM2000Result(2, MEDIUM, 3, HIGH).explanation == ()


@pytest.mark.parametrize(
    ("age", "sexual", "criminal", "points"),
    [
        (24, 2, 4, 3),
        (25, 4, 5, 4),
        (34, 5, 5, 5),
        (35, 5, 9, 4),
        (18, 5, 5, 6),
    ],
)
def test_rm2000_band_edges(age, sexual, criminal, points):
    result = rm2000_sexual(
        age=age, sexual_appearances=sexual, criminal_appearances=criminal, **factors(0)
    )
    assert result.points == points


def test_osp_dc_worked_example():
    result = osp_dc(
        adult_contact_sanctions=1,
        child_contact_sanctions=0,
        non_contact_sanctions=0,
        age_at_follow_up=34,
        age_at_last_sexual_sanction=33,
        total_sanctions=3,
        stranger_victim=True,
    )
    assert result == OSPDCResult(34, HIGH, result.explanation)
    assert "Age 34 at start of follow-up (20 − floor(34/3)): 9 points" in result.explanation
    assert result.explanation[-1] == "Total 34 points: high"


@pytest.mark.parametrize(
    ("follow_up", "points"), [(18, 14), (20, 14), (21, 13), (60, 0), (62, 0), (63, 0), (90, 0)]
)
def test_osp_dc_follow_up_age(follow_up, points):
    result = osp_dc(
        adult_contact_sanctions=0,
        child_contact_sanctions=0,
        non_contact_sanctions=0,
        age_at_follow_up=follow_up,
        age_at_last_sexual_sanction=15,
        total_sanctions=1,
        stranger_victim=False,
    )
    assert result.points == points
    assert result.band is LOW  # a total of 0 lies below the 1–21 band and reads as low


@pytest.mark.parametrize(
    ("adult", "child", "non_contact", "last", "total", "stranger", "points", "band"),
    [
        pytest.param(0, 1, 0, 16, 2, False, 21, LOW, id="21-low"),
        pytest.param(0, 0, 1, 16, 2, None, 22, MEDIUM, id="22-medium"),
        pytest.param(0, 3, 0, 16, 3, None, 29, MEDIUM, id="29-medium"),
        pytest.param(1, 0, 1, 18, 2, False, 30, HIGH, id="30-high"),
        pytest.param(2, 0, 0, 18, 2, None, 35, HIGH, id="35-high"),
        pytest.param(2, 1, 0, 18, 2, False, 36, VERY_HIGH, id="36-very-high"),
        pytest.param(5, 5, 5, 18, 9, True, 57, VERY_HIGH, id="capped-counts"),
    ],
)
def test_osp_dc_items_and_bands(adult, child, non_contact, last, total, stranger, points, band):
    # Age 40 at follow-up scores 20 − 13 = 7 in every row.
    result = osp_dc(
        adult_contact_sanctions=adult,
        child_contact_sanctions=child,
        non_contact_sanctions=non_contact,
        age_at_follow_up=40,
        age_at_last_sexual_sanction=last,
        total_sanctions=total,
        stranger_victim=stranger,
    )
    assert (result.points, result.band) == (points, band)


@pytest.mark.parametrize(
    ("images", "child", "band"),
    [(2, 0, VERY_HIGH), (1, 5, HIGH), (0, 2, MEDIUM), (0, 1, LOW), (0, 0, LOW)],
)
def test_osp_iic_first_match_wins(images, child, band):
    assert osp_iic(image_sanctions=images, child_contact_sanctions=child) is band


# --- Section 5 worked examples (reactive management) -------------------------------------------


def eligibility(**changes):
    facts = {
        "on": date(2024, 6, 1),
        "risk_level": "low",
        "low_risk_since": date(2021, 6, 1),
        "mappa_level": 1,
        "on_licence": False,
        "civil_order_in_force": False,
        "last_concern_on": None,
    }
    return reactive_eligibility(**(facts | changes))


@pytest.mark.parametrize(
    ("changes", "eligible", "failed"),
    [
        pytest.param({}, True, set(), id="5.1"),
        pytest.param(
            {"low_risk_since": date(2021, 6, 2)},
            False,
            {ReactiveCriterion.LOW_RISK_PERIOD},
            id="5.2",
        ),
        pytest.param(
            {"civil_order_in_force": True}, False, {ReactiveCriterion.NO_CIVIL_ORDER}, id="5.3"
        ),
    ],
)
def test_reactive_worked_examples(changes, eligible, failed):
    result = eligibility(**changes)
    assert result.eligible is eligible
    assert {c.code for c in result.criteria if not c.met} == failed
    assert [c.code for c in result.criteria] == list(ReactiveCriterion)


def test_reactive_one_day_short_says_when():
    reason = eligibility(low_risk_since=date(2021, 6, 2)).criteria[0].reason
    assert reason == "Low risk since 2 Jun 2021: 3 years not reached until 2 Jun 2024."


def test_reactive_civil_order_allowed_by_force_policy():
    assert eligibility(civil_order_in_force=True, civil_orders_exclude=False).eligible


def test_reactive_force_may_shorten_the_period():
    assert eligibility(low_risk_since=date(2022, 6, 1), qualifying_years=2).eligible


@pytest.mark.parametrize(
    ("changes", "failed"),
    [
        ({"risk_level": "medium"}, ReactiveCriterion.LOW_RISK_PERIOD),
        ({"mappa_level": 2}, ReactiveCriterion.MAPPA_LEVEL_1),
        ({"mappa_level": None}, ReactiveCriterion.MAPPA_LEVEL_1),
        ({"on_licence": True}, ReactiveCriterion.NOT_ON_LICENCE),
        ({"last_concern_on": date(2021, 6, 1)}, ReactiveCriterion.NO_CONCERN),
    ],
)
def test_reactive_each_criterion_can_fail(changes, failed):
    result = eligibility(**changes)
    assert not result.eligible
    assert {c.code for c in result.criteria if not c.met} == {failed}


def test_reactive_concern_before_the_qualifying_period_is_ignored():
    assert eligibility(last_concern_on=date(2021, 5, 31)).eligible


def test_return_triggers_pick_out_trigger_events():
    events = ["periodic_notification", "arrest", "new_intelligence", "arrest"]
    assert reactive_return_triggers(events) == (
        ReturnTrigger.NEW_INTELLIGENCE,
        ReturnTrigger.ARREST,
    )
    assert {t.value for t in ReturnTrigger} == {
        "new_intelligence",
        "breach",
        "arrest",
        "address_with_children",
        "missed_notification",
    }


def test_risk_level_ordering():
    assert [level.rank for level in RiskLevel] == [0, 1, 2, 3]
    assert raise_level("low", 2) is HIGH
    assert raise_level(HIGH, 2) is VERY_HIGH


# --- Bad input ---------------------------------------------------------------------------------


def rm2000(**changes):
    facts = {"age": 30, "sexual_appearances": 1, "criminal_appearances": 1} | factors(0)
    return rm2000_sexual(**(facts | changes))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"age": 17}, r"aged 18 or over \(age given: 17\)"),
        ({"age": -1}, r"Age cannot be negative"),
        ({"sexual_appearances": 0}, r"Sexual appearances must be at least 1"),
        ({"sexual_appearances": -2}, r"Sexual appearances cannot be negative"),
        ({"criminal_appearances": -1}, r"Criminal appearances cannot be negative"),
        (
            {"sexual_appearances": 3, "criminal_appearances": 2},
            r"Criminal appearances \(2\) cannot be fewer than sexual appearances \(3\)",
        ),
        ({"age": 30.5}, r"Age must be a whole number"),
        ({"sexual_appearances": True}, r"Sexual appearances must be a whole number"),
    ],
)
def test_rm2000_rejects_bad_input(changes, message):
    with pytest.raises(ValueError, match=message):
        rm2000(**changes)


def osp(**changes):
    facts = {
        "adult_contact_sanctions": 1,
        "child_contact_sanctions": 0,
        "non_contact_sanctions": 0,
        "age_at_follow_up": 34,
        "age_at_last_sexual_sanction": 33,
        "total_sanctions": 3,
        "stranger_victim": True,
    }
    return osp_dc(**(facts | changes))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"adult_contact_sanctions": -1}, r"Adult contact sexual sanctions cannot be negative"),
        ({"age_at_follow_up": 17}, r"OSP/DC applies from age 18"),
        ({"age_at_last_sexual_sanction": 9}, r"must be 10 or over"),
        ({"age_at_last_sexual_sanction": 35}, r"cannot be after the start of follow-up"),
        ({"total_sanctions": 0}, r"Total sanctions must be at least 1"),
        ({"adult_contact_sanctions": 4}, r"Total sanctions cannot be fewer"),
        ({"stranger_victim": "yes"}, r"Stranger victim must be yes"),
    ],
)
def test_osp_dc_rejects_bad_input(changes, message):
    with pytest.raises(ValueError, match=message):
        osp(**changes)


def test_osp_iic_rejects_negative_counts():
    with pytest.raises(ValueError, match="Image sanctions cannot be negative"):
        osp_iic(image_sanctions=-1, child_contact_sanctions=0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"risk_level": "severe"}, r"Unknown risk level 'severe': expected one of low, medium"),
        ({"low_risk_since": None}, r"date the risk level became low is required"),
        ({"low_risk_since": date(2024, 6, 2)}, r"cannot be after the assessment date"),
        ({"last_concern_on": date(2024, 6, 2)}, r"last concern cannot be after"),
        ({"mappa_level": 4}, r"Unknown MAPPA level 4"),
        ({"qualifying_years": 0}, r"Qualifying period in years must be at least 1"),
    ],
)
def test_reactive_rejects_bad_input(changes, message):
    with pytest.raises(ValueError, match=message):
        eligibility(**changes)


def test_unknown_risk_level_in_helpers():
    with pytest.raises(ValueError, match="Unknown risk level 'extreme'"):
        raise_level("extreme", 1)
    with pytest.raises(ValueError, match="Steps cannot be negative"):
        raise_level("low", -1)


def test_applicability_rejects_negative_age():
    with pytest.raises(ValueError, match="Age cannot be negative"):
        rm2000_applicability(sex="male", age=-3)


# --- Properties --------------------------------------------------------------------------------

FLAG_NAMES = ("male_victim", "stranger_victim", "single", "non_contact")


@st.composite
def rm2000_inputs(draw):
    sexual = draw(st.integers(1, 12))
    return {
        "age": draw(st.integers(18, 95)),
        "sexual_appearances": sexual,
        "criminal_appearances": draw(st.integers(sexual, 40)),
        **{name: draw(st.booleans()) for name in FLAG_NAMES},
    }


@settings(max_examples=200)
@given(rm2000_inputs(), st.sampled_from(FLAG_NAMES))
def test_extra_aggravating_factor_never_lowers_category(facts, flag):
    without = rm2000_sexual(**(facts | {flag: False}))
    with_it = rm2000_sexual(**(facts | {flag: True}))
    assert with_it.category.rank >= without.category.rank


@settings(max_examples=200)
@given(rm2000_inputs(), st.integers(0, 60))
def test_older_never_raises_step1_points(facts, years_older):
    younger = rm2000_sexual(**facts)
    older = rm2000_sexual(**(facts | {"age": facts["age"] + years_older}))
    assert older.points <= younger.points
    assert older.step1.rank <= younger.step1.rank


@st.composite
def reactive_facts(draw):
    on = draw(st.dates(date(2015, 1, 1), date(2035, 12, 31)))
    since = on - timedelta(days=draw(st.integers(0, 3000)))
    concern = draw(st.one_of(st.none(), st.integers(0, 3000)))
    return {
        "on": on,
        "risk_level": draw(st.sampled_from(list(RiskLevel))),
        "low_risk_since": since,
        "mappa_level": draw(st.sampled_from([None, 1, 2, 3])),
        "on_licence": draw(st.booleans()),
        "civil_order_in_force": draw(st.booleans()),
        "last_concern_on": None if concern is None else on - timedelta(days=concern),
        "qualifying_years": draw(st.integers(1, 5)),
        "civil_orders_exclude": draw(st.booleans()),
    }


@settings(max_examples=200)
@given(reactive_facts(), st.integers(0, 2000))
def test_reactive_eligibility_is_monotonic_in_time(facts, k):
    if reactive_eligibility(**facts).eligible:
        later = facts | {"on": facts["on"] + timedelta(days=k)}
        assert reactive_eligibility(**later).eligible


def test_reactive_concern_window_from_29_february_reaches_back_to_28_february():
    facts = {"on": date(2024, 2, 29), "low_risk_since": date(2020, 1, 1)}
    assert not eligibility(**facts, last_concern_on=date(2021, 2, 28)).eligible
    assert eligibility(**facts, last_concern_on=date(2021, 2, 27)).eligible
