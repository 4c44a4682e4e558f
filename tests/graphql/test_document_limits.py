"""Hostile documents (issue 7, items 1 and 2) are refused by the request limits before graphql-core
validates them: each test sends one and checks the limit named in the error, and counts work
instead of timing it: how often the quadratic overlapping-fields rule ran (never, for a refused
document) and how often the measure walked each fragment (once)."""

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from graphql import OverlappingFieldsCanBeMergedRule, SelectionSetNode, ValidationContext

from api.graphql.limits import (
    MAX_FIELDS,
    MAX_FRAGMENTS,
    MAX_INTROSPECTION_LISTS,
    MAX_QUERY_CHARS,
    MAX_REPEATS,
    MAX_TOKENS,
    Sizes,
)
from api.graphql.view import cached_check_document
from tests.graphql_client import GraphQLClient, error_of, ok


@pytest.fixture
def overlap_checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """One entry each time the overlapping-fields rule starts on a document (the cache of
    checked documents is emptied first, so every document is checked afresh)."""
    checks: list[int] = []
    start = OverlappingFieldsCanBeMergedRule.__init__

    def counted(rule: OverlappingFieldsCanBeMergedRule, context: ValidationContext) -> None:
        checks.append(1)
        start(rule, context)

    monkeypatch.setattr(OverlappingFieldsCanBeMergedRule, "__init__", counted)
    cached_check_document.cache_clear()
    yield checks
    cached_check_document.cache_clear()


@pytest.fixture
def measured_sets(monkeypatch: pytest.MonkeyPatch) -> Counter[int]:
    """How many times the cost measure walked each selection set (by node identity)."""
    walks: Counter[int] = Counter()
    walk = Sizes.selection_set

    def counted(sizes: Sizes, selection_set: SelectionSetNode | None) -> Any:
        if selection_set is not None:
            walks[id(selection_set)] += 1
        return walk(sizes, selection_set)

    monkeypatch.setattr(Sizes, "selection_set", counted)
    return walks


def refused(body: dict[str, Any], code: str = "GRAPHQL_VALIDATION_FAILED") -> str:
    """The message of the one error a refused document gets, with no data: a document past a
    limit the parser enforces does not parse; one past a later limit does not validate."""
    error = error_of(body)
    assert error["extensions"]["code"] == code, error
    assert "data" not in body or body["data"] is None
    message: str = error["message"]
    return message


def doubling(levels: int) -> str:
    """``fragment F0 on Query { ...F1 ...F1 }`` … down to ``{ __typename }``."""
    fragments = [
        f"fragment F{level} on Query {{ ...F{level + 1} ...F{level + 1} }}"
        for level in range(levels - 1)
    ]
    fragments.append(f"fragment F{levels - 1} on Query {{ __typename }}")
    return "query Doubling { ...F0 } " + " ".join(fragments)


def test_a_chain_of_fragments_doubling_per_level_is_measured_once_per_fragment(
    gql: GraphQLClient, db: None, overlap_checks: list[int], measured_sets: Counter[int]
) -> None:
    # Given 24 fragments, each spreading the next twice: 2²³ __typename selections
    levels = 24
    document = doubling(levels)

    # When it is sent
    message = refused(gql(document))

    # Then its size is found by arithmetic: the operation's 2²³ fields plus each fragment's
    # where it is defined (2²² + … + 1 = 2²⁴ - 1), over the limit
    fields = 2 ** (levels - 1) + 2**levels - 1
    assert message.startswith(f"The document selects {fields} fields")
    assert message.endswith(f"the limit is {MAX_FIELDS}")
    # each selection set (the operation's and each fragment's) walked once, not 2ⁿ times
    assert sorted(measured_sets.values()) == [1] * (levels + 1)
    assert overlap_checks == []


def test_a_fragment_cycle_is_measured_without_looping_and_refused_by_validation(
    gql: GraphQLClient, db: None, overlap_checks: list[int]
) -> None:
    # Given fragments spreading each other in a cycle
    document = (
        "{ ...A } fragment A on Query { __typename ...B } fragment B on Query { __typename ...A }"
    )

    # When it is sent
    message = refused(gql(document))

    # Then the measure returns and validation names the cycle
    assert message == "Cannot spread fragment 'A' within itself via 'B'."


def test_the_alias_flood_of_the_issue_is_refused_for_its_length(
    gql: GraphQLClient, db: None, overlap_checks: list[int]
) -> None:
    # Given { a: __typename a: __typename … } 6,000 times: 84 KB
    document = "{ " + "a: __typename " * 6000 + "}"

    # When it is sent
    message = refused(gql(document), "GRAPHQL_PARSE_FAILED")

    # Then its length is refused before it is parsed
    assert (
        message == f"The query is {len(document)} characters long; the limit is {MAX_QUERY_CHARS}"
    )
    assert overlap_checks == []


