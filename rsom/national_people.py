"""How each person of the national data set (rsom.national_data) is drawn: the mix of sentences,
risk levels, statuses and histories, each person's rows for every table, and the MAPPA meetings
of each force. Everything here is pure generation: rows are appended to lists, and the seeder
writes them."""

from __future__ import annotations

import contextlib
import json
import math
import random
import uuid
from bisect import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from cases.access import CHANGE, VIEW
from cases.dates import add_months, add_years, age_on
from cases.models import (
    Address,
    CaseEvent,
    Force,
    InboxItem,
    MappaLevel,
    Nominal,
    NominalGroupObjectPermission,
    NominalStatus,
    NominalUserObjectPermission,
    OtherName,
    RiskLevel,
)
from mappa.models import (
    AgendaItem,
    Attendee,
    Decision,
    MappaLevelChange,
    Meeting,
    MeetingAction,
)
from notifications import rules as notification_rules
from notifications.models import (
    Absence,
    Breach,
    CivilOrder,
    Conviction,
    Notification,
    OrderTerm,
)
from notifications.services import compute_period
from risk import rules as risk_rules
from risk.models import (
    RM2000_RULE_VERSION,
    ArmsAssessment,
    ArmsRating,
    CaseNote,
    PlanAction,
    RiskLevelChange,
    RiskManagementPlan,
    RiskReviewDue,
    Rm2000Scoring,
)
from rsom import national_reference as ref
from visits.models import Visit

if TYPE_CHECKING:
    from rsom.national_data import NationalSeeder

Rows = dict[type, list[tuple]]
MEETING_SIZE = 10
ROUND_EPOCH = date(2000, 1, 4)  # a Tuesday: MAPPA rounds are four-weekly from it


# --- Small helpers ------------------------------------------------------------------------------


def _days(rnd: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rnd.randint(low, high) if high >= low else low)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    # UTC hours between 8 and 19: the local (UK) date is the same day, whatever the season.
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _fmt(day: date) -> str:
    return day.strftime("%-d %b %Y")


def _weighted(pairs: list[tuple[Any, float]]) -> tuple[list, list[float]]:
    values = [v for v, _ in pairs]
    return values, list(accumulate(w for _, w in pairs))


def _pick(rnd: random.Random, table: tuple[list, list[float]]):
    values, cumulative = table
    return values[bisect(cumulative, rnd.random() * cumulative[-1])]


_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def verification_code(notification_id: int) -> str:
    """A unique code per notification id: an odd multiplier is a bijection modulo 2**50."""
    value = (notification_id * 0x2545F4914F6CDD1D + 0x5DEECE66D) & ((1 << 50) - 1)
    chars = []
    for _ in range(10):
        value, digit = divmod(value, 32)
        chars.append(_CODE_ALPHABET[digit])
    raw = "".join(chars)
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _key(tag: int, pk: int) -> uuid.UUID:
    return uuid.UUID(int=(tag << 64) | pk)


def _ni_number(rnd: random.Random) -> str:
    first, second = "ABCEGHJKLMNPRSTWXYZ", "ABCEGHJKLMNPRSTWXYZ"
    while True:
        prefix = rnd.choice(first) + rnd.choice(second)
        if prefix not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}:
            return f"{prefix}{rnd.randrange(100000, 1000000)}{rnd.choice('ABCD')}"


def _postcode(rnd: random.Random, area: str) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return (
        f"{area}{rnd.randint(1, 19)} {rnd.randint(1, 9)}{rnd.choice(letters)}{rnd.choice(letters)}"
    )


def search_text(names: list[str]) -> str:
    """As cases.services.refresh_search_names: every name, lower-cased, joined by " | "."""
    return " | ".join(" ".join(n.split()).lower() for n in names)


# --- The mix --------------------------------------------------------------------------------------

RISK_MIX = _weighted(
    [
        (RiskLevel.LOW, 50),
        (RiskLevel.MEDIUM, 30),
        (RiskLevel.HIGH, 18),
        (RiskLevel.VERY_HIGH, 2),
    ]
)


@dataclass(frozen=True)
class Sentence:
    key: str
    disposal: str
    custody_months: tuple[int, ...] = ()  # choices; empty when no custodial term
    indeterminate: bool = False
    suspended: bool = False
    period_months: int | None = None  # None: indefinite (or from the term, see _period_estimate)
    offences: tuple[str, ...] = ()


CUSTODY_OFFENCES = ("17", "18", "19", "20", "21", "13", "15", "26", "25")
COMMUNITY_OFFENCES = ("13", "15", "18", "33", "34", "24A", "35B", "34A")
CAUTION_OFFENCES = ("15", "33", "34", "35B")

SENTENCES = _weighted(
    [
        (
            Sentence(
                "custody_long",
                "custody",
                (30, 36, 42, 48, 60, 72, 96, 120),
                offences=CUSTODY_OFFENCES,
            ),
            22,
        ),
        (Sentence("life", "custody", indeterminate=True, offences=("17", "19")), 1),
        (
            Sentence("hospital_restriction", "hospital_restriction", offences=("17", "18", "19")),
            1.5,
        ),
        (
            Sentence(
                "custody_mid",
                "custody",
                (8, 10, 12, 16, 18, 20, 24, 27),
                period_months=120,
                offences=CUSTODY_OFFENCES,
            ),
            26,
        ),
        (
            Sentence(
                "custody_short",
                "custody",
                (2, 3, 4, 6),
                period_months=84,
                offences=COMMUNITY_OFFENCES,
            ),
            7,
        ),
        (
            Sentence(
                "suspended",
                "custody",
                (8, 12, 16, 18, 24),
                suspended=True,
                period_months=120,
                offences=COMMUNITY_OFFENCES,
            ),
            8,
        ),
        (Sentence("other", "other", period_months=60, offences=COMMUNITY_OFFENCES), 28),
        (Sentence("caution", "caution", period_months=24, offences=CAUTION_OFFENCES), 4.5),
        (Sentence("discharge", "conditional_discharge", offences=CAUTION_OFFENCES), 1),
        (Sentence("hospital", "hospital", period_months=84, offences=COMMUNITY_OFFENCES), 1),
    ]
)
FINITE_SENTENCES = [s for s in SENTENCES[0] if s.period_months or s.key == "discharge"]

VISIT_FAILURES = _weighted([("no_answer", 70), ("refused", 12), ("not_present", 18)])
CHANGE_KINDS = _weighted(
    [
        ("account", 35),
        ("card", 30),
        ("identity_document", 15),
        ("qualifying_stay", 12),
        ("name", 3),
        ("household_with_child", 5),
    ]
)
CHANGE_FIELDS = {
    "account": "Bank and building society accounts",
    "card": "Payment cards",
    "identity_document": "Passports and identity documents",
    "qualifying_stay": "Other addresses where they regularly stay",
    "name": "Names",
    "household_with_child": "Households where a child lives or stays",
}

