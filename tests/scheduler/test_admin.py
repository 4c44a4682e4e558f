"""The scheduler in the admin: dead letters are listed and retried from there; recurring effects
are shown, not edited."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from campaign.models import User
from scheduler import jobs
from scheduler.models import DeadLetter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


@pytest.fixture
def admin(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("root@example.com", "root-password"))
    return client


def test_a_dead_letter_is_retried_from_the_admin(
    admin: Client,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a job that failed for good
    letter = DeadLetter.objects.create(
        task_name="scheduler.fire_due_work", args=["b-1"], error="DatabaseError", attempts=4
    )
    ran: list[object] = []

    def fire(branch_id: object) -> dict[str, Any]:
        ran.append(branch_id)
        return {}

    monkeypatch.setattr(jobs, "fire_due_work", fire)
    changelist = reverse("admin:scheduler_deadletter_changelist")
    assert b"scheduler.fire_due_work" in admin.get(changelist).content

    # when an operator retries it
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            changelist, {"action": "retry", "_selected_action": [letter.pk]}, follow=True
        )

    # then the job ran again with its arguments, and the letter says when it was retried
    assert response.status_code == 200
    assert b"1 job(s) sent again." in response.content
    assert ran == ["b-1"]
    letter.refresh_from_db()
    assert letter.retried_at is not None


def test_recurring_effects_are_shown_but_not_edited_in_the_admin(admin: Client) -> None:
    response = admin.get(reverse("admin:scheduler_recurringeffect_changelist"))
    assert response.status_code == 200
    assert admin.get(reverse("admin:scheduler_recurringeffect_add")).status_code == 403


def test_deferred_work_is_shown_but_not_edited_in_the_admin(admin: Client) -> None:
    response = admin.get(reverse("admin:rules_deferredwork_changelist") + "?done_at__isnull=True")
    assert response.status_code == 200
    assert admin.get(reverse("admin:rules_deferredwork_add")).status_code == 403
