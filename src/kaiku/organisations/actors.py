"""Who does a thing: a signed-in member or an API key, always inside one organisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kaiku.organisations.models import ApiKey, Organisation, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class Actor:
    organisation: Organisation
    role: Role
    user: User | None = None
    api_key: ApiKey | None = None

    @classmethod
    def system(cls, organisation: Organisation) -> Actor:
        """Kaiku itself (the demo seeder, a scheduled task)."""
        return cls(organisation=organisation, role=Role.OWNER)

    def __str__(self) -> str:
        if self.user is not None:
            return str(self.user)
        if self.api_key is not None:
            return f"API: {self.api_key}"
        return "Kaiku"
