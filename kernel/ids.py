"""How callers name an entity: by its public id, as text (GraphQL, forms) or as a UUID."""

import uuid
from typing import TypeAlias

EntityId: TypeAlias = str | uuid.UUID
