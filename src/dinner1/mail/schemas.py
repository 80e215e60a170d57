from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class OutboxEmailOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    to_address: str
    subject: str
    text_body: str
    status: str
    created_at: datetime
    sent_at: datetime | None
