"""Free-text search over venues: SQLite FTS5, PostgreSQL full text, same interface.

The migration creates `venue_fts` (FTS5) on SQLite and a GIN expression index on
PostgreSQL; `search_text` is the one source both read.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.venues.features import CATEGORIES
from dinner1.venues.models import Venue

_WORD = re.compile(r"\w+", re.UNICODE)


def fold(value: str) -> str:
    """Lower case without accents (Arabic letters are kept as they are)."""
    decomposed = unicodedata.normalize("NFKD", value.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def document(venue: Venue) -> str:
    parts = [
        venue.name,
        venue.address,
        venue.city,
        CATEGORIES.get(venue.category, ""),
        *venue.description.values(),
    ]
    return fold(" ".join(p for p in parts if p))


async def refresh(session: AsyncSession, venue: Venue) -> None:
    venue.search_text = document(venue)
    await session.flush()
    if session.get_bind().dialect.name == "sqlite":
        await session.execute(
            text("DELETE FROM venue_fts WHERE venue_id = :id"), {"id": venue.id.hex}
        )
        await session.execute(
            text("INSERT INTO venue_fts (venue_id, body) VALUES (:id, :body)"),
            {"id": venue.id.hex, "body": venue.search_text},
        )


def query_terms(query: str) -> list[str]:
    return [word for word in _WORD.findall(fold(query)) if len(word) > 1][:8]


def fts5_query(terms: list[str]) -> str:
    """Every term, as a prefix: `"casa"* "tea"*` (terms are word characters only)."""
    return " ".join(f'"{term}"*' for term in terms)


def pg_tsquery(terms: list[str]) -> str:
    return " & ".join(f"{term}:*" for term in terms)
