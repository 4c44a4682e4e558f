"""The engine's limits on what an evaluation builds, scans and returns (issue 7: memory bombs).

Each hostile rule is refused by the limit that names its resource; where memory is the point, the
peak allocated while evaluating (``tracemalloc``, after compiling) is held under a bound derived
from ``max_built``: an array slot is 8 bytes, so 8 bytes per unit built leaves room for the pieces
and the joined text, and is orders of magnitude below what the unbounded rule allocates.
"""

import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from rules.jsonlogic import LimitExceededError, Limits, apply, compile
from rules.jsonlogic.limits import MAX_BUILT, MAX_RESULT, MAX_STEPS

BUILT_MESSAGE = f"evaluation exceeded the limit of {MAX_BUILT} characters and array elements built"
STEPS_MESSAGE = f"evaluation exceeded the limit of {MAX_STEPS} steps"
RESULT_MESSAGE = f"result exceeds the limit of {MAX_RESULT} characters and elements"
PEAK_BOUND = 8 * MAX_BUILT
TEXT = "x" * 90_000  # about what a 97 KB request can carry


def peak_while(run: Callable[[], Any]) -> int:
    """Bytes allocated at the peak of ``run``, which must raise LimitExceededError."""
    tracemalloc.start()
    try:
        with pytest.raises(LimitExceededError):
            run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def refused(rule: Any, data: Any, limits: Limits | None = None) -> LimitExceededError:
    compiled = compile(rule, limits=limits)
    with pytest.raises(LimitExceededError) as error:
        compiled.evaluate(data)
    return error.value


# --- What an evaluation builds -------------------------------------------------------------------


def test_nested_cat_and_merge_outside_loops_are_refused_within_a_bounded_peak() -> None:
    # Given 50 concatenations of the same 90,000 characters 60 times over, merged into one array
    # (270 MB of text if built)
    rule = {"merge": [{"cat": [{"var": "s"}] * 60}] * 50}
    compiled = compile(rule)

    # When evaluated
    peak = peak_while(lambda: compiled.evaluate({"s": TEXT}))

    # Then the first concatenation is refused before it allocates, naming the limit
    assert str(refused(rule, {"s": TEXT})) == BUILT_MESSAGE
    assert refused(rule, {"s": TEXT}).limit == "max_built"
    assert peak < PEAK_BOUND


def test_merge_outside_loops_is_charged_the_elements_it_builds() -> None:
    # Given 400 copies of a 10,000-element array merged into one (4 million elements)
    rule = {"merge": [{"var": "xs"}] * 400}
    compiled = compile(rule)
    data = {"xs": list(range(10_000))}

    peak = peak_while(lambda: compiled.evaluate(data))

    assert str(refused(rule, data)) == BUILT_MESSAGE
    assert peak < PEAK_BOUND


def test_substr_is_charged_the_text_it_cuts() -> None:
    # Given 2,000 substrings that each copy all but one character of 90,000
    rule = [{"substr": [{"var": "s"}, 1]}] * 2_000
    compiled = compile(rule)

    peak = peak_while(lambda: compiled.evaluate({"s": TEXT}))

    assert str(refused(rule, {"s": TEXT})) == BUILT_MESSAGE
    assert peak < PEAK_BOUND


def test_the_built_limit_is_exact() -> None:
    # Given a budget of 100 characters and a rule concatenating a value with itself
    limits = Limits(max_built=100)
    rule = {"cat": [{"var": "s"}, {"var": "s"}]}

    # Then 2 x 50 characters fit and 2 x 51 do not
    assert apply(rule, {"s": "a" * 50}, limits=limits) == "a" * 100
    error = refused(rule, {"s": "a" * 51}, limits)
    assert str(error) == "evaluation exceeded the limit of 100 characters and array elements built"


def test_an_array_converted_to_text_is_charged_before_it_is_joined() -> None:
    # Given an array holding the same 90,000 characters 200 times, compared with a string (which
    # converts the array to its 18 MB comma-joined text)
    rule = {"==": [[{"var": "s"}] * 200, "x"]}
    compiled = compile(rule)

    peak = peak_while(lambda: compiled.evaluate({"s": TEXT}))

    assert str(refused(rule, {"s": TEXT})) == BUILT_MESSAGE
    assert peak < PEAK_BOUND


def test_a_value_doubled_by_a_loop_cannot_be_turned_into_text() -> None:
    # Given a reduce whose accumulator holds itself twice: 40 items make 2**40 leaves, shared
    rule = {
        "cat": {
            "reduce": [
                {"var": "xs"},
                [{"var": "accumulator"}, {"var": "accumulator"}],
                ["xxxxxxxxxx"],
            ]
        }
    }

    error = refused(rule, {"xs": list(range(40))})

    assert str(error) == BUILT_MESSAGE


# --- What an evaluation scans --------------------------------------------------------------------


def test_searching_a_long_array_outside_loops_costs_its_length_in_steps() -> None:
    # Given 2,000 searches of a 300,000-element array (600 million comparisons)
    rule = {"or": [{"in": ["zz", {"var": "xs"}]}] * 2_000}

    error = refused(rule, {"xs": ["ab"] * 300_000})

    assert str(error) == STEPS_MESSAGE
    assert error.limit == "max_steps"


