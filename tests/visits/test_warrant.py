"""Warrant readiness under s.96B from the recorded attempts, the case's panel, and the printable
summary for the application (read back from the PDF)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Address, AuditEvent, NominalStatus
from notifications.models import Absence
from tests.visits.test_recording import recorded
from visits.services.warrant import RECIPIENT, warrant_status

pytestmark = pytest.mark.django_db

OFFICIAL = "OFFICIAL-SENSITIVE"


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def other_address(nominal) -> Address:
    return Address.objects.create(
        nominal=nominal,
        kind=Address.Kind.OTHER,
        line_1="3 River Walk",
        town="Reading",
        postcode="RG2 0AA",
        from_date=date(2022, 5, 1),
    )


def pdf_url(nominal) -> str:
    return reverse("visits:warrant-pdf", kwargs={"pk": nominal.pk})


def pages(response) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


# --- Readiness ----------------------------------------------------------------------------------


def test_two_failed_attempts_at_the_same_address_make_a_warrant_possible(om, nominal):
    recorded(nominal, om, outcome="no_answer", on=days_ago(9))
    assert not warrant_status(nominal).ready
    recorded(nominal, om, outcome="refused", on=days_ago(2))
    status = warrant_status(nominal)
    assert status.ready
    assert [a.line_1 for a in status.addresses] == ["12 Mill Lane"]
    assert [v.outcome for v in status.attempts] == ["no_answer", "refused"]
    assert "Entry failed on 2 occasions at 12 Mill Lane, Reading, RG1 4XX" in status.reason


def test_one_attempt_at_each_of_two_addresses_is_not_enough(om, nominal):
    recorded(nominal, om, outcome="no_answer", on=days_ago(9))
    recorded(nominal, om, outcome="no_answer", on=days_ago(2), address=other_address(nominal))
    status = warrant_status(nominal)
    assert not status.ready and len(status.attempts) == 2
    assert "s.96B needs at least two at the same address" in status.reason


def test_two_attempts_on_the_same_day_are_one_occasion(om, nominal):
    recorded(nominal, om, outcome="no_answer", on=days_ago(2), hour=9)
    recorded(nominal, om, outcome="no_answer", on=days_ago(2), hour=19)
    assert not warrant_status(nominal).ready


def test_not_present_does_not_count(om, nominal):
    recorded(nominal, om, outcome="no_answer", on=days_ago(9))
    recorded(nominal, om, outcome="not_present", on=days_ago(2))
    assert not warrant_status(nominal).ready


def test_a_completed_visit_starts_the_count_again(om, nominal):
    recorded(nominal, om, outcome="no_answer", on=days_ago(20))
    recorded(nominal, om, outcome="completed", on=days_ago(10))
    recorded(nominal, om, outcome="refused", on=days_ago(2))
    status = warrant_status(nominal)
    assert not status.ready and [v.outcome for v in status.attempts] == ["refused"]
    assert status.last_completed.outcome == "completed"


@pytest.mark.parametrize("status", [NominalStatus.IN_CUSTODY, NominalStatus.IN_HOSPITAL])
def test_not_while_in_custody_or_hospital(om, nominal, status):
    recorded(nominal, om, outcome="no_answer", on=days_ago(9))
    recorded(nominal, om, outcome="refused", on=days_ago(2))
    nominal.status = status
    nominal.save(update_fields=["status"])
    found = warrant_status(nominal)
    assert not found.ready and found.person_unavailable
    assert "s.96B does not apply" in found.reason


def test_not_while_an_absence_is_open(om, nominal):
    recorded(nominal, om, outcome="no_answer", on=days_ago(9))
    recorded(nominal, om, outcome="refused", on=days_ago(2))
    Absence.objects.create(nominal=nominal, kind="abroad", first_day=days_ago(1), created_by=om)
    assert not warrant_status(nominal).ready


def test_attempts_while_away_do_not_count(om, nominal):
    recorded(nominal, om, outcome="no_answer", on=days_ago(20))
    recorded(nominal, om, outcome="no_answer", on=days_ago(12))
    Absence.objects.create(
        nominal=nominal,
        kind="custody",
        first_day=days_ago(14),
        last_day=days_ago(10),
        created_by=om,
    )
    status = warrant_status(nominal)
    assert not status.ready and len(status.attempts) == 1


def test_an_old_home_address_no_longer_counts(om, nominal):
    old = Address.objects.create(
        nominal=nominal,
        kind=Address.Kind.HOME,
        line_1="1 Old Road",
        town="Reading",
        from_date=date(2010, 1, 1),
        to_date=date(2019, 12, 31),
    )
    recorded(nominal, om, outcome="no_answer", on=days_ago(9), address=old)
    recorded(nominal, om, outcome="refused", on=days_ago(2), address=old)
    assert not warrant_status(nominal).ready


# --- The case's panel ---------------------------------------------------------------------------


def test_the_visits_tab_shows_the_warrant_panel(client, om, colleague, nominal):
    case_visits = reverse("visits:case-visits", kwargs={"pk": nominal.pk})
    client.force_login(om)
    assert "warrant-panel" not in client.get(case_visits).content.decode()
    recorded(nominal, om, outcome="no_answer", on=days_ago(9))
    once = client.get(case_visits).content.decode()
    assert "Failed attempts since the last completed visit: 1 at 12 Mill Lane" in once
    recorded(nominal, om, outcome="refused", on=days_ago(2))
    html = client.get(case_visits).content.decode()
    assert "A warrant under s.96B may be sought" in html
    assert html.count('<li><a class="govuk-link" href="/visits/') == 2
    assert pdf_url(nominal) in html
    client.force_login(colleague)
    read_only = client.get(case_visits).content.decode()
    assert "A warrant under s.96B may be sought" in read_only
    assert pdf_url(nominal) not in read_only


# --- The printable summary ----------------------------------------------------------------------


def test_the_summary_pdf_lists_the_attempts_with_the_marking_on_every_page(client, om, nominal):
    om.collar_number = "4521"
    om.save(update_fields=["collar_number"])
    recorded(nominal, om, outcome="completed", on=days_ago(90), hour=11)
    for n in range(30, 0, -1):  # enough attempts to run onto a second page
        recorded(nominal, om, outcome="no_answer" if n % 2 else "refused", on=days_ago(n), hour=18)
    client.force_login(om)
    response = client.get(pdf_url(nominal))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert re.fullmatch(
        r'inline; filename="warrant-summary-[A-Za-z0-9-]+-\d{8}\.pdf"',
        response["Content-Disposition"],
    )
    texts = pages(response)
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert OFFICIAL in text, f"page {number}"
        assert f"Page {number} of {len(texts)}" in text, f"page {number}"
    whole = " ".join(" ".join(texts).split())
    assert "John Paul Smith" in whole and nominal.reference in whole
    assert "12 Mill Lane, Reading, RG1 4XX" in whole
    first = days_ago(30)
    assert f"{first.day} {first:%B %Y}" in whole and "6:00pm" in whole
    assert "No answer" in whole and "Refused entry" in whole
    assert "Olivia Marsh (collar number 4521)" in whole
    assert "Last completed visit" in whole and "11:00am" in whole
    assert "on at least two occasions" in whole
    assert "not in custody, detained in hospital or outside the United Kingdom" in whole
    assert "Verification by the applying officer" in whole
    assert "superintendent or above" in whole


def test_printing_the_summary_is_audited_as_a_disclosure_to_the_court(client, om, nominal):
    recorded(nominal, om, outcome="no_answer", on=days_ago(9))
    recorded(nominal, om, outcome="refused", on=days_ago(2))
    client.force_login(om)
    client.get(pdf_url(nominal))
    event = AuditEvent.objects.get(action="disclose", nominal_id=nominal.pk)
    assert event.recipient == RECIPIENT == "Magistrates' court (warrant application)"
    assert event.username == om.username and "2 attempts" in event.description


def test_no_summary_before_the_test_is_met(client, om, nominal):
    recorded(nominal, om, outcome="no_answer", on=days_ago(9))
    client.force_login(om)
    response = client.get(pdf_url(nominal), follow=True)
    assert response.redirect_chain[0][0] == reverse("visits:case-visits", kwargs={"pk": nominal.pk})
    assert "A warrant under s.96B cannot be sought yet" in response.content.decode()
    assert not AuditEvent.objects.filter(action="disclose").exists()


def test_who_may_print_the_summary(client, request, om, nominal):
    recorded(nominal, om, outcome="no_answer", on=days_ago(9))
    recorded(nominal, om, outcome="refused", on=days_ago(2))
    for persona, code in [
        ("om", 200),
        ("supervisor", 200),
        ("colleague", 403),
        ("om_south", 404),
        ("front_desk", 404),
        ("mappa_chair", 404),
        ("administrator", 404),
        ("other_force_om", 404),
    ]:
        client.force_login(request.getfixturevalue(persona))
        assert client.get(pdf_url(nominal)).status_code == code, persona
    assert AuditEvent.objects.filter(action="disclose").count() == 2


def test_readiness_reads_in_flat_queries(om, nominal, django_assert_num_queries):
    recorded(nominal, om, outcome="no_answer", on=days_ago(9))
    recorded(nominal, om, outcome="refused", on=days_ago(2))
    with django_assert_num_queries(3):  # visits, addresses, absences
        assert warrant_status(nominal).ready
    for n in range(20, 12, -1):
        recorded(nominal, om, outcome="no_answer", on=days_ago(n))
    with django_assert_num_queries(3):
        assert len(warrant_status(nominal).attempts) == 10
