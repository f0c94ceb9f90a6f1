"""What a search, a claim query or a briefing is restricted to (no SQL here: the store builds it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Filters:
    """Restrictions applied before ranking."""

    docs: tuple[str, ...] = ()  # file names, doc_id prefixes or title words
    publisher: str | None = None
    since: str | None = None
    until: str | None = None
    actors: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()
    ai_enabled: bool | None = None
    likelihood: str | None = None

    @property
    def active(self) -> bool:
        return bool(
            self.docs
            or self.publisher
            or self.since
            or self.until
            or self.actors
            or self.capabilities
            or self.ai_enabled is not None
            or self.likelihood
        )

    @property
    def on_claims(self) -> bool:
        return bool(self.actors or self.capabilities or self.ai_enabled or self.likelihood)