def test_converting_a_long_string_to_a_number_costs_its_length_in_steps() -> None:
    # Given 2,000 comparisons of a 900,000-digit string with a number
    rule = {"or": [{"<": [{"var": "s"}, 0]}] * 2_000}

    assert str(refused(rule, {"s": "1" * 900_000})) == STEPS_MESSAGE


def test_missing_with_many_computed_keys_costs_them_in_steps() -> None:
    # Given 2,000 lookups of the same 1,000 absent keys (each missing list is truthy: `and` goes on)
    rule = {"and": [{"missing": {"var": "keys"}}] * 2_000}

    assert str(refused(rule, {"keys": [f"k{n}" for n in range(1_000)]})) == STEPS_MESSAGE


def test_a_literal_copied_on_every_iteration_costs_its_elements() -> None:
    # Given a map whose body is a literal array of 5,000 numbers (copied for each item)
    rule = {"map": [{"var": "xs"}, list(range(5_000))]}

    assert str(refused(rule, {"xs": list(range(30))})) == STEPS_MESSAGE
    assert len(apply(rule, {"xs": list(range(18))})) == 18


# --- What an evaluation returns ------------------------------------------------------------------


def test_a_result_larger_than_the_limit_is_refused() -> None:
    rule = {"var": "s"}

    assert apply(rule, {"s": "y" * MAX_RESULT}) == "y" * MAX_RESULT
    error = refused(rule, {"s": "y" * (MAX_RESULT + 1)})
    assert str(error) == RESULT_MESSAGE
    assert error.limit == "max_result"


def test_a_result_sharing_itself_is_measured_as_json_writes_it() -> None:
    # Given 4,000 references to one 90,000-character string: small in memory, 360 MB as JSON
    rule = [{"var": "s"}] * 4_000

    assert str(refused(rule, {"s": TEXT})) == RESULT_MESSAGE


def test_a_result_doubled_by_a_loop_is_refused_without_walking_it() -> None:
    # Given a reduce whose accumulator holds itself twice (2**60 leaves as JSON)
    rule = {"reduce": [{"var": "xs"}, [{"var": "accumulator"}, {"var": "accumulator"}], []]}
    compiled = compile(rule)

    peak = peak_while(lambda: compiled.evaluate({"xs": list(range(60))}))

    assert str(refused(rule, {"xs": list(range(60))})) == RESULT_MESSAGE
    assert peak < PEAK_BOUND


def test_a_result_nested_deeper_than_the_limit_is_refused() -> None:
    # Given a reduce wrapping its accumulator in an array once per item
    rule = {"reduce": [{"var": "xs"}, [{"var": "accumulator"}], []]}

    assert apply(rule, {"xs": list(range(63))}) is not None
    error = refused(rule, {"xs": list(range(20_000))})
    assert str(error) == "result is nested deeper than 64 levels"
    assert error.limit == "max_depth"


def test_values_nested_too_deeply_to_convert_are_a_limit_error() -> None:
    rule = {"cat": {"reduce": [{"var": "xs"}, [{"var": "accumulator"}], []]}}

    error = refused(rule, {"xs": list(range(20_000))})

    assert str(error) == "evaluation nested values too deeply to follow"
    assert error.limit == "max_depth"


def test_integer_products_beyond_two_to_the_53_are_doubles_as_in_javascript() -> None:
    # Given products of integers too large for a double to hold exactly
    big = {"*": [{"var": "a"}, {"var": "b"}]}
    chain = {"*": [{"var": "x"}] * 2_000}

    # Then they are the double JavaScript computes, and a chain of them never grows an integer
    assert apply(big, {"a": 2**40, "b": 2**40 + 1}) == float(2**40 * (2**40 + 1))
    assert type(apply(big, {"a": 2**40, "b": 2**40 + 1})) is float
    assert apply(big, {"a": 2**26, "b": 2**26}) == 2**52
    assert apply(chain, {"x": 10**300}) is None  # Infinity, which JSON writes as null


# --- Traces --------------------------------------------------------------------------------------


def test_a_trace_is_charged_every_value_it_records() -> None:
    # Given a rule reading the same 90,000 characters 20 times (1.8 MB of trace)
    rule = compile({"and": [{"var": "s"}] * 20})

    traced = rule.trace({"s": TEXT})

    assert isinstance(traced.error, LimitExceededError)
    assert str(traced.error) == BUILT_MESSAGE
    assert len(traced.steps) < 20


def test_a_trace_of_a_sharing_value_is_refused() -> None:
    rule = compile(
        {"reduce": [{"var": "xs"}, [{"var": "accumulator"}, {"var": "accumulator"}], []]}
    )

    traced = rule.trace({"xs": list(range(60))})

    assert str(traced.error) == BUILT_MESSAGE


# --- Limits themselves ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["max_built", "max_result"])
def test_the_new_limits_must_be_positive(name: str) -> None:
    with pytest.raises(ValueError, match=f"{name} must be a positive int"):
        Limits(**{name: 0})


def test_every_limit_error_names_its_limit() -> None:
    with pytest.raises(LimitExceededError) as nodes:
        compile({"+": list(range(10_001))})
    with pytest.raises(LimitExceededError) as depth:
        compile({"!": {"!": {"!": 1}}}, limits=Limits(max_depth=2))

    assert nodes.value.limit == "max_nodes"
    assert depth.value.limit == "max_depth"
