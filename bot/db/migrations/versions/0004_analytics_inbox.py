"""Analytics and the inbox of missed questions: the masked projection of
conversations (`turns`), the grouped misses (`inbox`), and the staff log
(viewing a conversation, dismissing an item).  Staff sessions get an epoch
(logout ends them), and a record can have only one open draft.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as table:
        table.add_column(sa.Column("session_epoch", sa.Integer, nullable=False, server_default="0"))
    op.create_index("uq_drafts_open_record", "drafts", ["kind", "record_id"], unique=True,
                    sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Integer, nullable=False, unique=True),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("intent", sa.String(100)),
        sa.Column("confidence", sa.Float),
        sa.Column("service", sa.String(100)),
        sa.Column("aspect", sa.String(50)),
        sa.Column("kind", sa.String(30)),
        sa.Column("miss", sa.String(30)),
        sa.Column("model_id", sa.String(64)),
    )
    op.create_index("ix_turns_at", "turns", ["at"])
    op.create_index("ix_turns_conversation", "turns", ["conversation_id"])
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("reasons", sa.String(200), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("first_seen", sa.DateTime, nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
        sa.Column("conversation_id", sa.String(255)),
        sa.Column("event_id", sa.Integer),
        sa.Column("comment", sa.Text),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("resolution", sa.Text),
        sa.Column("resolved_by", sa.String(200)),
        sa.Column("resolved_at", sa.DateTime),
    )
    op.create_index("ix_inbox_status", "inbox", ["status"])
    op.create_table(
        "staff_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("detail", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("staff_log")
    op.drop_index("ix_inbox_status", "inbox")
    op.drop_table("inbox")
    op.drop_index("ix_turns_conversation", "turns")
    op.drop_index("ix_turns_at", "turns")
    op.drop_table("turns")
    op.drop_index("uq_drafts_open_record", "drafts")
    with op.batch_alter_table("staff_users") as table:
        table.drop_column("session_epoch")
