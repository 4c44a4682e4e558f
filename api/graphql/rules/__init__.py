"""The GraphQL surface of the rules engine: field conditions, state variables, effects and the
dependency graph, plus the computed fields of the entities rules apply to."""
