"""World calendars are stored as {"calendars": [definition, ...]} (campaign/calendars.py); rows
written before held a plain list of definitions."""

from typing import Any

from django.db import migrations, models

import campaign.models.worlds


def wrap_lists(apps: Any, schema_editor: Any) -> None:
    World = apps.get_model("campaign", "World")
    for world in World._base_manager.all().only("pk", "calendars"):
        stored = world.calendars
        if isinstance(stored, dict) and isinstance(stored.get("calendars"), list):
            continue
        world.calendars = {"calendars": stored if isinstance(stored, list) else []}
        world.save(update_fields=["calendars"])


def unwrap(apps: Any, schema_editor: Any) -> None:
    World = apps.get_model("campaign", "World")
    for world in World._base_manager.all().only("pk", "calendars"):
        if isinstance(world.calendars, dict):
            world.calendars = world.calendars.get("calendars", [])
            world.save(update_fields=["calendars"])


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0002_user_tokens_valid_after"),
    ]

    operations = [
        migrations.AlterField(
            model_name="world",
            name="calendars",
            field=models.JSONField(blank=True, default=campaign.models.worlds.no_calendars),
        ),
        migrations.RunPython(wrap_lists, unwrap),
    ]
