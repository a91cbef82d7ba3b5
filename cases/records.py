"""The kinds of detail a case holds beside the person (names, addresses, accounts …): one
registry drives their pages, forms and history."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from cases import forms as f
from cases import models as m
from cases.services import MASKED_FIELDS, display_value


@dataclass(frozen=True)
class RecordKind:
    slug: str
    model: type[models.Model]
    form: type
    label: str
    plural: str
    section: str
    columns: tuple[str, ...]

    def rows(self, records, *, reveal_numbers: bool) -> list[dict]:
        return [
            {
                "record": r,
                "cells": [self.cell(r, c, reveal_numbers) for c in self.columns],
                "current": r.is_current(),
            }
            for r in records
        ]

    def cell(self, record, column: str, reveal_numbers: bool) -> str:
        if column in MASKED_FIELDS and reveal_numbers:
            return getattr(record, column)
        return display_value(record, column)

    def headings(self) -> list[str]:
        return [str(self.model._meta.get_field(c).verbose_name).capitalize() for c in self.columns]


KINDS = [
    RecordKind(
        "other-names",
        m.OtherName,
        f.OtherNameForm,
        "Other name",
        "Other names used",
        "overview",
        ("name", "kind", "from_date", "to_date"),
    ),
    RecordKind(
        "online-identities",
        m.OnlineIdentity,
        f.OnlineIdentityForm,
        "Online identity",
        "Online identities",
        "overview",
        ("value", "kind", "platform", "from_date", "to_date"),
    ),
    RecordKind(
        "addresses",
        m.Address,
        f.AddressForm,
        "Address",
        "Addresses",
        "addresses",
        ("kind", "line_1", "town", "postcode", "from_date", "to_date"),
    ),
    RecordKind(
        "documents",
        m.IdentityDocument,
        f.IdentityDocumentForm,
        "Identity document",
        "Passports and identity documents",
        "documents-and-money",
        ("kind", "number", "name_shown", "expires_on", "to_date"),
    ),
    RecordKind(
        "bank-accounts",
        m.BankAccount,
        f.BankAccountForm,
        "Bank account",
        "Bank accounts",
        "documents-and-money",
        ("institution", "sort_code", "account_number", "from_date", "to_date"),
    ),
    RecordKind(
        "payment-cards",
        m.PaymentCard,
        f.PaymentCardForm,
        "Payment card",
        "Payment cards",
        "documents-and-money",
        ("issuer", "card_number", "expires", "from_date", "to_date"),
    ),
    RecordKind(
        "vehicles",
        m.Vehicle,
        f.VehicleForm,
        "Vehicle",
        "Vehicles",
        "vehicles-and-work",
        ("registration", "make", "model", "colour", "from_date", "to_date"),
    ),
    RecordKind(
        "employment",
        m.Employment,
        f.EmploymentForm,
        "Employment",
        "Employment",
        "vehicles-and-work",
        ("employer", "role", "from_date", "to_date"),
    ),
]
BY_SLUG = {k.slug: k for k in KINDS}

SECTIONS = {
    "addresses": "Addresses",
    "documents-and-money": "Documents and money",
    "vehicles-and-work": "Vehicles and work",
}


def kinds_in(section: str) -> list[RecordKind]:
    return [k for k in KINDS if k.section == section]
