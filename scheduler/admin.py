"""The scheduler in the admin: recurring effects (read-only: they are made through the API's
actions) and the dead letters of jobs that failed for good, with an action that retries them."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from campaign.admin.base import ReadOnlyAdmin
from scheduler.models import DeadLetter, RecurringEffect
from scheduler.retry import retry_dead_letters


@admin.register(RecurringEffect)
class RecurringEffectAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "target_type",
        "target_uid",
        "period_days",
        "next_due_at",
        "applied_count",
        "is_active",
        "branch",
    )
    list_filter = ("is_active", "target_type")
    search_fields = ("name",)


@admin.register(DeadLetter)
class DeadLetterAdmin(ReadOnlyAdmin):
    list_display = ("task_name", "failed_at", "attempts", "error", "retried_at")
    list_filter = ("task_name",)
    readonly_fields = (
        "task_name",
        "args",
        "kwargs",
        "error",
        "traceback",
        "attempts",
        "failed_at",
        "retried_at",
    )
    actions = ("retry",)

    @admin.action(description="Retry the selected jobs")
    def retry(self, request: HttpRequest, queryset: QuerySet[DeadLetter]) -> None:
        sent = retry_dead_letters(queryset)
        self.message_user(request, f"{sent} job(s) sent again.", messages.SUCCESS)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Actions need the change permission; the form itself stays read-only.
        return bool(request.user.is_superuser)
