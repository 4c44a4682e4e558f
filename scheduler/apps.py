from django.apps import AppConfig


class SchedulerConfig(AppConfig):
    name = "scheduler"
    verbose_name = "Scheduler"

    def ready(self) -> None:
        from rules.signals import trigger_deferred
        from scheduler.deferred import schedule_triggered
        from scheduler.kinds import register_kinds

        register_kinds()
        trigger_deferred.connect(schedule_triggered, dispatch_uid="scheduler.schedule_triggered")
