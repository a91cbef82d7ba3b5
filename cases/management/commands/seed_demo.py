"""A demo data set: one force, two teams, a user for each role and about 200 fictional people.

Deterministic (seeded) and idempotent: a second run leaves existing data alone and prints the
sign-in details again. Every person, address and number here is invented.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from cases import audit, services
from cases.access import sync_case_permissions
from cases.models import (
    Address,
    AuditAction,
    BankAccount,
    CaseEvent,
    Force,
    IdentityDocument,
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
