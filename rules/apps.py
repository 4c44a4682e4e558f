from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "rules"
    verbose_name = "Rules engine"

    def ready(self) -> None:
        from rules.kinds import register_kinds

        register_kinds()