ORDER_TERMS = [
    ("Not to have unsupervised contact with any child under 16 other than by chance.", False),
    (
        "Not to use any device capable of accessing the internet unless it keeps a history that "
        "cannot be deleted, and to produce it to the police on request.",
        False,
    ),
    ("Not to travel outside the United Kingdom.", True),
    ("Not to enter any park, playground or swimming pool where children are likely to be.", False),
    ("Not to use any chat service that offers private messaging.", False),
    ("To notify the police of any relationship with a person who has children.", False),
]
PLAN_ACTIONS = {
    "supervision": "Announced and unannounced home visits at the agreed frequency.",
    "monitoring": "Check devices at each visit; review the SHPO conditions with him.",
    "interventions": "Refer to the Horizon programme through probation.",
    "victim_safety": "Liaise with children's services about the household's visitors.",
}
NOTE_TEXTS = {
    "note": "Spoke to him by phone about his new job; nothing of concern.",
    "intelligence": "Report that he has been seen outside a primary school at home time.",
    "relationship": "Has started a relationship with a woman who has two children.",
    "arrest": "Arrested for a public order offence; released under investigation.",
}
MAPPA_DECISIONS = [
    (
        "Remain at level {level} and review in {weeks} weeks.",
        "Risk unchanged since the last review.",
    ),
    ("Share the SHPO conditions with the school's safeguarding lead.", "A new school is near."),
    (
        "Apply to vary the SHPO to add a ban on contact with his former partner's children.",
        "Intelligence about contact with the family.",
    ),
]
MAPPA_ACTIONS = [
    ("Joint home visit by police and probation.", "police"),
    ("Update the victim liaison officer.", "probation"),
    ("Check the housing placement is suitable.", "housing"),
    ("Share the risk management plan with children's services.", "children"),
]


def _period_estimate(sentence: Sentence, custody: int | None, discharge: int | None) -> int | None:
    """The period in months (s.82), to place the conviction so the requirement has (or has not)
    ended by today; the stored period always comes from notifications.rules."""
    if sentence.key in ("custody_long", "life", "hospital_restriction"):
        return None
    if sentence.disposal == "custody":
        return 120 if custody > 6 else 84
    if sentence.key == "discharge":
        return discharge
    return sentence.period_months


# --- Staff --------------------------------------------------------------------------------------


@dataclass
class TeamInfo:
    id: int
    name: str
    members_group_id: int
    supervisors_group_id: int
    supervisor_id: int | None = None


@dataclass
class ForceInfo:
    force: Force
    count: int
    places: list[tuple[str, str]]
    teams: list[TeamInfo] = field(default_factory=list)
    managers: list[int] = field(default_factory=list)
    manager_team: dict[int, int] = field(default_factory=dict)  # user id -> team index
    desk: list[int] = field(default_factory=list)
    chair_id: int | None = None
    admin_id: int | None = None
    chairs_group_id: int | None = None
    stations: list[tuple[int, str]] = field(default_factory=list)
    slots: list[tuple[int, int | None]] = field(default_factory=list)  # (team index, manager)
    issued: int = 0  # references issued so far

    @property
    def code(self) -> str:
        return self.force.code


@dataclass
class MappaCase:
    force_code: str
    nominal_id: int
    level: int
    since: date
    manager_id: int | None


def _staff_name(rnd: random.Random) -> str:
    return f"{rnd.choice(ref.MALE_FORENAMES + ref.FEMALE_FORENAMES)} {rnd.choice(ref.SURNAMES)}"


# --- One person -----------------------------------------------------------------------------------


