"""Jobs: their stage in the row (a farm worker's progress, read by every API process), and
who told the finish listeners (one API process claims each finished job).

Jobs finished before this revision count as told: nobody is notified twice after an upgrade.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("stage_name", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("stage_done", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("stage_total", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("notice_claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("jobs") as batch:
        batch.alter_column("stage_done", server_default=None)
        batch.alter_column("stage_total", server_default=None)
    op.create_index("ix_jobs_notified_at", "jobs", ["notified_at"])
    op.execute("UPDATE jobs SET notified_at = finished_at WHERE finished_at IS NOT NULL")


def downgrade() -> None:
    op.drop_index("ix_jobs_notified_at", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        for column in ("notified_at", "notice_claimed_at", "stage_total", "stage_done", "stage_name"):
            batch.drop_column(column)
