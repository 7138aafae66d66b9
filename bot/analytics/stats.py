"""How the bot is doing, from the masked projection (`turns`) and feedback:
per day or week and per model version.  Days are Vietnam's (UTC+7)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import sqlalchemy as sa

from bot.analytics.projection import ANSWERED
from bot.db.schema import feedback, turns

VIETNAM = dt.timedelta(hours=7)


@dataclass
class Period:
    label: str  # "2026-11-23", or "2026-W48" by week
    conversations: int = 0
    messages: int = 0
    understood: int = 0  # answered with catalogue facts, no clarify
    clarify: int = 0
    fallback: int = 0
    handover: int = 0

    def rate(self, count: int) -> float:
        return round(100.0 * count / self.messages, 1) if self.messages else 0.0

    def row(self) -> Dict[str, object]:
        return {
            "period": self.label, "conversations": self.conversations, "messages": self.messages,
            "understood_pct": self.rate(self.understood), "clarify_pct": self.rate(self.clarify),
            "fallback_pct": self.rate(self.fallback), "handover_pct": self.rate(self.handover),
        }


@dataclass
class Stats:
    periods: List[Period]
    total: Period
    models: List[Period]  # by model version
    services: List[Dict[str, object]]  # service, messages, up, down
    aspects: List[Dict[str, object]]
    hours: List[Dict[str, object]]  # hour (Vietnam), messages
    tables: Dict[str, List[Dict[str, object]]] = field(default_factory=dict)


def _period(at: dt.datetime, by: str) -> str:
    local = (at + VIETNAM).date()
    if by == "week":
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.isoformat()


def _count(period: Period, conversations: set, row) -> None:
    period.messages += 1
    conversations.add(row.conversation_id)
    if row.kind in ANSWERED and not row.miss:
        period.understood += 1
    if row.miss in ("clarify", "ask_service"):
        period.clarify += 1
    if row.miss == "fallback":
        period.fallback += 1
    if row.kind == "handover":
        period.handover += 1


def compute(engine: sa.engine.Engine, start: dt.date, end: dt.date, by: str = "day") -> Stats:
    """Statistics of citizens' messages from `start` to `end` (Vietnam days, inclusive)."""
    since = dt.datetime.combine(start, dt.time()) - VIETNAM
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time()) - VIETNAM
    with engine.connect() as conn:
        rows = conn.execute(sa.select(turns).where(turns.c.at >= since, turns.c.at < until).order_by(turns.c.at)).all()
        rated = conn.execute(sa.select(feedback.c.service, feedback.c.rating).where(
            feedback.c.created_at >= since, feedback.c.created_at < until)).all()
    periods: Dict[str, Period] = {}
    models: Dict[str, Period] = {}
    people: Dict[tuple, set] = defaultdict(set)  # conversations seen per period, model and in total
    total = Period("total")
    services: Counter = Counter()
    aspects: Counter = Counter()
    hours: Counter = Counter()
    for row in rows:
        label = _period(row.at, by)
        _count(periods.setdefault(label, Period(label)), people[("period", label)], row)
        model = row.model_id or "?"
        _count(models.setdefault(model, Period(model)), people[("model", model)], row)
        _count(total, people[("total",)], row)
        if row.service:
            services[row.service] += 1
        if row.aspect:
            aspects[row.aspect] += 1
        hours[(row.at + VIETNAM).hour] += 1
    for label, period in periods.items():
        period.conversations = len(people[("period", label)])
    for label, period in models.items():
        period.conversations = len(people[("model", label)])
    total.conversations = len(people[("total",)])
    votes: Dict[str, Counter] = defaultdict(Counter)
    for service, rating in rated:
        votes[service or "(không rõ)"][rating] += 1
    service_rows = [
        {"service": s, "messages": services.get(s, 0), "up": votes[s]["up"], "down": votes[s]["down"]}
        for s in sorted(set(services) | set(votes), key=lambda s: (-services.get(s, 0), s))
    ]
    stats = Stats(
        periods=[periods[k] for k in sorted(periods)], total=total,
        models=sorted(models.values(), key=lambda p: -p.messages),
        services=service_rows,
        aspects=[{"aspect": a, "messages": n} for a, n in aspects.most_common()],
        hours=[{"hour": h, "messages": hours.get(h, 0)} for h in range(24)],
    )
    stats.tables = {
        "periods": [p.row() for p in stats.periods] + [total.row()],
        "models": [{"model": p.label, **{k: v for k, v in p.row().items() if k != "period"}} for p in stats.models],
        "services": stats.services, "aspects": stats.aspects, "hours": stats.hours,
    }
    return stats


def csv_bytes(rows: List[Dict[str, object]]) -> bytes:
    """A table as CSV (UTF-8 with BOM, so spreadsheet programs read Vietnamese)."""
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def parse_range(start: Optional[str], end: Optional[str], today: dt.date) -> tuple:
    """(start, end) dates from YYYY-MM-DD strings; the last 30 days by default."""
    last = dt.date.fromisoformat(end) if end else today
    first = dt.date.fromisoformat(start) if start else last - dt.timedelta(days=29)
    if first > last:
        raise ValueError("from is after to")
    return first, last
