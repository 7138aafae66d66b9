"""Every table of our database, in one metadata.

Changing a table means a new migration in `migrations/versions/` as well;
`tests/db/test_migrations.py` checks that the migrations produce exactly this
schema.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# One row per catalogue record: a service, a FAQ entry or the phrasebook.
# `document` is the record as JSON; `revision` counts its changes.
records = sa.Table(
    "records",
    metadata,
    sa.Column("kind", sa.String(20), primary_key=True),
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
)

# Every change to a record: who, when, why, the record before and after
# (NULL before = created, NULL after = deleted).  The audit log.
revisions = sa.Table(
    "revisions",
    metadata,
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
sa.Index("ix_revisions_record", revisions.c.kind, revisions.c.record_id)
sa.Index("ix_revisions_created_at", revisions.c.created_at)

# Counters shared by every process; "version" goes up with every change to
# `records`, so readers know when to reload.
counters = sa.Table(
    "counters",
    metadata,
    sa.Column("name", sa.String(50), primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)

# 👍/👎 on the bot's answers, masked before storage.
feedback = sa.Table(
    "feedback",
    metadata,
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

# Staff accounts (bot/staff/accounts.py): argon2 password hashes, a role,
# and the failed-login counter behind the lock-out.
staff_users = sa.Table(
    "staff_users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(200), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("failed_logins", sa.Integer, nullable=False),
    sa.Column("locked_until", sa.DateTime),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # goes up at logout and password change: sessions carrying an older value end
    sa.Column("session_epoch", sa.Integer, nullable=False, server_default="0"),
)

# API tokens of staff accounts: only a SHA-256 of the token is kept.
staff_tokens = sa.Table(
    "staff_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("staff_users.id"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

# An editor's proposed record, published by a reviewer (bot/staff/drafts.py).
# `base_revision` is the record's revision the draft started from, so a
# draft overtaken by another change is not published over it.
drafts = sa.Table(
    "drafts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("record_id", sa.String(100), nullable=False),
    sa.Column("base_revision", sa.Integer, nullable=False),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # open, published, discarded
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("reviewed_by", sa.String(200)),
    sa.Column("reviewed_at", sa.DateTime),
)
sa.Index("ix_drafts_status", drafts.c.status)
# at most one open draft per record, even when two editors save at once
sa.Index("uq_drafts_open_record", drafts.c.kind, drafts.c.record_id, unique=True,
         sqlite_where=drafts.c.status == "open", postgresql_where=drafts.c.status == "open")

# The masked projection analytics read (bot/analytics/projection.py): one row
# per citizen message, built from the (masked) tracker store by a job, so
# pages never scan the raw conversations.
turns = sa.Table(
    "turns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.Integer, nullable=False, unique=True),  # the user event in the tracker store
    sa.Column("conversation_id", sa.String(255), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("text", sa.Text, nullable=False),  # masked
    sa.Column("intent", sa.String(100)),
    sa.Column("confidence", sa.Float),
    sa.Column("service", sa.String(100)),
    sa.Column("aspect", sa.String(50)),
    sa.Column("kind", sa.String(30)),  # what the bot did: answer, faq, clarify, ask_service, handover, ...
    sa.Column("miss", sa.String(30)),  # why it is in the inbox (fallback, clarify, ...), NULL if answered
    sa.Column("model_id", sa.String(64)),
)
sa.Index("ix_turns_at", turns.c.at)
sa.Index("ix_turns_conversation", turns.c.conversation_id)

# Questions the bot missed, near-duplicates grouped, for staff to act on.
inbox = sa.Table(
    "inbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.Text, nullable=False),  # accent-free words, sorted: what groups are compared by
    sa.Column("text", sa.Text, nullable=False),  # the latest wording (masked)
    sa.Column("reasons", sa.String(200), nullable=False),  # comma-separated: fallback, clarify, ...
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("first_seen", sa.DateTime, nullable=False),
    sa.Column("last_seen", sa.DateTime, nullable=False),
    sa.Column("conversation_id", sa.String(255)),  # of the latest occurrence
    sa.Column("event_id", sa.Integer),
    sa.Column("comment", sa.Text),  # the latest 👎 comment (masked)
    sa.Column("status", sa.String(20), nullable=False),  # open, assigned, out_of_scope, dismissed
    sa.Column("resolution", sa.Text),  # what was done, e.g. "intent ask_fee"
    sa.Column("resolved_by", sa.String(200)),
    sa.Column("resolved_at", sa.DateTime),
)
sa.Index("ix_inbox_status", inbox.c.status)

# What staff did that is not a record revision: viewing a conversation,
# dismissing an inbox item.  Who, when, what, why.
staff_log = sa.Table(
    "staff_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("who", sa.String(200), nullable=False),
    sa.Column("action", sa.String(50), nullable=False),
    sa.Column("target", sa.String(300), nullable=False),
    sa.Column("detail", sa.Text),
)

# Retraining from the staff app (tools/retrain.py runs each job in its own
# process): progress, the before/after report and whether it passed the gate.
retrain_jobs = sa.Table(
    "retrain_jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("status", sa.String(20), nullable=False),  # queued, training, scoring, done, failed
    sa.Column("step", sa.Text, nullable=False),  # what it is doing, for staff (Vietnamese)
    sa.Column("requested_by", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("model_id", sa.Integer),
    sa.Column("report", sa.Text),  # JSON
    sa.Column("error", sa.Text),
)

# The models the bot can run: the one `make train` built and each retrained
# one; `active` marks the one Rasa serves (activation = Rasa's PUT /model).
models = sa.Table(
    "models",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("source", sa.String(100), nullable=False),  # "make train", "retrain 3"
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("passed", sa.Boolean, nullable=False),  # passed the quality gate (or is the baseline)
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("activated_by", sa.String(200)),
    sa.Column("activated_at", sa.DateTime),
)
