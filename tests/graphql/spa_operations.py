"""The single-page app's GraphQL operations, as the app sends them.

Each document keeps the app's operation name, kind, variable declarations, root field(s) and
selection. #57 (``utils/audit-export.ts``) is the same text as #2
(``GetUserAuditHistory``) and is not repeated.
"""

AUDIT_FIELDS = "id entityType entityId operation userId changes metadata timestamp"
BRANCH_ROW = "id name description divergedAt isPinned color tags createdAt updatedAt"
ENCOUNTER = (
    "id campaignId locationId name description difficulty scheduledAt isResolved resolvedAt"
    " variables"
)
EVENT = (
    "id campaignId locationId name description eventType scheduledAt occurredAt isCompleted"
    " variables"
)
LOCATION = (
    "id worldId type name description parentLocationId geojson version createdAt updatedAt"
    " deletedAt archivedAt"
)
CONDITION = (
    "id entityType entityId field expression description isActive priority version createdAt"
    " updatedAt deletedAt createdBy updatedBy"
)
EFFECT = (
    "id name description effectType payload entityType entityId timing priority isActive version"
    " createdAt updatedAt deletedAt"
)
EXECUTIONS = "executions { id effectId executedAt status patchApplied error }"
CONFLICT = "path type description suggestion baseValue sourceValue targetValue"
SUMMARY = "total succeeded failed results { effectId success error } executionOrder"
MERGE_BRANCH = "id name description parentId campaignId divergedAt color createdAt deletedAt"

