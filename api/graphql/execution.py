"""How operations run: graphql-sync-dataloaders' executor (batched loaders under sync graphene),
answering a field from a kept answer as it is and keeping the answers a run completed
(api/graphql/answers.py)."""

from typing import Any

from graphql import FieldNode, GraphQLOutputType, GraphQLResolveInfo, OperationDefinitionNode
from graphql.pyutils import Path
from graphql_sync_dataloaders import DeferredExecutionContext

from api.graphql import answers


class ExecutionContext(DeferredExecutionContext):
    def execute_operation(self, operation: OperationDefinitionNode, root_value: Any) -> Any:
        data = super().execute_operation(operation, root_value)
        pending = getattr(self.context_value, "pending_answers", None)
        if pending:
            answers.keep(pending, data, self.errors)
        return data

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_nodes: list[FieldNode],
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
    ) -> Any:
        if isinstance(result, answers.Answered):
            return result.value
        return super().complete_value(return_type, field_nodes, info, path, result)
