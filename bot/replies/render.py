"""Catalogue facts rendered as the bot's answers, key fact first, ending with
at most two sources (official ones first, as short titles linking to the
official page) and the date they were checked.

Fees are chosen for the day of the answer: a temporary rate in force that day
is quoted with the standard rate beside it; expired or future ones are not
quoted.  The chat answers and the printable guides both use this module.

`lines()` gives every line of a record as a citizen would read it that day,
each with the aspect it belongs to; `bot.replies.ranking` picks the lines
that answer a specific question, and `answer()` puts them first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Iterable, List, Optional, Sequence
from zoneinfo import ZoneInfo

from bot.catalogue.models import (
    Channel, Detail, Fact, FaqEntry, FeeItem, Provenance, Rate, Service, Source, Status, TemporaryRate,
)
from bot.replies.aspects import Aspect
from bot.replies.phrases import Phrases

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_SOURCES = 2
# "details" are not one of the six aspects: specific facts (validity, age rules, deadlines ...)
DETAIL = "detail"


def today_in_vietnam() -> dt.date:
    return dt.datetime.now(VIETNAM).date()


def format_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def format_vnd(amount: int, phrases: Phrases) -> str:
    if amount == 0:
        return phrases.book.fees["free"]
    return f"{amount:,}".replace(",", ".") + " " + phrases.book.fees["currency"]


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def citizen_sources(provenances: Iterable[Provenance], limit: int = MAX_SOURCES) -> List[Source]:
    """At most `limit` distinct sources, official ones first (stable order otherwise)."""
    seen, sources = set(), []
    for provenance in provenances:
        for source in provenance.sources:
            if str(source.url) not in seen:
                seen.add(str(source.url))
                sources.append(source)
    sources.sort(key=lambda s: not s.kind.is_official)
    return sources[:limit]


def source_link(source: Source) -> str:
    return f"[{source.title}]({source.url})"


@dataclass(frozen=True)
class Line:
    """One line of a record as a citizen reads it, with where it comes from."""

    aspect: str  # an Aspect value, or DETAIL
    text: str
    fact: Provenance
    kind: str = ""  # which part of the record: agency, documents, fees, ... (ranking adds its topic words)
    topic: str = ""  # a detail's topic, for ranking


class Renderer:
    def __init__(self, phrases: Phrases, today: Optional[dt.date] = None) -> None:
        self.phrases = phrases
        self.today = today or today_in_vietnam()

    # -- whole aspects -------------------------------------------------------------

    def render(self, service: Service, aspect: Aspect, first: Sequence[Line] = ()) -> str:
        """One aspect of a service; lines in `first` that belong to it are put first."""
        return {
            Aspect.documents: self._documents,
            Aspect.fee: self._fee,
            Aspect.processing_time: self._processing_time,
            Aspect.how_to_apply: self._how_to_apply,
            Aspect.audience: self._audience,
            Aspect.overview: self._overview,
        }[aspect](service, [line.text for line in first])

    def faq(self, entry: FaqEntry) -> str:
        return entry.answer.strip() + "\n" + self._source_line([entry])

    # -- lines, for answering a specific question ------------------------------

    def lines(self, service: Service) -> List[Line]:
        """Every line of the record in force today (unknown facts have none)."""
        out: List[Line] = []

        def add(aspect: Aspect, kind: str, fact: Fact, texts: Iterable[str]) -> None:
            if fact.status != Status.unknown:
                out.extend(Line(aspect.value, text, fact, kind) for text in texts if text)

        add(Aspect.overview, "summary", service.summary, [service.summary.text or ""])
        add(Aspect.how_to_apply, "agency", service.agency, [service.agency.text or ""])
        add(Aspect.audience, "audience", service.audience, sentences(service.audience.text or ""))
        add(Aspect.documents, "documents", service.documents, service.documents.items)
        add(Aspect.how_to_apply, "steps", service.steps, service.steps.items)
        add(Aspect.processing_time, "processing_time", service.processing_time, [service.processing_time.text or ""])
        if service.fees.status != Status.unknown:
            out.extend(Line(Aspect.fee.value, text, fact, "fees") for text, fact in self._fee_lines_with_facts(service))
        for detail in service.details:
            if detail.status != Status.unknown:
                out.append(Line(DETAIL, detail.text or "", detail, "detail", detail.topic))
        for fact in service.facts():
            if fact.note and fact.status != Status.unknown and not isinstance(fact, Detail):
                out.append(Line(_aspect_of(service, fact), fact.note, fact, "note"))
        return out

    def answer(self, service: Service, aspect: Optional[Aspect], best: Sequence[Line]) -> str:
        """The lines that answer the question first, then the asked aspect (if
        any), one source block at the end."""
        lead = [line for line in best if aspect is None or line.aspect != aspect.value]
        if aspect is None:
            body = [self._t("detail", service=service.short_name, text=lead[0].text)] if lead else []
            body += [f"- {line.text}" for line in lead[1:]]
            provenances: List[Provenance] = [line.fact for line in lead]
            return self._finish(body, provenances, provenances[0] if provenances else None)
        block = self.render(service, aspect, first=[line for line in best if line.aspect == aspect.value])
        if not lead:
            return block
        intro = [self._t("detail", service=service.short_name, text=lead[0].text)]
        intro += [f"- {line.text}" for line in lead[1:]]
        # the aspect block keeps its own sources; the lead's sources are added to its source line
        extra = citizen_sources([line.fact for line in lead], limit=1)
        if extra and str(extra[0].url) not in block:
            intro.append(self._t("source", sources=source_link(extra[0]),
                                 date=format_date(min(line.fact.checked for line in lead))))
        return "\n".join(intro) + "\n" + _without_greeting(block)

    # -- aspects -------------------------------------------------------------

    def _documents(self, service: Service, first: List[str]) -> str:
        fact = service.documents
        if fact.status == Status.unknown:
            return self._unknown(service, Aspect.documents, fact)
        lines = [self._t("documents", service=service.short_name)]
        lines += [f"- {item}" for item in _first(fact.items, first)]
        return self._finish(lines, [fact], fact)

    def _fee(self, service: Service, first: List[str]) -> str:
        fact = service.fees
        if fact.status == Status.unknown:
            return self._unknown(service, Aspect.fee, fact)
        pairs = self._fee_lines_with_facts(service)
        lines = [self._t("fee", service=service.short_name)]
        lines += ["- " + text for text in _first([text for text, _ in pairs], first)]
        rates = [f for _, f in pairs if isinstance(f, TemporaryRate)]
        return self._finish(lines, [fact, *rates], fact)

    def fee_lines(self, service: Service) -> List[str]:
        """The fees in force today, one line per item (chat answers and printed guides)."""
        return [text for text, _ in self._fee_lines_with_facts(service)]

    def _fee_lines_with_facts(self, service: Service) -> List[tuple]:
        pairs: List[tuple] = []
        for item in service.fees.items:
            text, rate = self._fee_item(item)
            pairs.append((text, rate or service.fees))
            pairs += [
                (self._conditional(rate), rate)
                for rate in item.temporary
                if rate.in_force(self.today) and rate.conditions
            ]
        return pairs

    def _processing_time(self, service: Service, first: List[str]) -> str:
        fact = service.processing_time
        if fact.status == Status.unknown:
            return self._unknown(service, Aspect.processing_time, fact)
        return self._finish(
            [self._t("processing_time", service=service.short_name, text=fact.text)], [fact], fact)

    def _how_to_apply(self, service: Service, first: List[str]) -> str:
        agency, steps = service.agency, service.steps
        if agency.status == Status.unknown and steps.status == Status.unknown:
            return self._unknown(service, Aspect.how_to_apply, steps)
        lines = []
        if agency.status != Status.unknown:
            lines.append(self._t("how_to_apply", service=service.short_name, agency=agency.text))
        if steps.channels:
            names = ", ".join(f"{c.name} ({c.url})" if c.url else c.name for c in steps.channels)
            lines.append(self._t("online_channels", channels=names))
        if steps.status != Status.unknown:
            lines += [f"{n}. {step}" for n, step in enumerate(steps.items, start=1)]
        return self._finish(lines, [agency, steps], steps, notes=[steps.note, agency.note])

    def _audience(self, service: Service, first: List[str]) -> str:
        fact = service.audience
        if fact.status == Status.unknown:
            return self._unknown(service, Aspect.audience, fact)
        text = " ".join(_first(sentences(fact.text or ""), first))
        return self._finish([self._t("audience", service=service.short_name, text=text)], [fact], fact)

    def _overview(self, service: Service, first: List[str]) -> str:
        """What it is, then the key facts in one line each: where, how long, how much."""
        fact = service.summary
        lines = [self._t("overview", service=service.short_name, text=fact.text)]
        shown: List[Provenance] = [fact]
        if service.agency.status != Status.unknown:
            lines.append(self._t("overview_agency", text=service.agency.text))
            shown.append(service.agency)
        if service.processing_time.status != Status.unknown:
            lines.append(self._t("overview_time", text=service.processing_time.text))
            shown.append(service.processing_time)
        if service.fees.status != Status.unknown:
            fees = self.fee_lines(service)[:2]
            lines.append(self._t("overview_fee", text="; ".join(fees)))
            shown.append(service.fees)
        lines.append(self.phrases.template("overview_more"))
        return self._finish(lines, shown, fact, notes=[])

    # -- fees ----------------------------------------------------------------

    def _standard(self, rates: List[Rate]) -> str:
        if len(rates) == 1 and rates[0].channel == Channel.all:
            return format_vnd(rates[0].amount, self.phrases)
        return ", ".join(
            f"{format_vnd(r.amount, self.phrases)} ({self.phrases.book.fees[r.channel.value]})"
            if r.channel != Channel.all
            else format_vnd(r.amount, self.phrases)
            for r in rates
        )

    def _fee_item(self, item: FeeItem) -> tuple:
        """(the item's line today, the general temporary rate it quotes if any)."""
        if not item.standard:
            return (f"{item.label}: {item.note}" if item.note else item.label), None
        standard = self._standard(item.standard)
        general = [r for r in item.temporary if not r.conditions and r.in_force(self.today)]
        rate = general[0] if general else None
        if rate:
            values = dict(
                amount=self._amount(rate),
                basis=rate.basis,
                valid_to=format_date(rate.valid_to),
                standard_label=self.phrases.book.fees["standard"],
                standard=standard,
            )
            key = "reduced_now" if rate.status == Status.verified else "reduced_uncertain"
            text = self.phrases.fee(key, **values)
        else:
            text = standard
        text = f"{item.label}: {text}"
        if item.note:
            text += f". {item.note}"
        return text, rate

    def _amount(self, rate: TemporaryRate) -> str:
        amount = format_vnd(rate.amount, self.phrases)
        if rate.channel != Channel.all:
            amount += f" ({self.phrases.book.fees[rate.channel.value]})"
        return amount

    def conditions(self, rate: TemporaryRate) -> str:
        """The rate's conditions as a citizen reads them, joined."""
        return "; ".join(self.phrases.book.conditions.get(name, name) for name in rate.conditions)

    def _conditional(self, rate: TemporaryRate) -> str:
        return self.phrases.fee(
            "conditional",
            amount_title=capitalised(self._amount(rate)),
            valid_from=format_date(rate.valid_from),
            valid_to=format_date(rate.valid_to),
            condition=self.conditions(rate),
            basis=rate.basis,
            uncertain=self.phrases.book.fees["conditional_uncertain"] if rate.status != Status.verified else "",
        )

    # -- helpers -------------------------------------------------------------

    def _t(self, key: str, **values: Any) -> str:
        return self.phrases.template(key, **values)

    def _unknown(self, service: Service, aspect: Aspect, fact: Fact) -> str:
        reason = f" ({fact.reason})" if fact.reason else ""
        return self._t("unknown", aspect=self.phrases.aspects[aspect.value], service=service.short_name,
                       reason=reason)

    def _source_line(self, provenances: Sequence[Provenance]) -> str:
        sources = citizen_sources(provenances)
        checked = min(p.checked for p in provenances)
        return self._t("source", sources="; ".join(source_link(s) for s in sources), date=format_date(checked))

    def _finish(
        self, lines: List[str], provenances: List[Provenance], main: Optional[Provenance],
        notes: Optional[List[Optional[str]]] = None,
    ) -> str:
        for note in notes if notes is not None else [getattr(main, "note", None)]:
            if note:
                lines.append(note)
        if main is not None and main.status == Status.conflicting:
            lines.append(self._t("conflicting", reason=f" ({main.reason})" if main.reason else ""))
        elif main is not None and main.status == Status.uncertain:
            lines.append(self._t("uncertain"))
        if provenances:
            lines.append(self._source_line(provenances))
        return "\n".join(lines)


def sentences(text: str) -> List[str]:
    """Split a fact's text into sentences (on '. ' and '; '), keeping the punctuation."""
    parts = re.split(r"(?<=[.;])\s+(?=[^\W\d_]|\()", text.strip())
    return [p for p in parts if p]


def _first(items: Sequence[str], first: Sequence[str]) -> List[str]:
    """`items` with those also in `first` moved to the front, in `first`'s order."""
    leading = [f for f in first if f in items]
    return leading + [i for i in items if i not in leading]


def _aspect_of(service: Service, fact: Fact) -> str:
    for aspect, candidate in (
        (Aspect.overview, service.summary), (Aspect.how_to_apply, service.agency),
        (Aspect.audience, service.audience), (Aspect.documents, service.documents),
        (Aspect.how_to_apply, service.steps), (Aspect.processing_time, service.processing_time),
        (Aspect.fee, service.fees),
    ):
        if candidate is fact:
            return aspect.value
    return DETAIL


def _without_greeting(block: str) -> str:
    """The aspect block after a lead line: drop its opening "Dạ, "."""
    return capitalised(block[4:]) if block.startswith("Dạ, ") else block
