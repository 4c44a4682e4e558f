"""Every domain's share of the root Query and Mutation types, in the order the printed schema
lists them: the last part first."""

from api.graphql.campaign.auth import AuthMutations, AuthQueries
from api.graphql.campaign.schema import CampaignMutations, CampaignQueries
from api.graphql.operations import CacheQueries
from api.graphql.rules.schema import (
    DependencyGraphQueries,
    EffectQueries,
    FieldConditionQueries,
    RulesMutations,
    StateVariableQueries,
)
from api.graphql.scheduler.schema import WorldTimeMutations, WorldTimeQueries

QUERIES = (
    AuthQueries,
    CampaignQueries,
    FieldConditionQueries,
    StateVariableQueries,
    EffectQueries,
    DependencyGraphQueries,
    WorldTimeQueries,
    CacheQueries,
)
MUTATIONS = (AuthMutations, CampaignMutations, RulesMutations, WorldTimeMutations)
