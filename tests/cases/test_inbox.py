"""The inbox: each user sees only their own items and marks them done."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases import services
from cases.models import InboxItem

pytestmark = pytest.mark.django_db


def add(user, nominal, key="k1", title="Notification of a change"):
    return services.inbox_add(user=user, nominal=nominal, kind="notification", title=title, key=key)


def test_adding_the_same_item_twice_keeps_one(om, nominal):
    assert add(om, nominal) is True
    assert add(om, nominal) is False
    assert InboxItem.objects.filter(user=om).count() == 1


def test_inbox_lists_own_open_items_and_marks_done(client, om, colleague, nominal):
    add(om, nominal, title="Mine")
    add(colleague, nominal, title="Theirs")
    client.force_login(om)
    page = client.get(reverse("cases:inbox")).content.decode()
    assert "Mine" in page and "Theirs" not in page
    item = InboxItem.objects.get(user=om)
    response = client.post(reverse("cases:inbox-done", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.done_at is not None
    assert "Mine" not in client.get(reverse("cases:inbox")).content.decode()
    assert "Mine" in client.get(reverse("cases:inbox") + "?show=done").content.decode()


def test_cannot_mark_someone_elses_item_done(client, om, colleague, nominal):
    add(colleague, nominal)
    item = InboxItem.objects.get(user=colleague)
    client.force_login(om)
    client.post(reverse("cases:inbox-done", args=[item.pk]))
    item.refresh_from_db()
    assert item.done_at is None


def test_inbox_query_count_is_flat(client, om, nominal, django_assert_max_num_queries):
    client.force_login(om)
    for n in range(3):
        add(om, nominal, key=f"a{n}")
    with django_assert_max_num_queries(16) as small:
        client.get(reverse("cases:inbox"))
    for n in range(30):
        add(om, nominal, key=f"b{n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("cases:inbox"))


def test_caseload_shows_the_next_notification(client, om, notification):
    client.force_login(om)
    page = client.get(reverse("cases:caseload")).content.decode()
    assert "Next notification" in page and "Periodic notification" in page
