"""What other apps add to case pages and lists (the register, risk, visits …). Apps register
here in their AppConfig.ready(); cases itself knows none of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CaseTab:
    slug: str
    label: str
    url_name: str  # takes the case's pk


@dataclass(frozen=True)
class CaseloadColumn:
    heading: str
    template: str  # rendered per row with `n`, the case
    related: str  # what the list must select_related so the column costs no extra query


# Called with (event, subject) after every timeline event, in its transaction: how other apps
# learn that something happened to a case (an address changed, a breach was recorded …).
CaseEventListener = Callable[[Any, Any], None]
CASE_EVENT_LISTENERS: list[CaseEventListener] = []

CASE_TABS: list[CaseTab] = []
CASELOAD_COLUMNS: list[CaseloadColumn] = []

# Called with (case, chosen offender manager, today) before an allocation is confirmed: lines
# with `who`, and `before` and `after` each with `label` and `over` (the dashboards app shows
# each manager's capacity "from X % to Y %").
AllocationPreview = Callable[[Any, Any, Any], list[Any]]
ALLOCATION_PREVIEWS: list[AllocationPreview] = []


def register_case_tab(slug: str, label: str, url_name: str) -> None:
    if all(tab.slug != slug for tab in CASE_TABS):
        CASE_TABS.append(CaseTab(slug, label, url_name))


def register_caseload_column(heading: str, template: str, related: str) -> None:
    if all(column.heading != heading for column in CASELOAD_COLUMNS):
        CASELOAD_COLUMNS.append(CaseloadColumn(heading, template, related))


def listen_to_case_events(listener: CaseEventListener) -> None:
    if listener not in CASE_EVENT_LISTENERS:
        CASE_EVENT_LISTENERS.append(listener)


def register_allocation_preview(preview: AllocationPreview) -> None:
    if preview not in ALLOCATION_PREVIEWS:
        ALLOCATION_PREVIEWS.append(preview)
