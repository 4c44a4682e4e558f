"""``manage.py cache_stats [--reset]``: what ``getCacheStats`` reports, for operators at a shell."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from api.graphql.operations import cache_report
from kernel import cache_stats


class Command(BaseCommand):
    help = "Print the cache's hits, misses and sets per namespace (shared by every replica)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Start counting from zero.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            cache_stats.reset()
        report = cache_report()
        self.stdout.write(
            f"hit rate {report['hit_rate']:.1%}: {report['total_hits']} hits,"
            f" {report['total_misses']} misses, {report['total_sets']} sets"
            f" since {report['start_time']:%Y-%m-%d %H:%M:%S} UTC"
        )
        for namespace in report["namespaces"]:
            self.stdout.write(
                f"  {namespace['namespace']:<16} hits {namespace['hits']:>8}"
                f"  misses {namespace['misses']:>8}  sets {namespace['sets']:>8}"
                f"  hit rate {namespace['hit_rate']:>6.1%}  keys {namespace['key_count']}"
            )
        if report["memory_info"]:
            self.stdout.write(json.dumps(report["memory_info"]))
