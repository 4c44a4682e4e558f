"""How evaluation results are answered: refused over a limit, traced step by step."""

from typing import Any

from kernel.errors import ValidationError
from rules.evaluation import Result, TraceStep


def refuse_over_limits(result: Result) -> None:
    """An evaluation asked for that ran into a limit is refused rather than answered: the trace up
    to that point could itself be as large as what the limit stopped."""
    if result.limit is not None:
        raise ValidationError(str(result.error), field="context")


def trace_steps(result: Result, steps: list[TraceStep], expression: Any) -> list[dict[str, Any]]:
    """The trace as the API shows it; a failed evaluation ends with a step that did not pass."""
    shown = [
        {
            "step": s.step,
            "operation": s.operation,
            "description": s.description,
            "input": s.input,
            "output": s.output,
            "passed": s.passed,
        }
        for s in steps
    ]
    if not result.success and (not steps or steps[-1].passed):
        shown.append(
            {
                "step": str(len(shown) + 1),
                "operation": "error",
                "description": f"Evaluation failed: {result.error}",
                "input": expression,
                "output": None,
                "passed": False,
            }
        )
    return shown
