"""What bench_load's clients send (a ``Mix``) and what a run of them measured (``Figures``),
shared by its two clients: the asyncio one in bench_load and wrk (``wrk_client``)."""

import statistics
from dataclasses import dataclass

from tests.benchmarks.request_scene import Request


@dataclass(frozen=True)
class Mix:
    """What every client sends: ``reads`` in turn, and in a fraction ``writes`` of its turns a
    write instead, to one of ``targets``: a fresh read of the settlement's version, then
    updateSettlement with it as ``expectedVersion`` (both requests are timed)."""

    reads: list[Request]
    writes: float = 0.0
    targets: tuple[str, ...] = ()

    def writes_at(self, turn: int) -> bool:
        # Evenly spread rather than random, so short runs still hold the asked fraction.
        return bool(self.targets) and int((turn + 1) * self.writes) > int(turn * self.writes)


@dataclass(frozen=True)
class Figures:
    """Latencies in seconds of the requests answered without error, over ``seconds``."""

    p50: float
    p95: float
    p99: float
    answered: int
    errors: int
    seconds: float
    # Writes refused for a stale expectedVersion: the compare-and-set working, not an error.
    conflicts: int = 0
    writes: int = 0

    @classmethod
    def of(
        cls, latencies: list[float], errors: int, seconds: float, conflicts: int, writes: int
    ) -> "Figures":
        if len(latencies) > 1:
            cuts = statistics.quantiles(latencies, n=100)
            p95, p99 = cuts[94], cuts[98]
        else:
            p95 = p99 = latencies[0] if latencies else 0.0
        p50 = statistics.median(latencies) if latencies else 0.0
        return cls(p50, p95, p99, len(latencies), errors, seconds, conflicts, writes)

    def line(self, label: str, clients: int) -> str:
        if not self.answered:
            return f"{label:22} {clients:4}  no answer ({self.errors} errors)"
        return (
            f"{label:22} {clients:4} {1000 * self.p50:8.2f} {1000 * self.p95:8.2f}"
            f" {1000 * self.p99:8.2f} {self.answered / self.seconds:8.0f} {self.errors:6}"
            f" {self.conflicts:9} {self.writes / self.seconds:8.1f}"
        )


HEADER = (
    f"{'request':22} {'cli':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8}"
    f" {'errors':>6} {'conflicts':>9} {'writes/s':>8}"
)
