"""A one-line progress bar for long commands, on stderr so that stdout stays the data."""

from django.core.management.base import OutputWrapper

WIDTH = 30


class ProgressBar:
    def __init__(self, out: OutputWrapper) -> None:
        self.out = out
        self.current = ""

    def update(self, label: str, done: int, total: int) -> None:
        filled = WIDTH * done // total if total else WIDTH
        if label != self.current and self.current:
            self.out.write("", ending="\n")
        self.current = label
        bar = "#" * filled + "." * (WIDTH - filled)
        self.out.write(f"\r{label:28} [{bar}] {done}/{total}", ending="")
        self.out.flush()

    def finish(self) -> None:
        if self.current:
            self.out.write("", ending="\n")
