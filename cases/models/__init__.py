from cases.models.access import NominalGroupObjectPermission, NominalUserObjectPermission
from cases.models.audit import GENESIS_HASH, AuditAction, AuditEvent
from cases.models.inbox import InboxItem
from cases.models.nominal import (
    NOMINAL_DETAIL_FIELDS,
    REGISTERED_STATUSES,
    Address,
    BankAccount,
    Employment,
    IdentityDocument,
    MappaCategory,
    MappaLevel,
    Nominal,
    NominalStatus,
    OnlineIdentity,
    OtherName,
    PaymentCard,
    Sex,
    Vehicle,
)
from cases.models.people import CASE_ROLES, Force, Role, Team, User
from cases.models.timeline import CaseEvent, FieldChange

__all__ = [
    "NOMINAL_DETAIL_FIELDS",
    "CASE_ROLES",
    "GENESIS_HASH",
    "REGISTERED_STATUSES",
    "Address",
    "AuditAction",
    "AuditEvent",
    "BankAccount",
    "CaseEvent",
    "Employment",
    "FieldChange",
    "Force",
    "IdentityDocument",
    "InboxItem",
    "MappaCategory",
    "MappaLevel",
    "Nominal",
    "NominalGroupObjectPermission",
    "NominalStatus",
    "NominalUserObjectPermission",
    "OnlineIdentity",
    "OtherName",
    "PaymentCard",
    "Role",
    "Sex",
    "Team",
    "User",
    "Vehicle",
]
