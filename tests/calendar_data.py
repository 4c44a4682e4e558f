"""Calendar definitions the tests use, as the original system's data has them.

ABSALOM_RECKONING is the original's seed calendar (``World.calendars`` in its seed is
``{"calendars": [ABSALOM_RECKONING]}``, described in its reference documentation); GALIFAR is a
second, smaller calendar for tests that need any valid one.
"""

from typing import Any

ABSALOM_MONTHS = [
    "Abadius", "Calistril", "Pharast", "Gozran", "Desnus", "Sarenith",
    "Erastus", "Arodus", "Rova", "Lamashan", "Neth", "Kuthona",
]  # fmt: skip

ABSALOM_RECKONING: dict[str, Any] = {
    "id": "absalom-reckoning",
    "name": "Absalom Reckoning",
    "monthsPerYear": 12,
    "daysPerMonth": [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
    "monthNames": ABSALOM_MONTHS,
    "epoch": "4700-01-01T00:00:00Z",
    "notes": "The calendar of the Inner Sea region.",
}

GALIFAR: dict[str, Any] = {
    "id": "galifar",
    "name": "Galifar Calendar",
    "monthsPerYear": 2,
    "daysPerMonth": [28, 28],
    "monthNames": ["Zarantyr", "Olarune"],
    "epoch": "2000-01-01T00:00:00Z",
}
