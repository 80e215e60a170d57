"""Deal search by venue and day: the index search walks for each venue in the box.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_deals_venue_day", "deals", ["venue_id", "local_day", "local_start_minute"])


def downgrade() -> None:
    op.drop_index("ix_deals_venue_day", table_name="deals")
