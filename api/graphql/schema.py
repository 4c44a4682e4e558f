"""Every domain's share of the root Query and Mutation types."""

from api.graphql.campaign.auth import AuthMutations, AuthQueries
from api.graphql.campaign.mutations.people import PeopleMutations
from api.graphql.campaign.mutations.realm import RealmMutations
from api.graphql.campaign.mutations.worlds import WorldMutations
from api.graphql.campaign.queries.history import HistoryQueries
from api.graphql.campaign.queries.people import PeopleQueries
from api.graphql.campaign.queries.realm import RealmQueries, VariableQueries
from api.graphql.campaign.queries.worlds import WorldQueries
from api.graphql.rules.mutations import RulesMutations
from api.graphql.rules.queries import (
    DependencyGraphQueries,
    EffectQueries,
    FieldConditionQueries,
    StateVariableQueries,
)

QUERIES = (
    AuthQueries,
    WorldQueries,
    RealmQueries,
    VariableQueries,
    PeopleQueries,
    HistoryQueries,
    FieldConditionQueries,
    StateVariableQueries,
    EffectQueries,
    DependencyGraphQueries,
)
MUTATIONS = (AuthMutations, WorldMutations, RealmMutations, PeopleMutations, RulesMutations)
