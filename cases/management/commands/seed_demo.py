"""A demo data set: one force, two teams, a user for each role and about 200 fictional people,
each with a register history (conviction or caution, time in custody, notifications).

Deterministic (seeded) and idempotent: a second run leaves existing data alone and prints the
sign-in details again. Every person, address and number here is invented.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cases import audit, services
from cases.access import sync_case_permissions
from cases.dates import add_months, add_years
from cases.models import (
    REGISTERED_STATUSES,
    Address,
    AuditAction,
    BankAccount,
    CaseEvent,
    Force,
    IdentityDocument,
    InboxItem,
    MappaLevel,
    Nominal,
    NominalStatus,
    OnlineIdentity,
    OtherName,
    PaymentCard,
    Role,
    Sex,
    User,
    Vehicle,
)
from cases.validators import luhn_ok
from notifications import services as register
from notifications.models import Conviction, Schedule3Offence, Station

DEMO_FORCE = "thames-valley"
DEMO_PASSWORD = "rsom-demo-2026"
TODAY = date(2026, 11, 21)

USERS = [
    # username, first, last, roles, teams
    ("om.marsh", "Olivia", "Marsh", [Role.OFFENDER_MANAGER], ["North"]),
    ("om.okafor", "Daniel", "Okafor", [Role.OFFENDER_MANAGER], ["North"]),
    ("om.shah", "Priya", "Shah", [Role.OFFENDER_MANAGER], ["South"]),
    ("sgt.price", "Helen", "Price", [Role.SUPERVISOR], ["North", "South"]),
    ("desk.reed", "Tom", "Reed", [Role.FRONT_DESK], []),
    ("chair.ellis", "Margaret", "Ellis", [Role.MAPPA_CHAIR], []),
    ("admin.bello", "Ade", "Bello", [Role.ADMINISTRATOR], []),
]

FORENAMES = [
    "James",
    "John",
    "David",
    "Michael",
    "Paul",
    "Mark",
    "Andrew",
    "Richard",
    "Stephen",
    "Peter",
    "Christopher",
    "Robert",
    "Gary",
    "Ian",
    "Darren",
    "Lee",
    "Craig",
    "Wayne",
    "Kevin",
    "Steven",
    "Daniel",
    "Thomas",
    "Matthew",
    "Ryan",
    "Liam",
    "Connor",
    "Jordan",
    "Adam",
    "Jamie",
    "Nathan",
    "Mohammed",
    "Tomasz",
    "Marius",
    "Aaron",
    "Callum",
    "Dean",
    "Shaun",
    "Graham",
    "Keith",
    "Neil",
]
FEMALE_FORENAMES = ["Sarah", "Karen", "Lisa", "Michelle", "Tracey", "Donna"]
MIDDLE = ["", "", "John", "Paul", "James", "Lee", "Anthony", "William", "George", "Edward"]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Hughes",
    "Edwards",
    "Turner",
    "Harris",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Murphy",
    "Miller",
    "Cox",
    "Richards",
    "Khan",
    "Marshall",
    "Anderson",
    "Simpson",
    "Ellis",
    "Adams",
    "Singh",
    "Begum",
    "Kowalski",
    "Nowak",
    "Popescu",
    "Ahmed",
    "Fletcher",
    "Hunt",
    "Palmer",
    "Mason",
]
STREETS = [
    "Oxford Road",
    "London Road",
    "Station Road",
    "Church Street",
    "Mill Lane",
    "Queens Road",
    "Victoria Street",
    "Kings Road",
    "Park Avenue",
    "The Crescent",
    "Meadow Close",
    "Elm Grove",
    "Orchard Way",
    "Bath Road",
    "High Street",
    "Castle Street",
    "Wantage Road",
    "Cowley Road",
    "Iffley Road",
    "Cemetery Road",
    "Bridge Street",
    "Chapel Lane",
    "Windsor Road",
    "Green Lane",
]
TOWNS = [
    ("Reading", ["RG1", "RG2", "RG30", "RG4"]),
    ("Oxford", ["OX1", "OX3", "OX4"]),
    ("Milton Keynes", ["MK6", "MK9", "MK13"]),
    ("Slough", ["SL1", "SL2"]),
    ("High Wycombe", ["HP11", "HP13"]),
    ("Banbury", ["OX16"]),
    ("Aylesbury", ["HP19", "HP21"]),
    ("Bracknell", ["RG12", "RG42"]),
    ("Newbury", ["RG14"]),
    ("Didcot", ["OX11"]),
]
BANKS = [
    "Barclays",
    "Lloyds Bank",
    "NatWest",
    "HSBC UK",
    "Santander",
    "Nationwide",
    "Monzo",
    "Starling Bank",
]
MAKES = [
    ("Ford", "Focus"),
    ("Vauxhall", "Corsa"),
    ("Volkswagen", "Golf"),
    ("Toyota", "Yaris"),
    ("Peugeot", "208"),
    ("BMW", "1 Series"),
    ("Nissan", "Qashqai"),
    ("Renault", "Clio"),
]
COLOURS = ["Silver", "Black", "Blue", "Red", "White", "Grey"]
PLATFORMS = ["Facebook", "Snapchat", "Instagram", "WhatsApp", "TikTok", "Discord", "X"]

STATUS_MIX = [
    (NominalStatus.ACTIVE, 66),
    (NominalStatus.REACTIVE, 12),
    (NominalStatus.IN_CUSTODY, 9),
    (NominalStatus.IN_HOSPITAL, 1),
    (NominalStatus.WHEREABOUTS_UNKNOWN, 2),
    (NominalStatus.MOVED_OUT_OF_FORCE, 3),
    (NominalStatus.NOTIFICATION_ENDED, 6),
    (NominalStatus.DECEASED, 1),
]


class Command(BaseCommand):
    help = "Load the demo data set (idempotent) and print a sign-in for each role."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=200)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, people, seed, **options):
        force = Force.objects.get(code=DEMO_FORCE)
        if User.objects.filter(username=USERS[0][0]).exists():
            self.stdout.write("Demo data already loaded.")
        else:
            with transaction.atomic():
                teams = self._teams(force)
                users = self._users(force, teams)
                self._people(force, teams, users, random.Random(seed), people)
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {people} people."))
        added = RegisterSeeder(force, seed).run()
        if added:
            self.stdout.write(self.style.SUCCESS(f"Register history added for {added} people."))
        self._print_credentials()

    def _teams(self, force):
        return {name: services.team_create(force=force, name=name) for name in ("North", "South")}

    def _users(self, force, teams):
        users = {}
        for username, first, last, roles, team_names in USERS:
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@thamesvalley.police.example",
                force=force,
            )
            services.user_set_roles(user=user, roles=roles, teams=[teams[t] for t in team_names])
            users[username] = user
        return users

    def _people(self, force, teams, users, rnd, count):
        managers = [("om.marsh", "North", 45), ("om.okafor", "North", 40), ("om.shah", "South", 50)]
        slots = [(users[u], teams[t]) for u, t, n in managers for _ in range(n)]
        statuses = [s for s, weight in STATUS_MIX for _ in range(weight)]
        for i in range(count):
            manager, team = slots[i] if i < len(slots) else (None, teams["South"])
            nominal = self._person(force, team, manager, rnd, statuses)
            self._details(nominal, rnd)
            services.refresh_search_names(nominal)
            sync_case_permissions(nominal)
            CaseEvent.objects.create(
                nominal=nominal, kind="created", summary=f"Record created ({nominal.reference})"
            )
        audit.record(
            actor=None,
            action=AuditAction.CREATE,
            description=f"Demo data set loaded: {count} fictional people",
        )

    def _person(self, force, team, manager, rnd, statuses):
        sex = Sex.FEMALE if rnd.random() < 0.03 else Sex.MALE
        first = rnd.choice(FEMALE_FORENAMES if sex == Sex.FEMALE else FORENAMES)
        middle = rnd.choice(MIDDLE)
        dob = date(1948, 1, 1) + timedelta(days=rnd.randrange(0, 365 * 57))
        level = rnd.choices([1, 2, 3], weights=[90, 8, 2])[0]
        nominal = Nominal(
            force=force,
            team=team,
            offender_manager=manager,
            forenames=f"{first} {middle}".strip(),
            surname=rnd.choice(SURNAMES),
            date_of_birth=dob,
            sex=sex,
            ni_number=_ni_number(rnd) if rnd.random() < 0.85 else "",
            status=rnd.choice(statuses),
            mappa_level=MappaLevel(level),
        )
        nominal.reference = services.force_next_reference(force)
        nominal.save()
        return nominal

    def _details(self, nominal, rnd):
        town, districts = rnd.choice(TOWNS)
        moved_in = TODAY - timedelta(days=rnd.randrange(60, 3000))
        if rnd.random() < 0.5:
            Address.objects.create(
                nominal=nominal,
                kind=Address.Kind.HOME,
                line_1=_street(rnd),
                town=town,
                postcode=_postcode(rnd, districts),
                from_date=moved_in - timedelta(days=rnd.randrange(200, 2000)),
                to_date=moved_in - timedelta(days=1),
            )
        if nominal.status == NominalStatus.WHEREABOUTS_UNKNOWN:
            pass  # no current address: that is what makes their whereabouts unknown
        elif rnd.random() < 0.03:
            Address.objects.create(
                nominal=nominal,
                kind=Address.Kind.NO_FIXED_ABODE,
                line_1="Sleeps near St Mary's Butts",
                town=town,
                from_date=moved_in,
            )
        else:
            Address.objects.create(
                nominal=nominal,
                kind=Address.Kind.HOME,
                line_1=_street(rnd),
                town=town,
                postcode=_postcode(rnd, districts),
                from_date=moved_in,
            )
        if rnd.random() < 0.35:
            OtherName.objects.create(
                nominal=nominal,
                kind=rnd.choice(list(OtherName.Kind)),
                name=f"{rnd.choice(FORENAMES)} {rnd.choice(SURNAMES)}",
                from_date=moved_in - timedelta(days=rnd.randrange(100, 4000)),
            )
        if rnd.random() < 0.6:
            OnlineIdentity.objects.create(
                nominal=nominal,
                kind=OnlineIdentity.Kind.PHONE,
                value=f"07{rnd.randrange(100, 999)} 900{rnd.randrange(100, 999)}",
            )
        if rnd.random() < 0.4:
            handle = f"{nominal.forenames.split()[0].lower()}{rnd.randrange(10, 99)}"
            OnlineIdentity.objects.create(
                nominal=nominal,
                kind=OnlineIdentity.Kind.USERNAME,
                value=handle,
                platform=rnd.choice(PLATFORMS),
            )
        if rnd.random() < 0.7:
            BankAccount.objects.create(
                nominal=nominal,
                institution=rnd.choice(BANKS),
                sort_code="-".join(str(rnd.randrange(10, 99)) for _ in range(3)),
                account_number=f"{rnd.randrange(10_000_000, 99_999_999)}",
                from_date=moved_in - timedelta(days=rnd.randrange(0, 2000)),
            )
        if rnd.random() < 0.6:
            PaymentCard.objects.create(
                nominal=nominal,
                issuer=rnd.choice(BANKS),
                card_number=_card_number(rnd),
                valid_from=f"{rnd.randrange(1, 13):02d}/{rnd.randrange(22, 26)}",
                expires=f"{rnd.randrange(1, 13):02d}/{rnd.randrange(27, 31)}",
            )
        if rnd.random() < 0.4:
            IdentityDocument.objects.create(
                nominal=nominal,
                kind=IdentityDocument.Kind.PASSPORT,
                number=f"{rnd.randrange(100_000_000, 999_999_999)}",
                name_shown=nominal.full_name.upper(),
                issued_on=TODAY - timedelta(days=rnd.randrange(100, 3000)),
                expires_on=TODAY + timedelta(days=rnd.randrange(100, 3000)),
            )
        if rnd.random() < 0.45:
            make, model = rnd.choice(MAKES)
            Vehicle.objects.create(
                nominal=nominal,
                registration=_registration(rnd),
                make=make,
                model=model,
                colour=rnd.choice(COLOURS),
                from_date=moved_in,
            )

    def _print_credentials(self):
        self.stdout.write(f"\nSign in with any of these (password for all: {DEMO_PASSWORD}):")
        for username, first, last, roles, teams in USERS:
            labels = ", ".join(Role(r).label for r in roles)
            where = f" ({', '.join(teams)} team{'s' if len(teams) > 1 else ''})" if teams else ""
            self.stdout.write(f"  {labels:<18} {username:<12} {first} {last}{where}")


# --- Register history -----------------------------------------------------------------------------

STATIONS = [
    ("Reading police station", "Reading"),
    ("Oxford police station", "Oxford"),
    ("Milton Keynes police station", "Milton Keynes"),
]
CROWN_COURTS = ["Reading Crown Court", "Oxford Crown Court", "Aylesbury Crown Court"]
MAGISTRATES = [
    "Reading Magistrates' Court",
    "Oxford Magistrates' Court",
    "Milton Keynes Magistrates' Court",
]
CAUTION_PLACES = [
    "Loddon Valley police station",
    "Abingdon police station",
    "Banbury police station",
]
# Schedule 3 paragraphs: those without a threshold suit every disposal.
CUSTODY_OFFENCES = ["13", "15", "17", "19", "21"]
OTHER_OFFENCES = ["11", "21", "24", "24A"]
YOUTH_OFFENCE = "22"  # registrable for an under-18 sentenced to 12 months or more
KEY_NAMESPACE = uuid.UUID("8f6b0d52-7f1e-4b8e-9a55-3d2c6e1f0a77")


@dataclass
class History:
    """One person's register history, planned before it is recorded through the services."""

    disposal: str
    relevant: date
    paragraph: str
    court: str
    months: int | None = None  # the custodial term
    released: date | None = None  # from the sentence: None when no custody or still inside
    away: tuple[str, date] | None = None  # custody or hospital since this day, still away
    notifications: list[tuple[date, str, date | None]] = field(default_factory=list)
    close: bool = False  # requirements ended: close the case