def test_the_field_flood_of_the_issue_is_refused_for_its_tokens(
    gql: GraphQLClient, db: None, overlap_checks: list[int]
) -> None:
    # Given { x: health { status } … } 3,000 times, within the length limit
    document = "{ " + "x: health { status } " * 3000 + "}"
    assert len(document) <= MAX_QUERY_CHARS

    # When it is sent
    message = refused(gql(document), "GRAPHQL_PARSE_FAILED")

    # Then the parser stops at the token limit
    assert message == (
        f"Syntax Error: Document contains more than {MAX_TOKENS} tokens. Parsing aborted."
    )
    assert overlap_checks == []


def test_a_field_flood_within_the_cost_budget_is_refused_for_repeating_a_name(
    gql: GraphQLClient, db: None, overlap_checks: list[int]
) -> None:
    # Given x: health { status } 499 times: cost 998, within the budget and the token limit, but
    # 499 fields of one name the overlapping-fields rule would compare pairwise
    document = "{ " + "x: health { status } " * 499 + "}"

    # When it is sent
    message = refused(gql(document))

    # Then the repeated name is refused before validation
    assert message == (
        f"The query selects 'x' 499 times in one selection set; the limit is {MAX_REPEATS}"
    )
    assert overlap_checks == []


def test_an_alias_flood_within_the_token_limit_is_refused_for_repeating_a_name(
    gql: GraphQLClient, db: None, overlap_checks: list[int]
) -> None:
    # Given { a: __typename … } 999 times: __typename costs nothing, but is counted here
    document = "{ " + "a: __typename " * 999 + "}"

    # When it is sent
    message = refused(gql(document))

    # Then
    assert message == (
        f"The query selects 'a' 999 times in one selection set; the limit is {MAX_REPEATS}"
    )
    assert overlap_checks == []


def test_a_name_repeated_through_fragments_counts_each_fragment(
    gql: GraphQLClient, db: None, overlap_checks: list[int]
) -> None:
    # Given one more fragment selecting x than the limit, all spread in one selection set
    count = MAX_REPEATS + 1
    spreads = " ".join(f"...X{i}" for i in range(count))
    fragments = " ".join(f"fragment X{i} on Query {{ x: __typename }}" for i in range(count))

    # When it is sent
    message = refused(gql(f"{{ {spreads} }} {fragments}"))

    # Then the fragments' fields are counted in the set they are spread in
    assert message == (
        f"The query selects 'x' {count} times in one selection set; the limit is {MAX_REPEATS}"
    )
    assert overlap_checks == []


def test_a_name_repeated_up_to_the_limit_is_validated_and_runs(
    gql: GraphQLClient, db: None, overlap_checks: list[int]
) -> None:
    # Given a name selected exactly MAX_REPEATS times (graphql merges identical fields)
    document = "{ " + "x: __typename " * MAX_REPEATS + "}"

    # When it is sent twice
    first = gql(document)
    second = gql(document)

    # Then it runs, and the second request reuses the checked document
    assert ok(first) == ok(second) == {"x": "Query"}
    assert overlap_checks == [1]


def test_too_many_fields_are_refused_even_when_free(
    gql: GraphQLClient, db: None, overlap_checks: list[int]
) -> None:
    # Given more __typename selections than the field limit (they cost nothing)
    document = "{ " + "__typename " * (MAX_FIELDS + 1) + "}"

    # When it is sent
    message = refused(gql(document))

    # Then the field limit applies
    assert message.startswith(f"The document selects {MAX_FIELDS + 1} fields")
    assert overlap_checks == []


def test_too_many_fragments_are_refused(
    gql: GraphQLClient, db: None, overlap_checks: list[int]
) -> None:
    # Given one fragment more than the limit, each spread once
    count = MAX_FRAGMENTS + 1
    spreads = " ".join(f"...F{i}" for i in range(count))
    fragments = " ".join(f"fragment F{i} on Query {{ f{i}: __typename }}" for i in range(count))

    # When it is sent
    message = refused(gql(f"{{ {spreads} }} {fragments}"))

    # Then
    assert message == f"The document defines {count} fragments; the limit is {MAX_FRAGMENTS}"
    assert overlap_checks == []


def test_nesting_too_deep_to_parse_is_refused(gql: GraphQLClient, db: None) -> None:
    # Given selections nested 1,400 deep, within the token limit
    document = "{ " + "a { " * 1400 + "b" + " }" * 1400 + " }"

    # When it is sent
    message = refused(gql(document), "GRAPHQL_PARSE_FAILED")

    # Then
    assert message == "The query is nested too deeply to parse"


def test_introspection_lists_nested_through_fragments_are_counted(
    gql: GraphQLClient, db: None, overlap_checks: list[int]
) -> None:
    # Given three nested introspection lists, each in a fragment spread twice
    document = (
        "{ __schema { types { ...Outer ...Outer } } }"
        " fragment Outer on __Type { fields { type { ...Inner ...Inner } } }"
        " fragment Inner on __Type { fields { type { ...Leaf ...Leaf } } }"
        " fragment Leaf on __Type { interfaces { name } }"
    )

    # When it is sent
    message = refused(gql(document))

    # Then
    assert message == (f"Introspection nests 3 lists, the limit is {MAX_INTROSPECTION_LISTS - 1}")
    assert overlap_checks == []
