"""One DataLoader per relation the API resolves; each batches a whole list in one query."""

from collections.abc import Sequence
from typing import Any, TypeVar

from api.graphql.dataloaders import Loader, PagedLoader, by_key, grouped
from campaign.models import Branch, Character, Kingdom, Location, Party, Settlement, Structure

Row = TypeVar("Row", Settlement, Structure)


def with_branches(rows: list[Row]) -> list[Row]:
    """``rows`` given their branch and its campaign from one query of the few branches they are
    on, rather than both joined onto every row: for a kingdom's 10,000 structures the join made
    the SQL eight times longer (issue 15)."""
    branches = Branch.objects.select_related("campaign").in_bulk({row.branch_id for row in rows})
    for row in rows:
        row.branch = branches[row.branch_id]
    return rows


class LocationById(Loader[Any, Location | None]):
    context_key = "location_by_id"

    def batch_load(self, keys: Sequence[Any]) -> list[Location | None]:
        # A settlement still names the location it stood on after the map changed.
        return by_key(keys, Location.all_objects.filter(pk__in=keys), lambda row: row.pk)


class SettlementById(Loader[int, Settlement | None]):
    context_key = "settlement_by_id"

    def batch_load(self, keys: Sequence[int]) -> list[Settlement | None]:
        # References resolve even to a soft-deleted row: the referring row still names it.
        rows = Settlement.all_objects.filter(pk__in=keys).select_related("branch__campaign")
        return by_key(keys, rows, lambda row: row.pk)


class KingdomById(Loader[int, Kingdom | None]):
    context_key = "kingdom_by_id"

    def batch_load(self, keys: Sequence[int]) -> list[Kingdom | None]:
        rows = Kingdom.all_objects.filter(pk__in=keys).select_related("branch__campaign")
        return by_key(keys, rows, lambda row: row.pk)


class StructuresBySettlement(PagedLoader[int, Structure]):
    context_key = "structures_by_settlement"

    def batch_load(self, keys: Sequence[int]) -> list[list[Structure]]:
        rows = Structure.objects.filter(settlement_id__in=keys)
        page = with_branches(self.page_of_each(rows, "settlement_id", ("name", "pk")))
        return grouped(keys, page, lambda row: row.settlement_id)


class MembersByParty(PagedLoader[Any, Character]):
    context_key = "members_by_party"

    def batch_load(self, keys: Sequence[Any]) -> list[list[Character]]:
        rows = Character.objects.filter(party_id__in=keys).select_related("branch")
        page = self.page_of_each(rows, "party_id", ("name", "pk"))
        return grouped(keys, page, lambda row: row.party_id)


class BranchById(Loader[Any, Branch | None]):
    context_key = "branch_by_id"

    def batch_load(self, keys: Sequence[Any]) -> list[Branch | None]:
        return by_key(keys, Branch.objects.filter(pk__in=keys), lambda row: row.pk)


class ChildBranches(PagedLoader[Any, Branch]):
    context_key = "child_branches"

    def batch_load(self, keys: Sequence[Any]) -> list[list[Branch]]:
        rows = Branch.objects.filter(parent_id__in=keys)
        page = self.page_of_each(rows, "parent_id", ("created_at", "pk"))
        return grouped(keys, page, lambda row: row.parent_id)


class MainBranchByCampaign(Loader[Any, Branch | None]):
    context_key = "main_branch_by_campaign"

    def batch_load(self, keys: Sequence[Any]) -> list[Branch | None]:
        rows = Branch.objects.filter(campaign_id__in=keys, parent__isnull=True)
        return by_key(keys, rows, lambda row: row.campaign_id)


class PartyById(Loader[int, Party | None]):
    context_key = "party_by_id"

    def batch_load(self, keys: Sequence[int]) -> list[Party | None]:
        return by_key(keys, Party.all_objects.filter(pk__in=keys), lambda row: row.pk)