class PersonBuilder:
    """Draws one person and appends their rows. Everything drawn comes from a generator seeded by
    (seed, position), so a person never depends on the chunk they fall in."""

    def __init__(self, seeder: NationalSeeder, index: int, rows: Rows):
        self.s = seeder
        self.rows = rows
        self.rnd = random.Random(seeder.seed * 1_000_003 + index)
        self.info = seeder.forces[seeder.force_order[index]]
        self.on = seeder.on

    # The person's story, then their rows ---------------------------------------------------

    def build(self) -> None:
        s, rnd, info = self.s, self.rnd, self.info
        r = rnd.random
        team_index, manager = info.slots[info.issued]
        info.issued += 1
        self.team = info.teams[team_index]
        self.manager = manager
        self.officer = manager or self.team.supervisor_id or info.admin_id
        self.nid = s.next_id(Nominal)
        self.reference = f"{info.force.reference_prefix}-{info.issued:06d}"

        roll = r()
        closed = (
            NominalStatus.NOTIFICATION_ENDED
            if roll < 0.03
            else NominalStatus.DECEASED
            if roll < 0.033
            else NominalStatus.MOVED_OUT_OF_FORCE
            if roll < 0.04
            else None
        )
        self._sentence(ended=closed == NominalStatus.NOTIFICATION_ENDED)
        self._identity()
        self._custody(closed)
        self._risk()
        self._flags()
        self._addresses()
        self._notifications()
        self._visits()
        self._assessments()
        self._orders_and_breaches()
        self._mappa()
        self._nominal_rows()

    def _sentence(self, *, ended: bool) -> None:
        rnd, on = self.rnd, self.on
        sentence = rnd.choice(FINITE_SENTENCES) if ended else _pick(rnd, SENTENCES)
        custody = rnd.choice(sentence.custody_months) if sentence.custody_months else None
        discharge = rnd.choice([12, 18, 24, 36]) if sentence.key == "discharge" else None
        self.youth = rnd.random() < 0.04 and sentence.key not in ("life", "hospital_restriction")
        months = _period_estimate(sentence, custody, discharge)
        if months is not None and self.youth and sentence.key != "discharge":
            months //= 2
        if months is None:
            relevant = on - _days(rnd, 60, 25 * 365)
        elif ended:
            relevant = add_months(on, -months) - _days(rnd, 30, 5 * 365)
        else:
            # Inside the period: the requirement has not ended today.
            relevant = on - _days(rnd, 45, max(46, int(months * 30.4) - 15))
        self.sentence, self.custody_months, self.discharge = sentence, custody, discharge
        self.relevant = relevant
        self.period_months = months

    def _identity(self) -> None:
        rnd = self.rnd
        self.sex = "female" if rnd.random() < 0.03 else "male"
        age = rnd.randint(14, 17) if self.youth else 18 + int(rnd.triangular(0, 62, 14))
        self.date_of_birth = add_years(self.relevant, -age) - _days(rnd, 1, 364)
        forenames = rnd.choice(ref.FEMALE_FORENAMES if self.sex == "female" else ref.MALE_FORENAMES)
        if rnd.random() < 0.45:
            forenames += " " + rnd.choice(ref.MIDDLE_NAMES)
        self.forenames, self.surname = forenames, rnd.choice(ref.SURNAMES)
        self.ni_number = _ni_number(rnd) if rnd.random() < 0.85 else ""
        self.created_at = _at(min(self.relevant + _days(rnd, 1, 20), self.on), 10)

    def _custody(self, closed) -> None:
        """When they came out (if they went in), and where they are now."""
        rnd, on, sentence = self.rnd, self.on, self.sentence
        released = None
        if sentence.disposal == "custody" and not sentence.suspended:
            if sentence.indeterminate:
                released = self.relevant + _days(rnd, 6 * 365, 16 * 365)
            else:
                released = add_months(self.relevant, math.ceil(self.custody_months / 2))
        elif sentence.key == "hospital_restriction":
            released = self.relevant + _days(rnd, 365, 9 * 365)
        self.released = released
        self.away_since: date | None = None  # in custody or hospital now, since
        self.recalled = False
        if closed:
            self.status = closed
            if released and released > on:
                released = self.released = self.relevant + _days(rnd, 30, 200)
        elif released and released > on:
            self.status = (
                NominalStatus.IN_HOSPITAL
                if sentence.key == "hospital_restriction"
                else NominalStatus.IN_CUSTODY
            )
            self.away_since = self.relevant
        else:
            self.status = NominalStatus.ACTIVE
            start = released or self.relevant
            if released and rnd.random() < 0.05 and (on - start).days > 120:
                # Recalled to prison: the duty to notify waits while inside.
                self.away_since = on - _days(rnd, 20, min(400, (on - start).days - 60))
                self.status = NominalStatus.IN_CUSTODY
                self.recalled = True
        in_community = self.away_since is None or self.recalled
        self.community_start = (released or self.relevant) if in_community else None
        # When the case stopped being worked in the community (custody again, or closed).
        self.community_end = on
        if self.recalled:
            self.community_end = self.away_since - timedelta(days=1)
        if closed == NominalStatus.NOTIFICATION_ENDED:
            self.community_end = on  # replaced by the period's last day once known
        elif closed:
            start = self.community_start or self.relevant
            self.community_end = on - _days(rnd, 30, max(30, min(700, (on - start).days - 30)))
            if self.community_end < start:
                self.community_end = start
        self.on_licence = False

    def _risk(self) -> None:
        """RM2000 at the start, and the overall level's history: the current mix as quality.md."""
        rnd, on = self.rnd, self.on
        current = _pick(rnd, RISK_MIX)
        start = self.community_start or self.relevant
        commencement = min(start + _days(rnd, 0, 20), on)
        age = age_on(self.date_of_birth, commencement)
        reason = risk_rules.rm2000_applicability(sex=self.sex, age=age)
        sexual = rnd.choice([1, 1, 1, 2, 2, 3])
        criminal = sexual + rnd.choice([0, 0, 1, 2, 3, 5])
        factors = {
            "male_victim": rnd.random() < 0.2,
            "stranger_victim": rnd.random() < 0.3,
            "single": rnd.random() < 0.45,
            "non_contact": rnd.random() < 0.4,
        }
        result = None
        if reason is None:
            result = risk_rules.rm2000_sexual(
                age=age, sexual_appearances=sexual, criminal_appearances=criminal, **factors
            )
        scored = min(commencement + _days(rnd, 7, 45), on)
        self.rows[Rm2000Scoring].append(
            (
                self.nid,
                commencement,
                age,
                sexual,
                criminal,
                factors["male_victim"],
                factors["stranger_victim"],
                factors["single"],
                factors["non_contact"],
                result is not None,
                reason or "",
                result.points if result else None,
                str(result.step1) if result else "",
                result.aggravating if result else None,
                str(result.category) if result else "",
                json.dumps(list(result.explanation)) if result else "[]",
                RM2000_RULE_VERSION,
                self.officer,
                _at(scored, 11),
            )
        )
        first_level = str(result.category) if result else current
        first_on = min(start + _days(rnd, 14, 60), on)
        history = [(first_level, first_on, "Initial assessment after RM2000/S scoring.")]
        last_possible = on - timedelta(days=30)
        if first_level != current and first_on + timedelta(days=180) <= last_possible:
            changed = first_on + _days(rnd, 180, (last_possible - first_on).days)
            history.append((current, changed, "Level reviewed with the ARMS assessment."))
        elif first_level != current:
            history = [(current, first_on, "Initial assessment (RM2000/S and ARMS).")]
        for level, set_on, why in history:
            self.rows[RiskLevelChange].append(
                (self.nid, level, why, set_on, self.officer, _at(set_on, 12))
            )
            self._event(
                set_on,
                "risk_level_set",
                f"Overall risk level set to {RiskLevel(level).label.lower()}",
            )
        self.risk_level = current
        self.risk_set_on = history[-1][1]
        self.low_since = self.risk_set_on if current == RiskLevel.LOW else None
        if current == RiskLevel.LOW and len(history) == 1:
            self.low_since = first_on

    def _flags(self) -> None:
        """Licence, civil order, concerns, MAPPA level, reactive management, missed duties."""
        rnd, on, status = self.rnd, self.on, self.status
        sentence = self.sentence
        if self.released and self.released <= on and self.status == NominalStatus.ACTIVE:
            if sentence.indeterminate:
                self.on_licence = True
            elif sentence.disposal == "custody":
                self.on_licence = on < add_months(self.relevant, self.custody_months)
        # A sexual harm prevention order, made with the conviction, for a share rising with risk.
        odds = {"low": 0.04, "medium": 0.08, "high": 0.18, "very_high": 0.35}[self.risk_level]
        self.order: tuple | None = None
        if rnd.random() < odds:
            made = self.relevant
            ends = None if rnd.random() < 0.45 else add_years(made, rnd.choice([5, 10, 15]))
            discharged = None
            if rnd.random() < 0.03 and (on - made).days > 400:
                discharged = made + _days(rnd, 365, (on - made).days - 1)
            self.order = (made, ends, discharged)
        self.order_in_force = bool(
            self.order and (self.order[1] is None or self.order[1] >= on) and self.order[2] is None
        )
        # Notes and intelligence: a concern within the qualifying years blocks reactive management.
        self.last_concern: date | None = None
        start = self.community_start
        if start and start < on - timedelta(days=30) and rnd.random() < 0.22:
            for _ in range(rnd.choice([1, 1, 2, 3])):
                day = start + _days(rnd, 10, (on - start).days - 1)
                kind = rnd.choice(["note", "note", "intelligence", "relationship", "arrest"])
                concern = kind == "arrest" or (kind != "note" and rnd.random() < 0.35)
                if concern:
                    self.last_concern = max(self.last_concern or day, day)
                self.rows[CaseNote].append(
                    (
                        self.nid,
                        kind,
                        day,
                        NOTE_TEXTS[kind],
                        "Neighbourhood policing team" if kind == "intelligence" else "",
                        concern,
                        self.officer,
                        _at(day, 15),
                    )
                )
        # MAPPA level 2 or 3 for a few per cent, mostly among the highest risks.
        self.mappa_level = MappaLevel.LEVEL_1
        self.mappa_since: date | None = None
        if status == NominalStatus.ACTIVE and start:
            level2, level3 = {
                "low": (0.002, 0.0),
                "medium": (0.015, 0.0),
                "high": (0.10, 0.005),
                "very_high": (0.35, 0.10),
            }[self.risk_level]
            roll = rnd.random()
            level = 3 if roll < level3 else 2 if roll < level3 + level2 else 1
            if level > 1:
                earliest = max(start + timedelta(days=30), on - timedelta(days=900))
                if earliest <= on - timedelta(days=30):
                    self.mappa_level = MappaLevel(level)
                    self.mappa_since = earliest + _days(rnd, 0, (on - earliest).days - 30)
        # Reactive management: low risk for the qualifying years and nothing against it.
        years = self.info.force.reactive_qualifying_years
        self.reactive_since: date | None = None
        qualifies = (
            status == NominalStatus.ACTIVE
            and self.risk_level == RiskLevel.LOW
            and self.low_since is not None
            and add_years(self.low_since, years) <= on - timedelta(days=30)
            and self.mappa_level == MappaLevel.LEVEL_1
            and not self.on_licence
            and not self.order_in_force
            and (self.last_concern is None or add_years(self.last_concern, years) < on)
        )
        if qualifies and rnd.random() < 0.6:
            earliest = add_years(self.low_since, years)
            self.reactive_since = earliest + _days(rnd, 0, (on - earliest).days - 30)
            self.status = NominalStatus.REACTIVE
        # A few miss their yearly notification; some of those cannot be found.
        self.missed = False
        active = self.status in (NominalStatus.ACTIVE, NominalStatus.REACTIVE)
        if active and start and (on - start).days > 420 and rnd.random() < 0.035:
            self.missed = True
            if self.status == NominalStatus.ACTIVE and rnd.random() < 0.2:
                self.status = NominalStatus.WHEREABOUTS_UNKNOWN

    # Addresses and names ---------------------------------------------------------------------

    def _addresses(self) -> None:
        rnd, on = self.rnd, self.on
        start = self.community_start or self.relevant
        town, area = rnd.choice(self.info.places)
        first_from = start - _days(rnd, 0, 600)
        moves = []
        count = _pick(rnd, ([0, 1, 2], [55, 85, 100]))
        span = (self.community_end - start).days
        if self.community_start and span > 200:
            moves = sorted(start + _days(rnd, 60, span - 30) for _ in range(count))
        homes = []  # (id, from, to, line, town, postcode)
        froms = [first_from, *moves]
        for k, since in enumerate(froms):
            until = froms[k + 1] - timedelta(days=1) if k + 1 < len(froms) else None
            if until is not None and until < since:
                continue
            if k and rnd.random() < 0.3:
                town, area = rnd.choice(self.info.places)
            homes.append(
                [
                    self.s.next_id(Address),
                    since,
                    until,
                    f"{rnd.randint(1, 180)} {rnd.choice(ref.STREETS)}",
                    town,
                    _postcode(rnd, area),
                    "home",
                ]
            )
        last = homes[-1]
        if self.away_since and not self.recalled:
            last[2] = max(last[1], self.away_since)  # gave it up on going inside
        elif self.status == NominalStatus.WHEREABOUTS_UNKNOWN:
            last[2] = max(last[1], on - _days(rnd, 30, 200))
        elif self.status in (NominalStatus.MOVED_OUT_OF_FORCE, NominalStatus.DECEASED):
            last[2] = max(last[1], self.community_end)
        elif self.community_start and rnd.random() < 0.015:
            # No fixed abode: where they can be found, and weekly notifications (s.85).
            last[2] = max(last[1], on - _days(rnd, 40, 220))
            homes.append(
                [
                    self.s.next_id(Address),
                    last[2] + timedelta(days=1),
                    None,
                    f"Sleeps near {rnd.choice(ref.STREETS)}",
                    town,
                    "",
                    "no_fixed_abode",
                ]
            )
        self.homes = homes
        self.nfa_since = homes[-1][1] if homes[-1][6] == "no_fixed_abode" else None
        for pk, since, until, line, place, postcode, kind in homes:
            self.rows[Address].append(
                (pk, since, until, _at(since, 9), self.nid, kind, line, "", place, postcode, "")
            )
        if self.community_start and rnd.random() < 0.08:
            place, area = rnd.choice(self.info.places)
            since = self.community_start + _days(rnd, 0, max(0, span))
            self.rows[Address].append(
                (
                    self.s.next_id(Address),
                    since,
                    None,
                    _at(since, 9),
                    self.nid,
                    "other",
                    f"{rnd.randint(1, 180)} {rnd.choice(ref.STREETS)}",
                    "",
                    place,
                    _postcode(rnd, area),
                    "",
                )
            )
        # Other names: previous names, aliases, online names.
        names = []
        for _ in range(_pick(rnd, ([0, 1, 2], [65, 95, 100]))):
            kind = rnd.choice(["previous", "alias", "alias", "online"])
            if kind == "online":
                name = f"{self.forenames.split()[0].lower()}{rnd.randint(10, 99)}"
            elif kind == "previous":
                name = f"{self.forenames} {rnd.choice(ref.SURNAMES)}"
            else:
                name = f"{rnd.choice(ref.MALE_FORENAMES)} {rnd.choice(ref.SURNAMES)}"
            since = min(
                self.date_of_birth
                + _days(rnd, 16 * 365, (self.relevant - self.date_of_birth).days),
                self.on,
            )
            names.append((since, name, kind))
            self.rows[OtherName].append((since, None, _at(self.on, 8), self.nid, kind, name))
        # cases.services.refresh_search_names: the current name, then the others as OtherName
        # orders them (latest first, then by name).
        names.sort(key=lambda n: n[1])
        names.sort(key=lambda n: n[0], reverse=True)
        self.search_names = search_text(
            [f"{self.forenames} {self.surname}", *(n[1] for n in names)]
        )

    def _home_on(self, day: date):
        for home in reversed(self.homes):
            if home[1] <= day and (home[2] is None or home[2] >= day):
                return home
        return None

    # The register ----------------------------------------------------------------------------

    def _conviction(self, sentence: Sentence, relevant: date, custody, discharge) -> Conviction:
        rnd = self.rnd
        paragraph = rnd.choice(sentence.offences)
        conviction = Conviction(
            kind="caution" if sentence.disposal == "caution" else "conviction",
            relevant_date=relevant,
            court=self._court(sentence),
            offence_id=self.s.offences[paragraph],
            disposal=sentence.disposal,
            terms=[{"start": 0, "length": custody}] if custody else [],
            indeterminate_sentence=sentence.indeterminate,
            suspended=sentence.suspended,
            discharge_months=discharge,
        )
        compute_period(
            conviction,
            date_of_birth=self.date_of_birth,
            feb29=self.info.force.feb29_anniversary_on_march_1,
        )
        self.rows[Conviction].append(
            (
                self.nid,
                conviction.kind,
                relevant,
                conviction.court,
                conviction.offence_id,
                "",
                True,
                conviction.disposal,
                json.dumps(conviction.terms),
                conviction.custody_months,
                conviction.indeterminate_sentence,
                conviction.suspended,
                conviction.discharge_months,
                conviction.age_on_relevant_date,
                conviction.indefinite,
                conviction.period_months,
                conviction.last_day,
                conviction.period_explanation,
                self.officer,
                _at(min(relevant + timedelta(days=2), self.on), 14),
            )
        )
        self._event(
            min(relevant + timedelta(days=2), self.on),
            "conviction_added",
            f"{conviction.get_kind_display()} added: {self.s.offence_names[paragraph]}",
        )
        return conviction

    def _court(self, sentence: Sentence) -> str:
        town = self.rnd.choice(self.info.places)[0]
        if sentence.disposal == "caution":
            return f"{town} police station"
        if sentence.disposal in ("custody", "hospital_restriction"):
            return f"{town} {ref.COURTS_CROWN}"
        return f"{town} {ref.COURTS_MAGISTRATES}"

    def _notifications(self) -> None:
        rnd, on = self.rnd, self.on
        try:
            main = self._conviction(
                self.sentence, self.relevant, self.custody_months, self.discharge
            )
        except ValidationError:
            self.sentence = _pick(rnd, ([s for s in SENTENCES[0] if s.key == "other"], [1]))
            main = self._conviction(self.sentence, self.relevant, None, None)
        self.last_day = main.last_day
        if rnd.random() < 0.12:
            earlier = self.relevant - _days(rnd, 400, 6 * 365)
            if age_on(self.date_of_birth, earlier) >= 18:
                other = [s for s in SENTENCES[0] if s.key in ("other", "caution")]
                with contextlib.suppress(ValidationError):
                    self._conviction(rnd.choice(other), earlier, None, None)
        if self.status == NominalStatus.NOTIFICATION_ENDED and main.last_day:
            self.community_end = min(self.community_end, main.last_day)
        # Time away: the custodial part of the sentence, and custody or hospital now.
        if self.released and self.community_start:
            kind = "hospital" if self.sentence.key == "hospital_restriction" else "custody"
            self._absence(kind, self.relevant, self.released - timedelta(days=1))
        if self.away_since:
            kind = "hospital" if self.status == NominalStatus.IN_HOSPITAL else "custody"
            self._absence(kind, self.away_since, None)
        if self.community_start is None:
            return
        stop = self.community_end
        if self.missed:
            stop = on - _days(rnd, 380, 560)
        first = self.community_start + _days(rnd, 0, 2)
        if first > stop:
            return
        station_id, station = rnd.choice(self.info.stations)
        desk = rnd.choice(self.info.desk)
        base = json.dumps(
            [
                {
                    "section": "Date of birth",
                    "slug": "date-of-birth",
                    "items": [{"label": "Date of birth", "value": _fmt(self.date_of_birth)}],
                    "changed": False,
                },
                {
                    "section": "Names",
                    "slug": "names",
                    "items": [{"label": "Name", "value": f"{self.forenames} {self.surname}"}],
                    "changed": False,
                },
            ]
        )[:-1]

        def details(day: date, changed: bool) -> str:
            home = self._home_on(day)
            items = []
            if home:
                text = ", ".join(p for p in (home[3], home[4], home[5]) if p)
                label = (
                    "Home address"
                    if home[6] == "home"
                    else "No fixed abode (where they can be found)"
                )
                items.append({"label": label, "value": f"{text} (since {_fmt(home[1])})"})
            section = {
                "section": "Home address",
                "slug": "home-address",
                "items": items,
                "changed": changed,
            }
            return f"{base}, {json.dumps(section)}]"

        def emit(kind, day, deadline, *, change=None, event=None, travel=None):
            pk = self.s.next_id(Notification)
            changes, change_types = "[]", []
            if change == "home_address":
                change_types = ["home_address"]
                old, new = self._home_on(day - timedelta(days=3)), self._home_on(day)
                changes = json.dumps(
                    [
                        {
                            "field": "Home address",
                            "old": ", ".join(p for p in old[3:6] if p) if old else "",
                            "new": ", ".join(p for p in new[3:6] if p) if new else "",
                        }
                    ]
                )
            elif change:
                change_types = [change]
                changes = json.dumps(
                    [{"field": CHANGE_FIELDS[change], "old": "", "new": "Notified at the counter"}]
                )
            departure = destination = return_on = None
            if travel:
                departure, destination, return_on = travel
            taken = _at(day, rnd.randint(8, 17), rnd.choice((0, 15, 30, 45)))
            self.rows[Notification].append(
                (
                    pk,
                    self.nid,
                    kind,
                    change_types,
                    event,
                    False,
                    station_id,
                    desk,
                    taken,
                    True,
                    kind == "initial",
                    kind == "initial",
                    details(day, change == "home_address"),
                    changes,
                    departure if kind == "travel" else None,
                    "Manchester Airport" if kind == "travel" else "",
                    destination or "",
                    "easyJet" if kind == "travel" else "",
                    "Hotel near the airport" if kind == "travel" else "",
                    return_on,
                    "Manchester Airport" if kind == "travel_return" else "",
                    "",  # short_notice_reason: every seeded trip gives 7 days' notice
                    None,  # amends: no seeded trip is changed
                    deadline,
                    _key(self.s.key_tag, pk),
                    verification_code(pk),
                )
            )
            if (
                self.manager
                and kind in ("change", "travel")
                and (on - day).days <= 21
                and self.status in (NominalStatus.ACTIVE, NominalStatus.REACTIVE)
            ):
                summary = "Notification of a change" if kind == "change" else "Foreign travel"
                self.rows[InboxItem].append(
                    (
                        self.manager,
                        self.nid,
                        "notification",
                        f"{self.surname.upper()}, {self.forenames}: {summary} at {station}"[:200],
                        "",
                        None,
                        f"{self.s.notification_link}{pk}/",
                        f"notification:{pk}",
                        taken,
                        None,
                    )
                )

        emit("initial", first, first + timedelta(days=2))
        # Changes between yearly notifications restart the yearly clock (s.85).
        span = (stop - first).days
        changes = [(home[1], "home_address") for home in self.homes if first < home[1] <= stop]
        if span > 30:
            for _ in range(int(span / 365 * 1.3 + rnd.random())):
                changes.append((first + _days(rnd, 1, span), _pick(rnd, CHANGE_KINDS)))
        changes.sort()
        clock, k = first, 0
        while True:
            due = add_years(clock, 1)
            while k < len(changes) and changes[k][0] <= clock:
                k += 1
            if k < len(changes) and changes[k][0] <= due - timedelta(days=15):
                event, kind = changes[k]
                day = min(event + _days(rnd, 0, 2), stop)
                emit("change", day, event + timedelta(days=2), change=kind, event=event)
                clock = day
                k += 1
                continue
            # A few are late: the failure is a breach (s.91).
            late = rnd.random() < 0.03
            attended = due + _days(rnd, 1, 12) if late else due - _days(rnd, 0, 14)
            if attended > stop:
                break
            emit("periodic", attended, due)
            clock = attended
        if self.nfa_since and self.status == NominalStatus.ACTIVE:
            day = max(clock, self.nfa_since) + timedelta(days=7)
            while day <= min(stop, on):
                emit("periodic", day, day + timedelta(days=1))
                day += timedelta(days=7)
        if span > 400 and rnd.random() < 0.04:
            told = first + _days(rnd, 30, span - 60)
            leave = told + _days(rnd, 7, 21)
            back = leave + _days(rnd, 7, 14)
            due = notification_rules.travel_deadline(leave)
            emit("travel", told, due, travel=(leave, "Spain (Alicante)", back))
            if back + timedelta(days=3) <= stop:
                emit("travel_return", back + _days(rnd, 0, 2), back + timedelta(days=3), event=back)

    def _absence(self, kind: str, first: date, last: date | None) -> None:
        if last is not None and last < first:
            last = first
        self.rows[Absence].append((self.nid, kind, first, last, "", self.officer, _at(first, 12)))

    # Visits ----------------------------------------------------------------------------------

    def _visits(self) -> None:
        rnd, on = self.rnd, self.on
        self.individual: tuple[int, str] | None = None
        if self.risk_level in (RiskLevel.HIGH, RiskLevel.VERY_HIGH) and rnd.random() < 0.05:
            months = 2 if self.risk_level == RiskLevel.HIGH else 1
            self.individual = (months, "Agreed at the MAPPA meeting while the SHPO is reviewed.")
        if self.community_start is None:
            return
        intervals = self.info.force.visit_intervals
        months = self.individual[0] if self.individual else intervals[self.risk_level]
        end = self.community_end
        if self.reactive_since:
            end = self.reactive_since
        if self.status == NominalStatus.WHEREABOUTS_UNKNOWN:
            end = on - _days(rnd, 100, 300)
        elif self.status == NominalStatus.ACTIVE and rnd.random() < 0.06:
            end = add_months(on, -months) - _days(rnd, 10, 120)  # overdue
        # Visits from the start of life in the community (the last twelve years at most).
        day = max(self.community_start + _days(rnd, 7, 45), on - timedelta(days=12 * 365))
        officer = self.officer
        failures = 0
        while day <= end:
            home = self._home_on(day)
            band = _pick(rnd, (["morning", "afternoon", "evening"], [50, 85, 100]))
            hour = {"morning": 9, "afternoon": 13, "evening": 18}[band] + rnd.randint(0, 1)
            at = _at(day, hour, rnd.choice((0, 10, 20, 30, 40, 50)))
            failed = failures < 2 and rnd.random() < 0.13
            outcome = _pick(rnd, VISIT_FAILURES) if failed else "completed"
            self.rows[Visit].append(
                (
                    self.nid,
                    home[0] if home and home[6] == "home" else None,
                    "recorded",
                    day,
                    band,
                    rnd.random() < 0.3,
                    None,
                    at,
                    outcome,
                    "" if failed else rnd.choice(["Subject", "Subject", "Subject and partner"]),
                    "[]",
                    "",
                    "",
                    0,
                    officer,
                    officer,
                    at,
                    at,
                    _key(self.s.key_tag ^ 0x5649, self.s.next_serial()),
                )
            )
            if failed:
                failures += 1
                day += _days(rnd, 3, 20)
                continue
            failures = 0
            step = add_months(day, months) - _days(rnd, 0, 21)
            # An unannounced visit in between, for a share: what the offender manager judged.
            day = day + (step - day) / 2 if rnd.random() < 0.4 else step
        if self.status == NominalStatus.ACTIVE and rnd.random() < 0.25:
            planned = on + _days(rnd, 2, 40)
            self.rows[Visit].append(
                (
                    self.nid,
                    self.homes[-1][0] if self.homes[-1][6] == "home" else None,
                    "planned",
                    planned,
                    "morning",
                    False,
                    None,
                    None,
                    "",
                    "",
                    "[]",
                    "",
                    "",
                    0,
                    officer,
                    None,
                    _at(on, 8),
                    _at(on, 8),
                    _key(self.s.key_tag ^ 0x5649, self.s.next_serial()),
                )
            )

    # Risk assessments and plans --------------------------------------------------------------

    def _assessments(self) -> None:
        rnd, on = self.rnd, self.on
        start = self.community_start
        latest = None
        if start is None:
            return
        end = min(self.community_end, on)
        if (end - start).days >= 60:
            # About one in eight yearly reviews is overdue.
            overdue = rnd.random() >= 0.88
            back = _days(rnd, 366, 700) if overdue else _days(rnd, 10, 360)
            signed = max(end - back, start + timedelta(days=30))
            dates = [signed]
            # Yearly reviews before it, as far back as the case goes (most have a few).
            while rnd.random() < 0.6 and dates[0] - timedelta(days=400) > start + timedelta(
                days=30
            ):
                dates.insert(0, dates[0] - _days(rnd, 330, 400))
            for when in dates:
                latest = self._arms(when, "signed_off")
            self.latest_arms = latest
            months = self.info.force.arms_review_months
            self.rows[RiskReviewDue].append(
                (
                    self.nid,
                    add_months(dates[-1], months),
                    f"{months} months after sign-off on {dates[-1]:%-d %B %Y}",
                    None,
                )
            )
        if self.status in (NominalStatus.ACTIVE, NominalStatus.REACTIVE) and (
            latest is None or rnd.random() < 0.05
        ):
            self._arms(on - _days(rnd, 1, 30), "draft")
        if latest and self.risk_level != RiskLevel.LOW:
            self._plan(latest)

    def _arms(self, day: date, status: str) -> int:
        rnd = self.rnd
        pk = self.s.next_id(ArmsAssessment)
        signed = status == "signed_off"
        supervisor = self.team.supervisor_id or self.officer
        self.rows[ArmsAssessment].append(
            (
                pk,
                self.nid,
                status,
                "Offending linked to sexual preoccupation and access to children through a "
                "partner; stable housing and work are protective."
                if signed
                else "",
                "Supervision of contact with children; monitoring of devices." if signed else "",
                "Yearly review" if signed else "Review started",
                self.officer,
                _at(day - timedelta(days=20 if signed else 0), 9),
                self.officer if signed else None,
                _at(day - timedelta(days=7), 10) if signed else None,
                supervisor if signed else None,
                _at(day, 16) if signed else None,
                "",
                day if signed else None,
            )
        )
        rank = ["low", "medium", "high", "very_high"].index(self.risk_level)
        strong_risk = (0.05, 0.15, 0.3, 0.45)[rank]
        strong_protective = (0.4, 0.25, 0.12, 0.05)[rank]
        for factor_id, kind, _ in self.s.factors if signed else self.s.factors[::2]:
            strong = strong_risk if kind == "risk" else strong_protective
            roll = rnd.random()
            evidence = "strong" if roll < strong else "some" if roll < strong + 0.3 else "none"
            self.rows[ArmsRating].append((pk, factor_id, evidence, ""))
        return pk

    def _plan(self, arms_id: int) -> None:
        rnd, on = self.rnd, self.on
        versions = 2 if rnd.random() < 0.3 else 1
        for version in range(1, versions + 1):
            current = version == versions
            pk = self.s.next_id(RiskManagementPlan)
            months, reason = self.individual if (current and self.individual) else (None, "")
            self.rows[RiskManagementPlan].append(
                (
                    pk,
                    self.nid,
                    version,
                    "If he goes missing or breaches the order: arrest, inform the MAPPA chair and "
                    "review the ARMS at once.",
                    "Stable work; supportive brother.",
                    months,
                    reason,
                    arms_id if current else None,
                    current,
                    self.officer,
                    _at(on - timedelta(days=400 if not current else rnd.randint(5, 300)), 11),
                )
            )
            if current:
                for heading, text in PLAN_ACTIONS.items():
                    done = rnd.random() < 0.4
                    self.rows[PlanAction].append(
                        (
                            pk,
                            heading,
                            text,
                            "Offender manager",
                            on + _days(rnd, -60, 120),
                            "done" if done else "open",
                        )
                    )

    # Orders and breaches ---------------------------------------------------------------------

    def _orders_and_breaches(self) -> None:
        rnd, on = self.rnd, self.on
        order_id = None
        if self.order:
            made, ends, discharged = self.order
            order_id = self.s.next_id(CivilOrder)
            self.rows[CivilOrder].append(
                (
                    order_id,
                    self.nid,
                    "shpo",
                    self._court(self.sentence),
                    "",
                    made,
                    made,
                    ends,
                    None,
                    "",
                    None,
                    discharged,
                    None,
                    "",
                    self.officer,
                    _at(min(made + timedelta(days=3), on), 15),
                )
            )
            for position, (text, travel) in enumerate(rnd.sample(ORDER_TERMS, rnd.randint(2, 4))):
                term_ends = add_years(made, 5) if travel else None
                self.rows[OrderTerm].append(
                    (order_id, "prohibition", text, travel, term_ends, position)
                )
        start = self.community_start
        if start is None or (on - start).days < 120 or rnd.random() >= 0.04:
            return
        duties = ["periodic", "periodic", "change", "change", "fingerprints"]
        if order_id:
            duties += ["shpo", "shpo"]
        duty = rnd.choice(duties)
        failed = start + _days(rnd, 60, (on - start).days - 10)
        remedied = failed + _days(rnd, 1, 60) if rnd.random() < 0.7 else None
        if remedied and remedied > on:
            remedied = on
        risky = rnd.random() < 0.4
        self.rows[Breach].append(
            (
                self.nid,
                duty,
                order_id if duty == "shpo" else None,
                failed - timedelta(days=1) if duty in ("periodic", "change") else None,
                failed,
                remedied,
                "",
                "clock"
                if duty == "periodic"
                else rnd.choice(["home_visit", "intelligence", "arrest"]),
                rnd.choice(["words", "caution", "arrest", "charged"]),
                "Dealt with; no further failures since." if remedied else "",
                "risk_relevant" if risky else "technical",
                "Concealed a new address where children live."
                if risky
                else "Late by a few days; no sign of hiding anything.",
                self.officer,
                _at(failed + timedelta(days=3) if failed + timedelta(days=3) <= on else on, 14),
            )
        )

    # MAPPA -----------------------------------------------------------------------------------

    def _mappa(self) -> None:
        if self.mappa_since is None:
            return
        first_on = min(self.relevant + timedelta(days=30), self.mappa_since)
        for level, set_on, why in [
            (1, first_on, "Managed by the lead agency alone."),
            (int(self.mappa_level), self.mappa_since, "Needs active multi-agency management."),
        ]:
            self.rows[MappaLevelChange].append(
                (self.nid, 1, level, set_on, why, self.officer, _at(set_on, 13))
            )
        self._event(
            self.mappa_since,
            "mappa_level_set",
            f"MAPPA category 1, level 1 → category 1, level {int(self.mappa_level)} from "
            f"{_fmt(self.mappa_since)}",
        )
        self.s.mappa_cases.append(
            MappaCase(
                self.info.code, self.nid, int(self.mappa_level), self.mappa_since, self.manager
            )
        )

    # The nominal, its permissions and timeline -----------------------------------------------

    def _event(self, day: date, kind: str, summary: str) -> None:
        self.rows[CaseEvent].append((self.nid, _at(day, 17), self.officer, kind, summary[:300]))

    def _nominal_rows(self) -> None:
        info, team = self.info, self.team
        self.rows[Nominal].append(
            (
                self.nid,
                info.force.pk,
                self.reference,
                self.forenames,
                self.surname,
                self.date_of_birth,
                self.sex,
                self.ni_number,
                "",
                None,
                self.status,
                1,
                int(self.mappa_level),
                self.on_licence,
                self.risk_level,
                self.risk_set_on,
                team.id,
                self.manager,
                self.search_names,
                self.created_at,
                _at(self.on, 8),
            )
        )
        self.rows[CaseEvent].append(
            (
                self.nid,
                self.created_at,
                self.officer,
                "created",
                f"Record created ({self.reference})",
            )
        )
        # cases.access.expected_grants, row for row.
        view, change = self.s.perm[VIEW], self.s.perm[CHANGE]
        if self.manager:
            self.rows[NominalUserObjectPermission].append((view, self.manager, self.nid))
            self.rows[NominalUserObjectPermission].append((change, self.manager, self.nid))
        groups = self.rows[NominalGroupObjectPermission]
        groups.append((view, team.members_group_id, self.nid))
        groups.append((view, team.supervisors_group_id, self.nid))
        groups.append((change, team.supervisors_group_id, self.nid))
        if self.mappa_level in (MappaLevel.LEVEL_2, MappaLevel.LEVEL_3):
            groups.append((view, info.chairs_group_id, self.nid))


