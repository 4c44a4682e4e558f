"""The campaign domain's share of the root Query and Mutation types."""

from campaign.graphql.auth import AuthMutations, AuthQueries
from campaign.graphql.mutations.people import PeopleMutations
from campaign.graphql.mutations.realm import RealmMutations
from campaign.graphql.mutations.worlds import WorldMutations
from campaign.graphql.queries.history import HistoryQueries
from campaign.graphql.queries.people import PeopleQueries
from campaign.graphql.queries.realm import RealmQueries, VariableQueries
from campaign.graphql.queries.worlds import WorldQueries
from campaign.graphql.rules.mutations import RulesMutations
from campaign.graphql.rules.queries import (
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
