"""DataLoaders of the rules types: computed fields, derived values, effects and executions."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Model

from api.graphql.dataloaders import Loader, PagedLoader, by_key, grouped
from rules import availability, computed_fields, variable_values
from rules.availability import Obstacle
from rules.evaluation import ComputedFields, Result
from rules.models import Effect, EffectExecution, StateVariable


class ComputedFieldsOf(Loader[Model, ComputedFields]):
    """The computed fields of entities (keyed by the instance): one evaluation per entity type
    for the whole batch, served from the generation-keyed cache where it can."""

    context_key = "computed_fields_of"

    def batch_load(self, keys: Sequence[Model]) -> list[ComputedFields]:
        by_model: dict[type[Model], list[Model]] = defaultdict(list)
        for entity in keys:
            by_model[type(entity)].append(entity)
        found: dict[tuple[type[Model], Any], ComputedFields] = {}
        for model, entities in by_model.items():
            for pk, result in computed_fields.for_entities(entities).items():
                found[(model, pk)] = result
        return [found.get((type(e), e.pk), ComputedFields()) for e in keys]


class VariableValue(Loader[StateVariable, Result]):
    """The value of state variables (keyed by the instance), derived ones computed in batches."""

    context_key = "variable_value"

    def batch_load(self, keys: Sequence[StateVariable]) -> list[Result]:
        return variable_values.values(list(keys))


class ExecutionsByEffect(PagedLoader[int, EffectExecution]):
    context_key = "executions_by_effect"

    def batch_load(self, keys: Sequence[int]) -> list[list[EffectExecution]]:
        rows = EffectExecution.objects.filter(effect_id__in=keys)
        page = self.page_of_each(rows, "effect_id", ("-executed_at", "-id"))
        return grouped(keys, page, lambda row: row.effect_id)


class EffectById(Loader[int, Effect | None]):
    context_key = "effect_by_id"

    def batch_load(self, keys: Sequence[int]) -> list[Effect | None]:
        rows = Effect.all_objects.filter(pk__in=keys).select_related("branch__campaign")
        return by_key(keys, rows, lambda row: row.pk)


class ObstaclesOf(Loader[Model, list[Obstacle]]):
    """What stands in the way of resolving events and encounters (keyed by the instance)."""

    context_key = "obstacles_of"

    def batch_load(self, keys: Sequence[Model]) -> list[list[Obstacle]]:
        return availability.obstacles_of(list(keys))  # type: ignore[arg-type]
