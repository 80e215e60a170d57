from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from dinner1.bookings import service
from dinner1.core.jobs import job

if TYPE_CHECKING:
    from dinner1.runtime import Runtime

logger = logging.getLogger(__name__)
NO_SHOW_JOB = "bookings.sweep_no_shows"


@job(NO_SHOW_JOB, max_attempts=2)
async def sweep_no_shows(runtime: Runtime, payload: dict[str, Any]) -> None:
    """Parties whose check-in window closed without arrival become no-shows."""
    async with runtime.db.unit_of_work() as session:
        count = await service.sweep_no_shows(session, runtime.settings, datetime.now(UTC))
    if count:
        logger.info("bookings marked no-show", extra={"count": count})
