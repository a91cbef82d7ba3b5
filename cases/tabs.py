"""Case pages other apps add to the case's sub navigation (the register, risk, visits …).
Apps register here in their AppConfig.ready(); cases itself knows none of them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CaseTab:
    slug: str
    label: str
    url_name: str  # takes the case's pk


CASE_TABS: list[CaseTab] = []


def register_case_tab(slug: str, label: str, url_name: str) -> None:
    if all(tab.slug != slug for tab in CASE_TABS):
        CASE_TABS.append(CaseTab(slug, label, url_name))