# --- MAPPA meetings ---------------------------------------------------------------------------


class MeetingBuilder:
    """The level 2 and 3 meetings of each force: each case reviewed at the interval its level
    calls for (16 or 8 weeks, the force's settings), about ten cases a meeting; past meetings
    minuted and closed, the last fortnight's held, the next month's planned."""

    def __init__(self, seeder: NationalSeeder, rows: Rows):
        self.s = seeder
        self.rows = rows
        self.on = seeder.on

    def build(self) -> None:
        by_force: dict[str, list[MappaCase]] = defaultdict(list)
        for case in self.s.mappa_cases:
            by_force[case.force_code].append(case)
        for code in sorted(by_force):
            self._force(self.s.forces[code], by_force[code])

    def _force(self, info: ForceInfo, cases: list[MappaCase]) -> None:
        rnd = random.Random(f"{self.s.seed}:mappa:{info.code}")
        on = self.on
        force = info.force
        weeks = {2: force.mappa_level2_review_weeks, 3: force.mappa_level3_review_weeks}
        # Each case goes to the first four-weekly round on or after its review falls due.
        rounds: dict[tuple[int, int], list[MappaCase]] = defaultdict(list)
        for case in sorted(cases, key=lambda c: c.nominal_id):
            review = case.since + _days(rnd, 0, 10)
            while review <= on + timedelta(days=28):
                number = -(-(review - ROUND_EPOCH).days // 28)
                rounds[(case.level, number)].append(case)
                held_on = ROUND_EPOCH + timedelta(days=28 * number)
                review = held_on + timedelta(weeks=weeks[case.level]) + _days(rnd, -7, 7)
        town = info.places[0][0]
        for (level, number), items in sorted(rounds.items()):
            # Meetings of ten cases (the last one fewer), on the round's Tuesdays, then Wednesdays.
            for part in range(math.ceil(len(items) / MEETING_SIZE)):
                held_on = ROUND_EPOCH + timedelta(
                    days=28 * number + 7 * (part % 4) + (part // 4) % 3
                )
                chunk = items[part * MEETING_SIZE : (part + 1) * MEETING_SIZE]
                agenda = [(c, held_on + timedelta(weeks=weeks[level])) for c in chunk]
                self._meeting(info, rnd, level, held_on, agenda, town)

    def _meeting(self, info, rnd, level, held_on, items, town) -> None:
        on = self.on
        status = (
            "closed" if held_on < on - timedelta(days=14) else "held" if held_on < on else "planned"
        )
        pk = self.s.next_id(Meeting)
        chair = info.chair_id
        self.rows[Meeting].append(
            (
                pk,
                info.force.pk,
                level,
                chair,
                held_on,
                datetime.strptime("10:00", "%H:%M").time(),
                f"{town} police station",
                status,
                chair,
                _at(held_on - timedelta(days=21), 9),
            )
        )
        agencies = self.s.authorities + rnd.sample(
            self.s.cooperating, min(4, len(self.s.cooperating))
        )
        for agency in agencies:
            self.rows[Attendee].append(
                (
                    pk,
                    _staff_name(rnd),
                    "Representative",
                    agency.pk,
                    rnd.random() < 0.9,
                )
            )
        by_kind = {a.name.lower(): a.pk for a in agencies}
        for position, (case, next_review) in enumerate(items, start=1):
            complete = status == "closed" or (status == "held" and rnd.random() < 0.5)
            item_id = self.s.next_id(AgendaItem)
            plan = (
                {
                    "supervision": "Monthly home visits, one unannounced.",
                    "monitoring": "Device checks at each visit.",
                    "interventions": "Continue the accredited programme with probation.",
                    "victim_safety": "Exclusion zone around the victim's home.",
                    "contingency": "Arrest on any breach; reconvene the panel within a week.",
                }
                if status != "planned"
                else {}
            )
            self.rows[AgendaItem].append(
                (
                    item_id,
                    pk,
                    case.nominal_id,
                    position,
                    "Reviewed progress since the last meeting; the panel agreed the plan."
                    if status != "planned"
                    else "",
                    rnd.random() < 0.05,
                    json.dumps(plan),
                    next_review if status != "planned" else None,
                    complete,
                )
            )
            if status == "planned":
                continue
            for text, why in rnd.sample(MAPPA_DECISIONS, rnd.randint(1, 2)):
                self.rows[Decision].append(
                    (
                        item_id,
                        text.format(level=level, weeks=(next_review - held_on).days // 7),
                        why,
                        "",
                        rnd.random() < 0.1,
                    )
                )
            for text, kind in rnd.sample(MAPPA_ACTIONS, rnd.randint(1, 2)):
                due = held_on + timedelta(days=28)
                done = due < on and rnd.random() < 0.8
                agency = next(
                    (pk_ for name, pk_ in by_kind.items() if kind in name), agencies[0].pk
                )
                self.rows[MeetingAction].append(
                    (
                        item_id,
                        text,
                        "Offender manager" if kind == "police" else "Lead officer",
                        agency,
                        due,
                        "done" if done else "open",
                        min(due, on) if done else None,
                        rnd.random() < 0.05,
                    )
                )
