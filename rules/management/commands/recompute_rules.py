"""Recompute every rule result of a campaign (or all campaigns) and report what it found.

Bumps each branch's cache generation (so nothing cached before is served again), checks the
dependency graph for cycles, evaluates the computed fields of every entity in batches and warms
the cache with them.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaign.models import Branch, Campaign, Character, Kingdom, Party, Settlement, Structure
from kernel import generations
from rules import computed_fields, dependencies

BATCH = 500
ENTITY_MODELS = (Settlement, Structure, Kingdom, Party, Character)


class Command(BaseCommand):
    help = "Recompute computed fields and check the rules' dependency graph."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaign", help="A campaign id; every live campaign by default.")

    def handle(self, *args: Any, **options: Any) -> None:
        campaigns = Campaign.objects.all().order_by("name")
        if options["campaign"]:
            campaigns = campaigns.filter(pk=options["campaign"])
            if not campaigns.exists():
                raise CommandError(f"No campaign with id {options['campaign']}")
        problems = 0
        for campaign in campaigns:
            for branch in Branch.objects.filter(campaign=campaign).select_related("campaign"):
                problems += self.recompute(branch)
        if problems:
            raise CommandError(f"{problems} problem(s) found; see above")
        self.stdout.write(self.style.SUCCESS("All rules recomputed."))

    def recompute(self, branch: Branch) -> int:
        started = time.perf_counter()
        generations.bump(branch.campaign_id, branch.pk)
        graph = dependencies.cached(branch)
        cycles = graph.find_cycles()
        for cycle in cycles:
            self.stderr.write(f"  {cycle.description}")
        evaluated = errors = 0
        for model in ENTITY_MODELS:
            rows = list(model.objects.filter(branch=branch).select_related("branch__campaign"))
            for start in range(0, len(rows), BATCH):
                results = computed_fields.for_entities(rows[start : start + BATCH])
                evaluated += len(results)
                for pk, result in results.items():
                    for field, messages in result.errors.items():
                        if field not in result.values:
                            errors += 1
                            self.stderr.write(f"  {model.__name__} {pk}.{field}: {messages[-1]}")
        elapsed = (time.perf_counter() - started) * 1000
        self.stdout.write(
            f"{branch.campaign.name} / {branch.name}: {len(graph.nodes)} nodes,"
            f" {len(graph.edges)} edges, {len(cycles)} cycle(s); {evaluated} entities evaluated,"
            f" {errors} field(s) without a value, in {elapsed:.0f} ms"
        )
        return len(cycles) + errors
