"""Our tracker store: masked before storage, the kept tracker never stale, and
retention deletes what is older than RETENTION_DAYS (command and function)."""

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import time

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import ROOT
from bot.tracker_store import MaskedSQLTrackerStore

DOMAIN = Domain.from_path(ROOT / "domain.yml")


def store(path):
    return MaskedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(path))


def conversation(sender, text, when):
    return DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_listen", timestamp=when),
        UserUttered(text, {"name": "ask_fee", "confidence": 0.9}, timestamp=when,
                    parse_data={"text": text, "intent": {"name": "ask_fee", "confidence": 0.9}, "entities": []}),
        SlotSet("service", "cap_ho_chieu_pho_thong", timestamp=when),
        BotUttered("Dạ, lệ phí 200.000 đồng ạ.", timestamp=when),
    ])


def stored_rows(path):
    with sqlite3.connect(path) as conn:
        return [(sender, json.loads(data)) for sender, data in conn.execute("SELECT sender_id, data FROM events")]


def test_every_string_is_masked_in_the_database_and_not_in_memory(tmp_path):
    path = tmp_path / "t.db"
    tracker = conversation("a", "cccd 001 234 567 890, sđt 0912.345.678, phí 200.000đ?", time.time())
    asyncio.run(store(path).save(tracker))
    texts = json.dumps([data for _, data in stored_rows(path)], ensure_ascii=False)
    assert "001 234 567 890" not in texts and "0912.345.678" not in texts
    assert "[SỐ CĂN CƯỚC]" in texts and "[SỐ ĐIỆN THOẠI]" in texts and "200.000đ" in texts
    assert "001 234 567 890" in tracker.latest_message.text  # the turn being answered is untouched


def test_a_write_by_another_replica_is_seen(tmp_path):
    path = tmp_path / "t.db"
    first, second = store(path), store(path)
    asyncio.run(first.save(conversation("a", "hộ chiếu", time.time())))
    kept = asyncio.run(first.retrieve("a"))
    other = asyncio.run(second.retrieve("a"))
    other.update(BotUttered("từ bản sao khác"))
    asyncio.run(second.save(other))
    again = asyncio.run(first.retrieve("a"))
    assert again is not kept
    assert [e.text for e in again.events if isinstance(e, BotUttered)][-1] == "từ bản sao khác"


def test_retention_deletes_only_conversations_older_than_the_limit(tmp_path):
    path = tmp_path / "t.db"
    tracker_store = store(path)
    asyncio.run(tracker_store.save(conversation("old", "hộ chiếu", time.time() - 91 * 86400)))
    asyncio.run(tracker_store.save(conversation("new", "hộ chiếu", time.time() - 89 * 86400)))
    env = {**os.environ, "TRACKER_STORE_URL": f"sqlite:///{path}", "RETENTION_DAYS": "90"}
    done = subprocess.run([sys.executable, "-m", "bot", "conversations", "purge"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "4 conversation events deleted" in done.stdout
    assert {sender for sender, _ in stored_rows(path)} == {"new"}
