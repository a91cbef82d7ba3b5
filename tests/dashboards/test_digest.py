"""The daily digest: one e-mail a day to each user with new inbox items, references not names,
never twice, and safe when two runs meet."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import InboxItem
from cases.services import inbox_add
from dashboards.models import DigestSent
from dashboards.services.digest import (
    DIGEST_LOCK,
    MOST_LISTED,
    digest_send,
    digests_send,
    kind_label,
    recipients,
)
from dashboards.tasks import send_digests_daily

TODAY = timezone.localdate()
TOMORROW = TODAY + timedelta(days=1)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://rsom.example.police.uk/"
    settings.DEFAULT_FROM_EMAIL = "rsom@example.police.uk"


@pytest.fixture
def om_with_email(om):
    om.email = "olivia.marsh@example.police.uk"
    om.save(update_fields=["email"])
    return om


def add_item(user, nominal, key, kind="visit_overdue", due=None):
    inbox_add(
        user=user,
        nominal=nominal,
        kind=kind,
        title=f"Home visit overdue: {nominal.full_name}",
        detail=f"{nominal.full_name} of 12 Mill Lane",
        key=key,
        due=due,
        link=f"/cases/{nominal.pk}/visits/",
    )
    return InboxItem.objects.get(user=user, key=key)


def test_one_digest_listing_references_kinds_due_dates_and_links_without_names(
    om_with_email, nominal, mailoutbox
):
    add_item(om_with_email, nominal, "a", due=TODAY + timedelta(days=3))
    add_item(om_with_email, nominal, "b", kind="arms_review")

    result = digests_send(TODAY)

    assert (result.ran, result.sent, result.items) == (True, 1, 2)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["olivia.marsh@example.police.uk"]
    assert message.from_email == "rsom@example.police.uk"
    assert message.subject == "RSOM: 2 new items in your inbox"
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert nominal.reference in body
        assert "Visit overdue" in body and "ARMS review" in body
        assert f"https://rsom.example.police.uk/cases/{nominal.pk}/visits/" in body
        assert "https://rsom.example.police.uk/inbox/" in body
        assert (TODAY + timedelta(days=3)).strftime("%-d %b %Y") in body
        for personal in ("Smith", "John", "Paul", "Mill Lane"):
            assert personal not in body
    sent = DigestSent.objects.get(user=om_with_email)
    assert sent.on == TODAY and sent.items == 2


def test_a_second_run_the_same_day_sends_nothing(om_with_email, nominal, mailoutbox):
    add_item(om_with_email, nominal, "a")
    digests_send(TODAY)
    add_item(om_with_email, nominal, "b")  # arrives after today's digest: tomorrow's

    again = digests_send(TODAY)

    assert (again.sent, again.items) == (0, 0)
    assert len(mailoutbox) == 1
    assert DigestSent.objects.count() == 1


def test_the_next_digest_lists_only_what_arrived_since(om_with_email, nominal, mailoutbox):
    add_item(om_with_email, nominal, "old", kind="arms_review")
    digests_send(TODAY)
    add_item(om_with_email, nominal, "new", kind="mappa_review_due")

    tomorrow = digests_send(TOMORROW)

    assert (tomorrow.sent, tomorrow.items) == (1, 1)
    body = mailoutbox[1].body
    assert "MAPPA review due" in body and "ARMS review" not in body
    assert mailoutbox[1].subject == "RSOM: 1 new item in your inbox"
    # And the day after, with nothing new, nothing is sent.
    assert digests_send(TOMORROW + timedelta(days=1)).sent == 0
    assert len(mailoutbox) == 2


def test_only_users_with_an_address_active_and_with_new_open_items(
    om_with_email, colleague, supervisor, nominal, mailoutbox
):
    add_item(colleague, nominal, "no-address")  # colleague has no e-mail address
    supervisor.email = "helen.price@example.police.uk"
    supervisor.save(update_fields=["email"])
    done = add_item(supervisor, nominal, "done")
    InboxItem.objects.filter(pk=done.pk).update(done_at=timezone.now())
    inactive = om_with_email
    add_item(inactive, nominal, "inactive")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])

    assert digests_send(TODAY).sent == 0
    assert mailoutbox == []
    assert not DigestSent.objects.exists()


def test_items_about_cases_the_user_no_longer_sees_are_left_out(
    om_with_email, nominal, other_force_nominal, mailoutbox
):
    add_item(om_with_email, other_force_nominal, "elsewhere")
    assert digests_send(TODAY).sent == 0  # nothing visible: no e-mail, no record
    assert not DigestSent.objects.exists()

    add_item(om_with_email, nominal, "mine")
    digests_send(TODAY)
    assert other_force_nominal.reference not in mailoutbox[0].body
    assert nominal.reference in mailoutbox[0].body


def test_a_long_digest_lists_the_first_items_and_counts_the_rest(
    om_with_email, nominal, mailoutbox
):
    for n in range(MOST_LISTED + 3):
        add_item(om_with_email, nominal, f"item-{n}")
    digests_send(TODAY)
    body = mailoutbox[0].body
    assert body.count(nominal.reference) == MOST_LISTED
    assert "And 3 more in your inbox." in body
    assert DigestSent.objects.get().items == MOST_LISTED + 3


def test_a_digest_already_recorded_is_not_sent_again(om_with_email, nominal, mailoutbox):
    # A run in another worker recorded today's digest after this run chose its recipients.
    item = add_item(om_with_email, nominal, "a")
    DigestSent.objects.create(user=om_with_email, on=TODAY, items=1)
    since = item.created_at - timedelta(seconds=1)
    count = digest_send(user=om_with_email, on=TODAY, since=since, until=timezone.now())
    assert count == 0 and mailoutbox == []
    assert list(recipients(TODAY, timezone.now())) == []


class FailingBackend(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x": (550, b"no")})


def test_a_failed_send_records_nothing_and_the_next_run_sends(
    om_with_email, nominal, settings, mailoutbox
):
    add_item(om_with_email, nominal, "a")
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"

    failed = digests_send(TODAY)

    assert (failed.sent, failed.failed) == (0, 1)
    assert "1 could not be sent and will be tried again" in str(failed)
    assert not DigestSent.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert digests_send(TODAY).sent == 1
    assert len(mailoutbox) == 1


@pytest.fixture
def lock_holder(hold_lock):
    return hold_lock(DIGEST_LOCK)


def test_a_run_in_progress_makes_another_return_at_once(
    om_with_email, nominal, lock_holder, mailoutbox
):
    add_item(om_with_email, nominal, "a")
    with CaptureQueriesContext(connection) as queries:
        busy = digests_send(TODAY)
    assert not busy.ran and len(queries) == 1
    assert "not sent: another run is in progress" in str(busy)
    assert mailoutbox == []

    lock_holder.release()
    assert digests_send(TODAY).sent == 1


def test_queries_per_digest_do_not_grow_with_items(om_with_email, supervisor, nominal, mailoutbox):
    add_item(om_with_email, nominal, "a")
    with CaptureQueriesContext(connection) as few:
        digests_send(TODAY)
    for n in range(30):
        add_item(om_with_email, nominal, f"more-{n}")
    with CaptureQueriesContext(connection) as many:
        digests_send(TOMORROW)
    assert len(few) == len(many)


def test_the_command_and_the_task(om_with_email, nominal, mailoutbox, capsys):
    add_item(om_with_email, nominal, "a")
    call_command("send_digests", "--date", TODAY.isoformat())
    assert f"Digests for {TODAY:%-d %b %Y}: 1 sent, listing 1 item." in capsys.readouterr().out
    add_item(om_with_email, nominal, "b")
    result = send_digests_daily.delay().get()
    assert result["sent"] == 0  # today's went already
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("visit_overdue", "Visit overdue"),
        ("arms_review", "ARMS review"),
        ("mappa_review_overdue", "MAPPA review overdue"),
        ("notification_due_soon", "Notification due soon"),
        ("", "Item"),
    ],
)
def test_kind_label(kind, label):
    assert kind_label(kind) == label
