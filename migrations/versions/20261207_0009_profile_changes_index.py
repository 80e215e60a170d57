"""profiles and users by time of change, for the retrieval index's catch-up

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 18:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.create_index("ix_profiles_changes", ["tenant_id", "updated_at"], unique=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index("ix_users_changes", ["tenant_id", "updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_changes")
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_profiles_changes")
