"""Evaluation traces: one step per operator evaluated, with its path, inputs and output.

Tracing uses a second compilation of the rule in which every node is wrapped (no constant folding,
no specialised fast paths), so the fast evaluator carries no tracing cost at all.
"""

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final

from rules.jsonlogic.errors import JsonLogicError
from rules.jsonlogic.limits import Limits, budget, charge_built, json_size
from rules.jsonlogic.nodes import Evaluator
from rules.jsonlogic.values import JsonValue, to_json


@dataclass(frozen=True, slots=True)
class TraceStep:
    """An operator that finished evaluating.

    ``inputs`` are the values of its argument expressions in the order they were evaluated, so lazy
    operators (``and``, ``if``…) list only the arguments they needed, and loop operators list the
    collection followed by the body's value for each item.
    """

    op: str
    path: str
    inputs: tuple[JsonValue, ...]
    output: JsonValue

    def as_dict(self) -> dict[str, JsonValue]:
        return {
            "op": self.op,
            "path": self.path,
            "inputs": list(self.inputs),
            "output": self.output,
        }


@dataclass(frozen=True, slots=True)
class TraceResult:
    """Steps in completion order (children before their parent; the root operator is last).

    A failed evaluation keeps the steps recorded up to the failure and sets ``error``.
    """

    value: JsonValue
    steps: tuple[TraceStep, ...]
    error: JsonLogicError | None = None

    def as_dict(self) -> dict[str, JsonValue]:
        return {
            "value": self.value,
            "steps": [step.as_dict() for step in self.steps],
            "error": None if self.error is None else str(self.error),
        }


class Recorder:
    """Collects steps; ``frames`` holds, per operator under way, its argument values so far."""

    __slots__ = ("frames", "max_depth", "steps")

    def __init__(self, limits: Limits) -> None:
        self.steps: list[TraceStep] = []
        self.frames: list[list[Any]] = [[]]
        self.max_depth = limits.max_depth

    def kept(self, value: Any) -> JsonValue:
        """``value`` as the trace keeps it, charged as built: the trace is written out whole, so
        an operator's output and each input it was given cost their full JSON size."""
        charge_built(
            json_size(value, max(budget.current[0][2], 0), self.max_depth, "a traced value")
        )
        return to_json(value)


current_recorder: Final[ContextVar[Recorder]] = ContextVar("jsonlogic_trace_recorder")


def traced_operation(evaluate: Evaluator, op: str, path: str) -> Evaluator:
    def run(data: Any) -> Any:
        recorder = current_recorder.get()
        frame: list[Any] = []
        recorder.frames.append(frame)
        try:
            output = evaluate(data)
        finally:
            recorder.frames.pop()
        recorder.steps.append(
            TraceStep(
                op, path, tuple(recorder.kept(value) for value in frame), recorder.kept(output)
            )
        )
        recorder.frames[-1].append(output)
        return output

    return run


def traced_value(evaluate: Evaluator, *, has_children: bool) -> Evaluator:
    """A literal or literal array: reports its value to the enclosing operator, records no step."""

    def run(data: Any) -> Any:
        recorder = current_recorder.get()
        if has_children:
            # Elements of a literal array belong to the array, not to the enclosing operator.
            recorder.frames.append([])
            try:
                output = evaluate(data)
            finally:
                recorder.frames.pop()
        else:
            output = evaluate(data)
        recorder.frames[-1].append(output)
        return output

    return run
