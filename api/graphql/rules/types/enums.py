"""The enums of the rules API (wire names upper-case; values as stored)."""

import graphene


class VariableScope(graphene.Enum):
    CAMPAIGN = "campaign"
    CHARACTER = "character"
    ENCOUNTER = "encounter"
    EVENT = "event"
    KINGDOM = "kingdom"
    LOCATION = "location"
    PARTY = "party"
    SETTLEMENT = "settlement"
    STRUCTURE = "structure"
    WORLD = "world"


class VariableType(graphene.Enum):
    BOOLEAN = "boolean"
    DERIVED = "derived"
    FLOAT = "float"
    INTEGER = "integer"
    JSON = "json"
    STRING = "string"


class EffectTiming(graphene.Enum):
    ON_RESOLVE = "ON_RESOLVE"
    POST = "POST"
    PRE = "PRE"


class SortOrder(graphene.Enum):
    ASC = "asc"
    DESC = "desc"


class EffectSortField(graphene.Enum):
    CREATED_AT = "created_at"
    EFFECT_TYPE = "effect_type"
    ENTITY_TYPE = "source_type"
    NAME = "name"
    PRIORITY = "priority"
    TIMING = "timing"
    UPDATED_AT = "updated_at"


class FieldConditionSortField(graphene.Enum):
    CREATED_AT = "created_at"
    ENTITY_TYPE = "target_type"
    FIELD = "field"
    PRIORITY = "priority"
    UPDATED_AT = "updated_at"


class StateVariableSortField(graphene.Enum):
    CREATED_AT = "created_at"
    KEY = "key"
    SCOPE = "scope"
    TYPE = "type"
    UPDATED_AT = "updated_at"