OPERATIONS: dict[str, str] = {
    # 1-2: hooks/audit.ts
    "GetEntityAuditHistory": f"""
        query GetEntityAuditHistory($entityType: String!, $entityId: ID!, $limit: Int) {{
          entityAuditHistory(entityType: $entityType, entityId: $entityId, limit: $limit) {{
            {AUDIT_FIELDS}
          }}
        }}""",
    "GetUserAuditHistory": f"""
        query GetUserAuditHistory($userId: ID!, $limit: Int, $skip: Int, $operations: [String!],
            $startDate: DateTime, $endDate: DateTime, $sortBy: String, $sortOrder: String) {{
          userAuditHistory(userId: $userId, limit: $limit, skip: $skip, operations: $operations,
              startDate: $startDate, endDate: $endDate, sortBy: $sortBy, sortOrder: $sortOrder) {{
            {AUDIT_FIELDS} previousState newState diff reason
          }}
        }}""",
    # 3-9: hooks/branches.ts
    "GetBranch": """
        query GetBranch($id: ID!) {
          branch(id: $id) {
            id name description campaignId parentId parent { id name } children { id name }
            divergedAt isPinned color tags createdAt updatedAt
          }
        }""",
    "GetBranches": """
        query GetBranches($campaignId: ID!) {
          branches(campaignId: $campaignId) {
            id name description parentId divergedAt isPinned color tags createdAt updatedAt
          }
        }""",
    "GetBranchHierarchy": f"""
        query GetBranchHierarchy($campaignId: ID!) {{
          branchHierarchy(campaignId: $campaignId) {{
            branch {{ {BRANCH_ROW} }}
            children {{
              branch {{ {BRANCH_ROW} }}
              children {{
                branch {{ id name divergedAt isPinned color tags }}
                children {{ branch {{ id name isPinned color tags }} }}
              }}
            }}
          }}
        }}""",
    "CreateBranch": """
        mutation CreateBranch($input: CreateBranchInput!) {
          createBranch(input: $input) {
            id name description campaignId parentId divergedAt isPinned color tags createdAt
            updatedAt
          }
        }""",
    "UpdateBranch": """
        mutation UpdateBranch($id: ID!, $input: UpdateBranchInput!) {
          updateBranch(id: $id, input: $input) {
            id name description isPinned color tags updatedAt
          }
        }""",
    "DeleteBranch": """
        mutation DeleteBranch($id: ID!) {
          deleteBranch(id: $id)
        }""",
    "ForkBranch": """
        mutation ForkBranch($input: ForkBranchInput!) {
          forkBranch(input: $input) {
            branch {
              id name description parentId divergedAt isPinned color tags createdAt updatedAt
            }
            versionsCopied
          }
        }""",
    # 10-11: hooks/conditions.ts
    "GetConditionsForEntity": f"""
        query GetConditionsForEntity($entityType: String!, $entityId: ID!, $field: String) {{
          getConditionsForEntity(entityType: $entityType, entityId: $entityId, field: $field) {{
            {CONDITION}
          }}
        }}""",
    "EvaluateFieldCondition": """
        query EvaluateFieldCondition($input: EvaluateConditionInput!) {
          evaluateFieldCondition(input: $input) {
            value success trace { step operation input output description } error
          }
        }""",
    # 12: hooks/dependency-graph.ts
    "GetDependencyGraph": """
        query GetDependencyGraph($campaignId: ID!, $branchId: String = "main") {
          getDependencyGraph(campaignId: $campaignId, branchId: $branchId) {
            nodes { id type entityId metadata label }
            edges { fromId toId type metadata }
            stats {
              nodeCount edgeCount variableCount conditionCount effectCount entityCount
            }
            campaignId branchId builtAt
          }
        }""",
    # 13-14: hooks/effects.ts
    "GetEffectsForEntity": f"""
        query GetEffectsForEntity($entityType: String!, $entityId: ID!, $timing: EffectTiming!) {{
          getEffectsForEntity(entityType: $entityType, entityId: $entityId, timing: $timing) {{
            {EFFECT}
          }}
        }}""",
    "GetAllEffectsForEntity": f"""
        query GetAllEffectsForEntity($entityType: String!, $entityId: ID!) {{
          getEffectsForEntity(entityType: $entityType, entityId: $entityId, timing: PRE) {{
            {EFFECT} {EXECUTIONS}
          }}
          onResolve: getEffectsForEntity(entityType: $entityType, entityId: $entityId,
              timing: ON_RESOLVE) {{
            {EFFECT} {EXECUTIONS}
          }}
          post: getEffectsForEntity(entityType: $entityType, entityId: $entityId, timing: POST) {{
            {EFFECT} {EXECUTIONS}
          }}
        }}""",
    # 15-16: hooks/encounters.ts
    "GetEncountersByCampaign": f"""
        query GetEncountersByCampaign($campaignId: ID!) {{
          encountersByCampaign(campaignId: $campaignId) {{
            {ENCOUNTER} createdAt updatedAt deletedAt archivedAt
          }}
        }}""",
    "GetEncounterById": f"""
        query GetEncounterById($id: ID!) {{
          encounter(id: $id) {{
            {ENCOUNTER} createdAt updatedAt deletedAt archivedAt
          }}
        }}""",
    # 17-18: hooks/events.ts
    "GetEventsByCampaign": f"""
        query GetEventsByCampaign($campaignId: ID!) {{
          eventsByCampaign(campaignId: $campaignId) {{
            {EVENT} createdAt updatedAt deletedAt archivedAt
          }}
        }}""",
    "GetEventById": f"""
        query GetEventById($id: ID!) {{
          event(id: $id) {{
            {EVENT} createdAt updatedAt deletedAt archivedAt
          }}
        }}""",
    # 19: hooks/kingdoms.ts
    "GetKingdomById": """
        query GetKingdomById($id: ID!) {
          kingdom(id: $id) {
            id campaignId name level variables version createdAt updatedAt deletedAt archivedAt
          }
        }""",
    # 20-21: hooks/locations.ts
    "GetLocationsByWorld": f"""
        query GetLocationsByWorld($worldId: ID!) {{
          locationsByWorld(worldId: $worldId) {{
            {LOCATION}
          }}
        }}""",
    "GetLocationDetails": f"""
        query GetLocationDetails($id: ID!) {{
          location(id: $id) {{
            {LOCATION}
          }}
        }}""",
    # 22-25: hooks/merge.ts
    "PreviewMerge": f"""
        query PreviewMerge($input: PreviewMergeInput!) {{
          previewMerge(input: $input) {{
            sourceBranchId targetBranchId commonAncestorId totalConflicts totalAutoResolved
            requiresManualResolution
            entities {{
              entityId entityType
              conflicts {{ {CONFLICT} }}
              autoResolvedChanges {{
                path resolvedTo baseValue sourceValue targetValue resolvedValue
              }}
            }}
          }}
        }}""",
    "ExecuteMerge": """
        mutation ExecuteMerge($input: ExecuteMergeInput!) {
          executeMerge(input: $input) {
            success versionsCreated mergedEntityIds error
          }
        }""",
    "CherryPickVersion": f"""
        mutation CherryPickVersion($input: CherryPickVersionInput!) {{
          cherryPickVersion(input: $input) {{
            success hasConflict conflicts {{ {CONFLICT} }} versionId error
          }}
        }}""",
    "GetMergeHistory": f"""
        query GetMergeHistory($branchId: ID!) {{
          getMergeHistory(branchId: $branchId) {{
            id sourceBranchId sourceBranch {{ {MERGE_BRANCH} }}
            targetBranchId targetBranch {{ {MERGE_BRANCH} }}
            commonAncestorId worldTime mergedBy mergedAt conflictsCount entitiesMerged
            resolutionsData metadata
          }}
        }}""",
    # 26-29: hooks/settlements.ts
    "GetSettlementsByKingdom": """
        query GetSettlementsByKingdom($kingdomId: ID!) {
          settlementsByKingdom(kingdomId: $kingdomId) {
            id name level x y z campaignId kingdomId ownerId isArchived archivedAt createdAt
            updatedAt
          }
        }""",
    "GetSettlementDetails": """
        query GetSettlementDetails($id: ID!) {
          settlement(id: $id) {
            id name level x y z campaignId kingdomId locationId ownerId isArchived archivedAt
            createdAt updatedAt computedFields variables variableSchemas
          }
        }""",
    "GetSettlementStructures": """
        query GetSettlementStructures($id: ID!) {
          settlement(id: $id) {
            id name
            structures {
              id name typeId settlementId x y orientation isArchived archivedAt createdAt
              updatedAt
            }
          }
        }""",
    "GetSettlementsForMap": """
        query GetSettlementsForMap($kingdomId: ID!) {
          settlementsByKingdom(kingdomId: $kingdomId) {
            id name level location { id worldId type name description geojson }
            createdAt updatedAt archivedAt
          }
        }""",
    # 30-32: hooks/structures.ts
    "GetStructureDetails": """
        query GetStructureDetails($id: ID!) {
          structure(id: $id) {
            id name typeId type settlementId level x y orientation isArchived archivedAt
            createdAt updatedAt computedFields variables variableSchemas
          }
        }""",
    "GetStructureConditions": """
        query GetStructureConditions($id: ID!) {
          structure(id: $id) { id name computedFields }
        }""",
    "GetStructuresForMap": """
        query GetStructuresForMap($settlementId: ID!) {
          structuresBySettlement(settlementId: $settlementId) {
            id name type level
            settlement {
              id name level location { id worldId type name description geojson }
            }
            createdAt updatedAt archivedAt
          }
        }""",
    # 33-34: hooks/version-comparison.ts
    "GetSettlementAsOf": """
        query GetSettlementAsOf($id: ID!, $branchId: ID!, $asOf: Date!) {
          settlementAsOf(id: $id, branchId: $branchId, asOf: $asOf) {
            id name level x y z campaignId kingdomId locationId ownerId isArchived archivedAt
            createdAt updatedAt computedFields
          }
        }""",
    "GetStructureAsOf": """
        query GetStructureAsOf($id: ID!, $branchId: ID!, $asOf: Date!) {
          structureAsOf(id: $id, branchId: $branchId, asOf: $asOf) {
            id name typeId settlementId x y orientation isArchived archivedAt createdAt updatedAt
          }
        }""",
    # 35-37: hooks/versions.ts
    "EntityVersions": """
        query EntityVersions($entityType: String!, $entityId: ID!, $branchId: ID!) {
          entityVersions(entityType: $entityType, entityId: $entityId, branchId: $branchId) {
            id entityType entityId branchId validFrom validTo payload version comment createdBy
            createdAt
          }
        }""",
    "VersionDiff": """
        query VersionDiff($versionId1: ID!, $versionId2: ID!) {
          versionDiff(versionId1: $versionId1, versionId2: $versionId2) {
            added modified removed
          }
        }""",
    "RestoreVersion": """
        mutation RestoreVersion($input: RestoreVersionInput!) {
          restoreVersion(input: $input) {
            id entityType entityId branchId validFrom validTo payload version comment createdBy
            createdAt
          }
        }""",
    # 38: hooks/world-time.ts
    "GetCurrentWorldTime": """
        query GetCurrentWorldTime($campaignId: ID!) {
          getCurrentWorldTime(campaignId: $campaignId)
        }""",
    # 39-41: mutations/conditions.ts
    "CreateFieldCondition": f"""
        mutation CreateFieldCondition($input: CreateFieldConditionInput!) {{
          createFieldCondition(input: $input) {{
            {CONDITION}
          }}
        }}""",
    "UpdateFieldCondition": f"""
        mutation UpdateFieldCondition($id: ID!, $input: UpdateFieldConditionInput!) {{
          updateFieldCondition(id: $id, input: $input) {{
            {CONDITION}
          }}
        }}""",
    "DeleteFieldCondition": """
        mutation DeleteFieldCondition($id: ID!) {
          deleteFieldCondition(id: $id)
        }""",
    # 42-43: mutations/encounters.ts
    "UpdateEncounter": f"""
        mutation UpdateEncounter($id: ID!, $input: UpdateEncounterInput!) {{
          updateEncounter(id: $id, input: $input) {{
            {ENCOUNTER} updatedAt
          }}
        }}""",
    "ResolveEncounter": f"""
        mutation ResolveEncounter($id: ID!) {{
          resolveEncounter(id: $id) {{
            encounter {{ {ENCOUNTER} updatedAt }}
            pre {{ {SUMMARY} }}
            onResolve {{ {SUMMARY} }}
            post {{ {SUMMARY} }}
          }}
        }}""",
    # 44-45: mutations/events.ts
    "UpdateEvent": f"""
        mutation UpdateEvent($id: ID!, $input: UpdateEventInput!) {{
          updateEvent(id: $id, input: $input) {{
            {EVENT} updatedAt
          }}
        }}""",
    "CompleteEvent": f"""
        mutation CompleteEvent($id: ID!) {{
          completeEvent(id: $id) {{
            event {{ {EVENT} updatedAt }}
            pre {{ {SUMMARY} }}
            onResolve {{ {SUMMARY} }}
            post {{ {SUMMARY} }}
          }}
        }}""",
    # 46: mutations/locations.ts
    "UpdateLocationGeometry": """
        mutation UpdateLocationGeometry($id: ID!, $input: UpdateLocationGeometryInput!) {
          updateLocationGeometry(id: $id, input: $input) {
            id worldId type name description parentLocationId version updatedAt
          }
        }""",
    # 47-51: mutations/settlements.ts
    "CreateSettlement": """
        mutation CreateSettlement($input: CreateSettlementInput!) {
          createSettlement(input: $input) {
            id kingdomId locationId name level createdAt updatedAt version
          }
        }""",
    "UpdateSettlement": """
        mutation UpdateSettlement($id: ID!, $input: UpdateSettlementInput!) {
          updateSettlement(id: $id, input: $input) {
            id kingdomId locationId name level updatedAt version
          }
        }""",
    "DeleteSettlement": """
        mutation DeleteSettlement($id: ID!, $branchId: String) {
          deleteSettlement(id: $id, branchId: $branchId) { id deletedAt version }
        }""",
    "ArchiveSettlement": """
        mutation ArchiveSettlement($id: ID!, $branchId: String) {
          archiveSettlement(id: $id, branchId: $branchId) { id deletedAt version }
        }""",
    "RestoreSettlement": """
        mutation RestoreSettlement($id: ID!, $branchId: String) {
          restoreSettlement(id: $id, branchId: $branchId) { id deletedAt version }
        }""",
    # 52-56: mutations/structures.ts
    "CreateStructure": """
        mutation CreateStructure($input: CreateStructureInput!) {
          createStructure(input: $input) {
            id settlementId type name x y level createdAt updatedAt version
          }
        }""",
    "UpdateStructure": """
        mutation UpdateStructure($id: ID!, $input: UpdateStructureInput!) {
          updateStructure(id: $id, input: $input) {
            id settlementId type name x y level updatedAt version
          }
        }""",
    "DeleteStructure": """
        mutation DeleteStructure($id: ID!, $branchId: String) {
          deleteStructure(id: $id, branchId: $branchId) { id deletedAt version }
        }""",
    "ArchiveStructure": """
        mutation ArchiveStructure($id: ID!, $branchId: String) {
          archiveStructure(id: $id, branchId: $branchId) { id deletedAt version }
        }""",
    "RestoreStructure": """
        mutation RestoreStructure($id: ID!, $branchId: String) {
          restoreStructure(id: $id, branchId: $branchId) { id deletedAt version }
        }""",
}