class RegisterSeeder:
    """Gives every demo person without a conviction a realistic register history.

    Dates are counted back from today so that the demo always shows people on time, due soon and
    overdue. Each person is recorded in one transaction through the register services, so the
    case timeline and the audit trail are what a real case would have."""

    def __init__(self, force, seed: int):
        self.force = force
        self.seed = seed
        self.today = timezone.localdate()

    def run(self) -> int:
        people = list(
            Nominal.objects.filter(force=self.force)
            .select_related("offender_manager")
            .prefetch_related("addresses")
            .order_by("pk")
        )
        done = set(
            Conviction.objects.filter(nominal__force=self.force).values_list(
                "nominal_id", flat=True
            )
        )
        if len(done) == len(people):
            return 0
        self.stations = [self._station(name, town) for name, town in STATIONS]
        self.offences = {o.paragraph: o for o in Schedule3Offence.objects.all()}
        self.desk = User.objects.get(username="desk.reed")
        self.supervisor = User.objects.get(username="sgt.price")
        roles = self._special_roles(people)
        added = 0
        for nominal in people:
            if nominal.pk in done:
                continue
            rnd = random.Random(f"{self.seed}:{nominal.reference}")
            history = self._plan(nominal, roles.get(nominal.pk, ""), rnd)
            with transaction.atomic():
                self._record(nominal, history, rnd)
            added += 1
        return added

    def _station(self, name: str, town: str) -> Station:
        station, _ = Station.objects.get_or_create(
            force=self.force, name=name, defaults={"address": town}
        )
        return station

    # Planning ----------------------------------------------------------------------------------

    def _special_roles(self, people) -> dict[int, str]:
        """The few people the demo needs whatever the random mix: an under-18 case, someone due
        soon, someone overdue, someone whose requirements end soon and someone whose requirements
        have ended."""
        active = [p for p in people if p.status == NominalStatus.ACTIVE and not _nfa(p, self.today)]
        roles: dict[int, str] = {}
        if active:
            roles[max(active, key=lambda p: (p.date_of_birth, p.pk)).pk] = "youth"
        adults = [p for p in active if p.pk not in roles and p.age_on(self.today) >= 30]
        needed = ["due_soon", "ending_soon", "ended_now", "overdue"]
        for role, person in zip(needed, adults, strict=False):
            roles[person.pk] = role
        return roles

    def _plan(self, nominal, role: str, rnd) -> History:
        status = nominal.status
        if role == "youth":
            return self._youth(nominal, rnd)
        if role == "ending_soon":
            # A community order whose 5 years end 20 days from today (s.82).
            relevant = add_months(self.today + timedelta(days=21), -60)
            history = self._non_custodial("other", relevant, rnd)
            return self._notify(history, nominal, rnd, stop=self.today - timedelta(days=1))
        if role == "due_soon":
            # Yearly notifications for nearly three years; the next falls due in 6 days (s.85).
            relevant = self._adult(nominal, self.today - timedelta(days=1000))
            history = self._non_custodial("other", relevant, rnd)
            return self._notify(history, nominal, rnd, stop=self.today, due_in=6)
        if role == "ended_now":
            # A caution whose 2 years ended last week: the case is closed, never deleted.
            relevant = add_years(self.today - timedelta(days=10), -2)
            history = self._non_custodial("caution", relevant, rnd)
            history.close = True
            return self._notify(history, nominal, rnd, stop=self.today - timedelta(days=11))
        if status == NominalStatus.NOTIFICATION_ENDED:
            return self._ended(nominal, rnd)
        if status == NominalStatus.IN_HOSPITAL:
            relevant = self._adult(nominal, self.today - timedelta(days=rnd.randrange(400, 2500)))
            history = History(
                "hospital_restriction",
                relevant,
                rnd.choice(CUSTODY_OFFENCES),
                rnd.choice(CROWN_COURTS),
            )
            history.away = ("hospital", relevant)  # detained since: the initial duty waits
            return history
        history = self._sentence(nominal, rnd)
        stop = self.today - timedelta(days=1)
        if status == NominalStatus.IN_CUSTODY:
            recalled = self.today - timedelta(days=rnd.randrange(20, 400))
            history.away = ("custody", recalled)
            stop = recalled - timedelta(days=1)
        elif (
            role == "overdue"
            or status == NominalStatus.WHEREABOUTS_UNKNOWN
            or (status in REGISTERED_STATUSES and rnd.random() < 0.08)
        ):
            stop = self.today - timedelta(days=rnd.randrange(380, 700))  # missed the last one
        return self._notify(history, nominal, rnd, stop=stop)

    def _adult(self, nominal, relevant: date) -> date:
        return max(relevant, add_years(nominal.date_of_birth, 18) + timedelta(days=30))

    def _sentence(self, nominal, rnd) -> History:
        roll = rnd.random()
        if roll < 0.40:
            months = rnd.choice([8, 12, 18, 24, 28])  # more than 6 and under 30 months: 10 years
            relevant = self.today - timedelta(days=rnd.randrange(700, 3300))
        elif roll < 0.65:
            months = rnd.choice([30, 36, 48, 72, 96])  # 30 months or more: indefinite
            relevant = self.today - timedelta(days=rnd.randrange(1200, 5800))
        elif roll < 0.90:
            relevant = self._adult(nominal, self.today - timedelta(days=rnd.randrange(150, 1750)))
            return self._non_custodial("other", relevant, rnd)
        else:
            relevant = self._adult(nominal, self.today - timedelta(days=rnd.randrange(60, 650)))
            return self._non_custodial("caution", relevant, rnd)
        relevant = self._adult(nominal, relevant)
        released = add_months(relevant, months // 2)
        if released >= self.today - timedelta(days=30):
            relevant = self._adult(nominal, self.today - timedelta(days=rnd.randrange(150, 900)))
            return self._non_custodial("other", relevant, rnd)
        return History(
            "custody",
            relevant,
            rnd.choice(CUSTODY_OFFENCES),
            rnd.choice(CROWN_COURTS),
            months=months,
            released=released,
        )

    def _non_custodial(self, disposal: str, relevant: date, rnd) -> History:
        if disposal == "caution":
            return History(
                "caution", relevant, rnd.choice(OTHER_OFFENCES), rnd.choice(CAUTION_PLACES)
            )
        return History("other", relevant, rnd.choice(OTHER_OFFENCES), rnd.choice(MAGISTRATES))

    def _youth(self, nominal, rnd) -> History:
        # Aged 17 on the relevant date: 36 months' detention is indefinite, reviewed after 8 years.
        relevant = add_years(nominal.date_of_birth, 17) + timedelta(days=rnd.randrange(30, 300))
        history = History(
            "custody",
            relevant,
            YOUTH_OFFENCE,
            rnd.choice(CROWN_COURTS),
            months=36,
            released=add_months(relevant, 18),
        )
        return self._notify(history, nominal, rnd, stop=self.today - timedelta(days=1))

    def _ended(self, nominal, rnd) -> History:
        if rnd.random() < 0.5:
            relevant = self._adult(nominal, self.today - timedelta(days=rnd.randrange(1100, 2900)))
            history = self._non_custodial("caution", relevant, rnd)
            last_day = add_years(relevant, 2) - timedelta(days=1)
        else:
            relevant = self._adult(nominal, self.today - timedelta(days=rnd.randrange(1900, 3600)))
            history = self._non_custodial("other", relevant, rnd)
            last_day = add_years(relevant, 5) - timedelta(days=1)
        if last_day >= self.today:  # too young for a long-ended caution: a short one instead
            relevant = add_years(self.today, -3)
            history = self._non_custodial("caution", relevant, rnd)
            last_day = add_years(relevant, 2) - timedelta(days=1)
        return self._notify(history, nominal, rnd, stop=last_day)

    def _notify(self, history: History, nominal, rnd, *, stop: date, due_in: int | None = None):
        """Initial notification within 3 days (of release, after custody), then yearly ones a
        little early, a change of address when they moved, until `stop`."""
        start = (history.released or history.relevant) + timedelta(days=rnd.randrange(0, 3))
        if start > stop:
            return history
        history.notifications.append((start, "initial", None))
        moved = _moved_in(nominal, self.today)
        told = moved + timedelta(days=rnd.randrange(0, 3)) if moved else None
        target = add_years(self.today + timedelta(days=due_in), -1) if due_in else None
        if target:
            stop = target - timedelta(days=1)
        clock = start
        while True:
            due = add_years(clock, 1)
            if told and clock < told <= min(due, stop):
                history.notifications.append((told, "change", moved))
                clock, told = told, None
                continue
            attended = max(due - timedelta(days=rnd.randrange(0, 15)), clock + timedelta(days=1))
            if attended > stop:
                break
            history.notifications.append((attended, "periodic", None))
            clock = attended
        if target and target > clock:
            history.notifications.append((target, "periodic", None))
        if _nfa(nominal, self.today) and not history.away:
            # No fixed abode: weekly (s.85); the last few weeks are enough for the demo.
            for weeks in (3, 2, 1):
                day = self.today - timedelta(days=7 * weeks - rnd.randrange(0, 4))
                if day > history.notifications[-1][0]:
                    history.notifications.append((day, "periodic", None))
        return history

    # Recording ---------------------------------------------------------------------------------

    def _record(self, nominal, history: History, rnd) -> None:
        officer = nominal.offender_manager or self.supervisor
        data = {
            "kind": "caution" if history.disposal == "caution" else "conviction",
            "relevant_date": history.relevant,
            "court": history.court,
            "offence": self.offences[history.paragraph],
            "disposal": history.disposal,
        }
        if history.months:
            data["terms"] = [{"start": 0, "length": history.months}]
        register.conviction_save(acting_user=officer, nominal=nominal, data=data)
        if history.released:
            register.absence_save(
                acting_user=officer,
                nominal=nominal,
                data={
                    "kind": "custody",
                    "first_day": history.relevant,
                    "last_day": history.released,
                },
            )
        station = rnd.choice(self.stations)
        for index, (day, kind, event) in enumerate(history.notifications):
            self._notification(nominal, index, day, kind, event, station, rnd)
        if history.away:
            kind, since = history.away
            register.absence_save(
                acting_user=officer, nominal=nominal, data={"kind": kind, "first_day": since}
            )
        if history.close:
            services.nominal_update(
                acting_user=officer,
                nominal=nominal,
                data={"status": NominalStatus.NOTIFICATION_ENDED},
            )
        register.clock_refresh(nominal)

    def _notification(self, nominal, index, day, kind, event, station, rnd) -> None:
        taken_at = timezone.make_aware(
            datetime.combine(day, time(rnd.randrange(9, 17), rnd.choice([0, 15, 30, 45])))
        )
        data = {
            "type": kind,
            "station": station,
            "taken_at": taken_at,
            "identity_confirmed": True,
            "photograph_taken": kind == "initial",
            "fingerprints_taken": kind == "initial",
        }
        changes, sections = None, frozenset()
        if kind == "change":
            data.update(change_types=["home_address"], event_date=event)
            changes, sections = _address_change(nominal, event), frozenset({"home-address"})
        made, created = register.notification_record(
            acting_user=self.desk,
            nominal=nominal,
            idempotency_key=uuid.uuid5(KEY_NAMESPACE, f"{nominal.reference}:{index}"),
            data=data,
            apply_changes=changes,
            changed_sections=sections,
        )
        manager = nominal.offender_manager
        if created and manager and day < self.today - timedelta(days=30):
            # The manager read about old changes long ago: only recent ones wait in the inbox.
            for item in InboxItem.objects.filter(user=manager, key=f"notification:{made.pk}"):
                services.inbox_mark_done(acting_user=manager, item_id=item.pk)


def _homes(nominal):
    kinds = (Address.Kind.HOME, Address.Kind.NO_FIXED_ABODE)
    return sorted(
        (a for a in nominal.addresses.all() if a.kind in kinds and a.from_date),
        key=lambda a: a.from_date,
    )


def _moved_in(nominal, today: date) -> date | None:
    homes = [a for a in _homes(nominal) if a.is_current(today)]
    return homes[-1].from_date if homes else None


def _nfa(nominal, today: date) -> bool:
    homes = [a for a in _homes(nominal) if a.is_current(today)]
    return bool(homes) and homes[-1].kind == Address.Kind.NO_FIXED_ABODE


def _address_change(nominal, moved: date):
    # The addresses are already on the record; the notification reports the move between them.
    homes = _homes(nominal)
    new = next((a for a in homes if a.from_date == moved), None)
    old = next((a for a in homes if a.to_date and a.to_date < moved), None)

    def apply(locked):
        return [{"field": "Home address", "old": str(old or ""), "new": str(new or "")}]

    return apply


def _street(rnd):
    return f"{rnd.randrange(1, 180)} {rnd.choice(STREETS)}"


def _postcode(rnd, districts):
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return (
        f"{rnd.choice(districts)} {rnd.randrange(1, 10)}{rnd.choice(letters)}{rnd.choice(letters)}"
    )


def _ni_number(rnd):
    first, second = "ABCEHJKLMNPRSTWXYZ", "ABCEHJKLMNPRSTWXYZ"
    digits = rnd.randrange(100000, 999999)
    return f"{rnd.choice(first)}{rnd.choice(second)}{digits}{rnd.choice('ABCD')}"


def _card_number(rnd):
    body = "4" + "".join(str(rnd.randrange(10)) for _ in range(14))
    return next(body + str(d) for d in range(10) if luhn_ok(body + str(d)))


def _registration(rnd):
    letters = "ABCDEFGHJKLMNOPRSTUVWXYZ"
    return (
        f"{rnd.choice(letters)}{rnd.choice(letters)}{rnd.randrange(10, 26)} "
        f"{rnd.choice(letters)}{rnd.choice(letters)}{rnd.choice(letters)}"
    )
