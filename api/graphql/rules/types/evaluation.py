"""The results of evaluating a field condition or a state variable, with their traces."""

import graphene

from api.graphql.rules.types.enums import VariableScope
from api.graphql.scalars import JSON


class TraceFields:
    step = graphene.String(required=True, description="The step's number, in evaluation order.")
    operation = graphene.String(description="The operator evaluated (or validate / error).")
    description = graphene.String()
    output = JSON()
    passed = graphene.Boolean(required=True)


class EvaluationTrace(TraceFields, graphene.ObjectType):
    """One operator evaluated: its argument values (``input``) and its result (``output``)."""

    input = JSON()


class EvaluationResult(graphene.ObjectType):
    success = graphene.Boolean(required=True)
    value = JSON(description="Null when the evaluation failed.")
    error = graphene.String()
    trace = graphene.List(graphene.NonNull(EvaluationTrace), required=True)


class EvaluationStep(TraceFields, graphene.ObjectType):
    input = JSON()


class VariableEvaluationResult(graphene.ObjectType):
    variable_id = graphene.ID(required=True)
    key = graphene.String(required=True)
    scope = graphene.Field(VariableScope, required=True)
    scope_id = graphene.ID()
    success = graphene.Boolean(required=True)
    value = JSON(description="Null when the evaluation failed.")
    error = graphene.String()
    trace = graphene.List(graphene.NonNull(EvaluationStep))
    context = JSON(description="The context the formula was evaluated in.")
