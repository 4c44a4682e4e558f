"""JSON paths that point at a node of a rule, e.g. ``$.and[1].foo`` or ``$.if[0]['==']``."""

import re
from typing import Final

ROOT: Final = "$"

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def member(parent: str, key: str) -> str:
    if _IDENTIFIER.fullmatch(key):
        return f"{parent}.{key}"
    escaped = key.replace("\\", "\\\\").replace("'", "\\'")
    return f"{parent}['{escaped}']"


def index(parent: str, position: int) -> str:
    return f"{parent}[{position}]"
