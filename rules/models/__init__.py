from rules.models.conditions import Condition, FieldCondition
from rules.models.deferred_work import DeferredWork
from rules.models.effects import Effect, EffectExecution, EffectTiming
from rules.models.variables import StateVariable, VariableScope, VariableType

__all__ = [
    "Condition",
    "DeferredWork",
    "Effect",
    "EffectExecution",
    "EffectTiming",
    "FieldCondition",
    "StateVariable",
    "VariableScope",
    "VariableType",
]
