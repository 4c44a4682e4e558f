"""``DeferredWork`` moves from the scheduler to the rules app, which writes its rows: the table,
its rows, its index and the admin permissions granted on it are kept, renamed for the new app."""

import uuid
from functools import partial
from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_TABLE = "scheduler_deferredwork"
OLD_INDEX = "scheduler_d_branch__5ad541_idx"
NEW_INDEX = "rules_defer_branch__623e84_idx"


def move_content_type(apps: Any, schema_editor: Any, *, source: str, target: str) -> None:
    # Permissions and admin log entries point at the content type: relabelled, they follow the
    # model (unless the target exists already, as after an interrupted run).
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    if not content_types.filter(app_label=target, model="deferredwork").exists():
        content_types.filter(app_label=source, model="deferredwork").update(app_label=target)


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0004_location_extent"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("rules", "0001_initial"),
        ("scheduler", "0002_deferred_work"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The model as the scheduler created it, on its table: nothing changes in the database.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DeferredWork",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("uid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        (
                            "entity_type",
                            models.CharField(
                                choices=[
                                    ("effect", "Effect"),
                                    ("event", "Event"),
                                    ("encounter", "Encounter"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("entity_uid", models.UUIDField()),
                        ("due_at", models.DateTimeField(help_text="World time it falls due")),
                        ("scheduled_by", models.CharField(max_length=80)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("done_at", models.DateTimeField(blank=True, null=True)),
                        ("error", models.TextField(blank=True)),
                        (
                            "branch",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="campaign.branch",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": OLD_TABLE,
                        "ordering": ["due_at", "id"],
                        "indexes": [
                            models.Index(fields=["branch", "done_at", "due_at"], name=OLD_INDEX)
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("branch", "entity_type", "entity_uid", "due_at"),
                                name="deferred_work_once_per_due_time",
                            )
                        ],
                    },
                )
            ]
        ),
        # Then renamed as the rules app names it.
        migrations.AlterModelTable(name="DeferredWork", table=None),
        migrations.RenameIndex(model_name="deferredwork", new_name=NEW_INDEX, old_name=OLD_INDEX),
        migrations.RunPython(
            partial(move_content_type, source="scheduler", target="rules"),
            partial(move_content_type, source="rules", target="scheduler"),
        ),
    ]
