"""The details a person notifies (s.83(5) and the 2012 regulations), grouped as the counter
journey goes through them, and the snapshot kept with each notification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from cases.models import Address, BankAccount, IdentityDocument, Nominal, OtherName, PaymentCard


def _fmt(day: date | None) -> str:
    return day.strftime("%-d %b %Y") if day else ""


def _current(records, on: date):
    return [r for r in records if r.is_current(on)]


def _address_line(address: Address) -> str:
    text = str(address)
    if address.from_date:
        text += f" (since {_fmt(address.from_date)})"
    if address.notes:
        text += f"; {address.notes}"
    return text


@dataclass(frozen=True)
class DetailSection:
    slug: str
    title: str
    change_type: str  # notifications.models.ChangeType value, "" when not a s.84 change

    def items(self, nominal: Nominal, on: date) -> list[dict[str, str]]:
        return ITEMS[self.slug](nominal, on)


def _names(nominal: Nominal, on: date) -> list[dict[str, str]]:
    others = _current(OtherName.objects.filter(nominal=nominal), on)
    return [{"label": "Name", "value": nominal.full_name}] + [
        {"label": o.get_kind_display(), "value": o.name} for o in others
    ]


def _addresses(kinds):
    def items(nominal: Nominal, on: date) -> list[dict[str, str]]:
        found = _current(Address.objects.filter(nominal=nominal, kind__in=kinds), on)
        return [{"label": a.get_kind_display(), "value": _address_line(a)} for a in found]

    return items


def _ni(nominal: Nominal, on: date) -> list[dict[str, str]]:
    return [{"label": "National Insurance number", "value": nominal.ni_number or "None given"}]


def _accounts(nominal: Nominal, on: date) -> list[dict[str, str]]:
    found = _current(BankAccount.objects.filter(nominal=nominal), on)
    return [
        {"label": a.institution, "value": f"Sort code {a.sort_code}, account {a.masked_number}"}
        for a in found
    ]


def _cards(nominal: Nominal, on: date) -> list[dict[str, str]]:
    found = _current(PaymentCard.objects.filter(nominal=nominal), on)
    return [
        {
            "label": c.issuer,
            "value": f"Card {c.masked_number}"
            + (f", valid from {c.valid_from}" if c.valid_from else "")
            + f", expires {c.expires}",
        }
        for c in found
    ]


def _documents(nominal: Nominal, on: date) -> list[dict[str, str]]:
    found = _current(IdentityDocument.objects.filter(nominal=nominal), on)
    return [
        {
            "label": d.get_kind_display(),
            "value": f"{d.number}, name shown {d.name_shown}"
            + (f", issued {_fmt(d.issued_on)}" if d.issued_on else "")
            + (f", expires {_fmt(d.expires_on)}" if d.expires_on else ""),
        }
        for d in found
    ]


ITEMS = {
    "names": _names,
    "home-address": _addresses([Address.Kind.HOME, Address.Kind.NO_FIXED_ABODE]),
    "other-addresses": _addresses([Address.Kind.OTHER]),
    "households": _addresses([Address.Kind.HOUSEHOLD_WITH_CHILD]),
    "ni-number": _ni,
    "accounts": _accounts,
    "cards": _cards,
    "documents": _documents,
}

SECTIONS = [
    DetailSection("names", "Names", "name"),
    DetailSection("home-address", "Home address", "home_address"),
    DetailSection(
        "other-addresses", "Other addresses where they regularly stay", "qualifying_stay"
    ),
    DetailSection("households", "Households where a child lives or stays", "household_with_child"),
    DetailSection("ni-number", "National Insurance number", ""),
    DetailSection("accounts", "Bank and building society accounts", "account"),
    DetailSection("cards", "Payment cards", "card"),
    DetailSection("documents", "Passports and identity documents", "identity_document"),
]
BY_SLUG = {s.slug: s for s in SECTIONS}


def details_snapshot(nominal: Nominal, *, changed: frozenset[str] = frozenset()) -> list[dict]:
    """Every detail as it stands, with the date of birth first: what the notification gave."""
    on = timezone.localdate()
    snapshot = [
        {
            "section": "Date of birth",
            "slug": "date-of-birth",
            "items": [{"label": "Date of birth", "value": _fmt(nominal.date_of_birth)}],
            "changed": False,
        }
    ]
    for section in SECTIONS:
        snapshot.append(
            {
                "section": section.title,
                "slug": section.slug,
                "items": section.items(nominal, on),
                "changed": section.slug in changed,
            }
        )
    return snapshot
