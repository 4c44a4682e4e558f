"""bench_load's ``--client wrk``: the same ``Mix`` sent by wrk (C, its own threads) through
``wrk_mix.lua``, so the client takes far less of the CPU the servers share than the asyncio one.

wrk times every request it sends, those answered with an error or a conflict included, so its
percentiles are over all answers where the asyncio client's are over the successful ones.
"""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.benchmarks import request_scene
from tests.benchmarks.load_mix import Figures, Mix

SCRIPT = Path(__file__).with_name("wrk_mix.lua")


def install() -> None:
    """wrk from the Debian archive, when missing (``--install-wrk``; never in CI)."""
    if shutil.which("wrk") is not None:
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)


def plan(mix: Mix) -> str:
    """``mix`` as wrk_mix.lua reads it."""
    lines = [
        "\t".join(
            ["R", request.method, request.path, str(int(request.authorized)), request.body.decode()]
        )
        for request in mix.reads
    ]
    if mix.writes:
        lines += [f"T\t{target}" for target in mix.targets]
        lines += [
            f"V\t{json.dumps(request_scene.VERSION)}",
            f"U\t{json.dumps(request_scene.UPDATE)}",
        ]
    return "\n".join(lines) + "\n"


def load(url: str, token: str, mix: Mix, clients: int, seconds: float) -> Figures:
    threads = min(clients, os.cpu_count() or 1)
    with tempfile.NamedTemporaryFile("w", suffix=".tsv") as file:
        file.write(plan(mix))
        file.flush()
        command = [
            "wrk",
            f"--threads={threads}",
            f"--connections={clients}",
            f"--duration={max(1, round(seconds))}s",
            "--timeout=30s",
            f"--script={SCRIPT}",
            url,
            "--",
            file.name,
            token,
            str(mix.writes),
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("bench "))
    p50, p95, p99, sent, micros, errors, conflicts, writes = (int(n) for n in line.split()[1:])
    return Figures(
        p50 / 1e6,
        p95 / 1e6,
        p99 / 1e6,
        sent - errors - conflicts,
        errors,
        micros / 1e6,
        conflicts,
        writes,
    )
