from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def local_today(timezone: str) -> date:
    """Matches refresh at local midnight, so "today" is the member's local date."""
    return datetime.now(ZoneInfo(timezone)).date()
