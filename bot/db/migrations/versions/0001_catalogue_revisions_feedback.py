"""Catalogue records with revisions, shared counters, feedback.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "records",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("record_id", sa.String(100), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("before", sa.Text),
        sa.Column("after", sa.Text),
        sa.UniqueConstraint("kind", "record_id", "revision", name="uq_revisions_record_revision"),
    )
    op.create_index("ix_revisions_record", "revisions", ["kind", "record_id"])
    op.create_index("ix_revisions_created_at", "revisions", ["created_at"])
    op.create_table(
        "counters",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("value", sa.Integer, nullable=False),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("rating", sa.String(4), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("intent", sa.String(100)),
        sa.Column("service", sa.String(100)),
        sa.Column("comment", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("feedback")
    op.drop_table("counters")
    op.drop_index("ix_revisions_created_at", "revisions")
    op.drop_index("ix_revisions_record", "revisions")
    op.drop_table("revisions")
    op.drop_table("records")
