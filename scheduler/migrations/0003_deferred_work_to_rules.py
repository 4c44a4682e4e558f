"""``DeferredWork`` now belongs to the rules app (``rules`` 0002 took over its table): the
scheduler forgets it without touching the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("rules", "0002_deferred_work_from_scheduler"),
        ("scheduler", "0002_deferred_work"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DeferredWork")]
        )
    ]
