"""Catalogue facts rendered as the bot's answers, key fact first, ending with
the source and the date it was checked.

Fees are chosen for the day of the answer: a temporary rate in force that day
is quoted with the standard rate beside it; expired or future ones are not
quoted.  The chat answers and the printable guides both use this module.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, List, Optional
from zoneinfo import ZoneInfo

from bot.catalogue.models import Channel, FaqEntry, Fact, FeeItem, Rate, Service, Status, TemporaryRate
from bot.replies.aspects import Aspect
from bot.replies.phrases import Phrases

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


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


class Renderer:
    def __init__(self, phrases: Phrases, today: Optional[dt.date] = None) -> None:
        self.phrases = phrases
        self.today = today or today_in_vietnam()

    # -- public --------------------------------------------------------------

    def render(self, service: Service, aspect: Aspect) -> str:
        return {
            Aspect.documents: self._documents,
            Aspect.fee: self._fee,
            Aspect.processing_time: self._processing_time,
            Aspect.how_to_apply: self._how_to_apply,
            Aspect.audience: self._audience,
            Aspect.overview: self._overview,
        }[aspect](service)

    def faq(self, entry: FaqEntry) -> str:
        return entry.answer.strip() + "\n" + self._t(
            "source", sources=str(entry.source), date=format_date(entry.verified)
        )

    # -- aspects -------------------------------------------------------------

    def _documents(self, service: Service) -> str:
        fact = service.documents
        if fact.status == Status.unknown:
            return self._unknown(service, Aspect.documents, fact)
        lines = [self._t("documents", service=service.short_name)]
        lines += [f"- {item}" for item in fact.items]
        return self._finish(lines, fact, [fact])

    def _fee(self, service: Service) -> str:
        fact = service.fees
        if fact.status == Status.unknown:
            return self._unknown(service, Aspect.fee, fact)
        lines = [self._t("fee", service=service.short_name)]
        lines += ["- " + line for line in self.fee_lines(service)]
        extra_sources = [
            str(rate.source) for item in fact.items for rate in item.temporary if rate.in_force(self.today)
        ]
        return self._finish(lines, fact, [fact], extra_sources)

    def fee_lines(self, service: Service) -> List[str]:
        """The fees in force today, one line per item (chat answers and printed guides)."""
        lines: List[str] = []
        for item in service.fees.items:
            lines.append(self._fee_item(item))
            lines += [
                self._conditional(rate)
                for rate in item.temporary
                if rate.in_force(self.today) and rate.condition
            ]
        return lines

    def _processing_time(self, service: Service) -> str:
        fact = service.processing_time
        if fact.status == Status.unknown:
            return self._unknown(service, Aspect.processing_time, fact)
        return self._finish(
            [self._t("processing_time", service=service.short_name, text=fact.text)], fact, [fact]
        )

    def _how_to_apply(self, service: Service) -> str:
        agency, steps = service.agency, service.steps
        if agency.status == Status.unknown and steps.status == Status.unknown:
            return self._unknown(service, Aspect.how_to_apply, steps)
        lines = []
        if agency.status != Status.unknown:
            lines.append(self._t("how_to_apply", service=service.short_name, agency=agency.text))
        if steps.channels:
            names = ", ".join(
                f"{c.name} ({c.url})" if c.url else c.name for c in steps.channels
            )
            lines.append(self._t("online_channels", channels=names))
        lines += [f"{n}. {step}" for n, step in enumerate(steps.items, start=1)]
        return self._finish(lines, steps, [agency, steps])

    def _audience(self, service: Service) -> str:
        fact = service.audience
        if fact.status == Status.unknown:
            return self._unknown(service, Aspect.audience, fact)
        return self._finish([self._t("audience", service=service.short_name, text=fact.text)], fact, [fact])

    def _overview(self, service: Service) -> str:
        fact = service.summary
        lines = [self._t("overview", service=service.short_name, text=fact.text)]
        lines.append(self.phrases.template("overview_more"))
        return self._finish(lines, fact, [fact])

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

    def _fee_item(self, item: FeeItem) -> str:
        if not item.standard:
            return f"{item.label}: {item.note}" if item.note else item.label
        standard = self._standard(item.standard)
        general = [r for r in item.temporary if r.condition is None and r.in_force(self.today)]
        if general:
            rate = general[0]
            values = dict(
                amount=self._amount(rate),
                basis=rate.basis,
                valid_to=format_date(rate.valid_to),
                standard_label=self.phrases.book.fees["standard"],
                standard=standard,
            )
            key = "reduced_uncertain" if rate.uncertain else "reduced_now"
            text = self.phrases.fee(key, **values)
        else:
            text = standard
        text = f"{item.label}: {text}"
        if item.note:
            text += f". {item.note}"
        return text

    def _amount(self, rate: TemporaryRate) -> str:
        amount = format_vnd(rate.amount, self.phrases)
        if rate.channel != Channel.all:
            amount += f" ({self.phrases.book.fees[rate.channel.value]})"
        return amount

    def _conditional(self, rate: TemporaryRate) -> str:
        amount = self._amount(rate)
        return self.phrases.fee(
            "conditional",
            amount_title=amount[:1].upper() + amount[1:],
            valid_from=format_date(rate.valid_from),
            valid_to=format_date(rate.valid_to),
            condition=rate.condition,
            basis=rate.basis,
            uncertain=self.phrases.book.fees["conditional_uncertain"] if rate.uncertain else "",
        )

    # -- helpers -------------------------------------------------------------

    def _t(self, key: str, **values: Any) -> str:
        return self.phrases.template(key, **values)

    def _unknown(self, service: Service, aspect: Aspect, fact: Fact) -> str:
        reason = f" ({fact.reason})" if fact.reason else ""
        text = self._t(
            "unknown", aspect=self.phrases.aspects[aspect.value], service=service.short_name, reason=reason
        )
        return text

    def _finish(
        self, lines: List[str], main: Fact, facts: List[Fact], extra_sources: Optional[List[str]] = None
    ) -> str:
        for fact in facts:
            if fact.note:
                lines.append(fact.note)
        if main.status == Status.conflicting:
            lines.append(self._t("conflicting", reason=f" ({main.reason})" if main.reason else ""))
        sources: List[str] = []
        for url in [str(f.source) for f in facts] + (extra_sources or []):
            if url not in sources:
                sources.append(url)
        verified = min(f.verified for f in facts)
        lines.append(self._t("source", sources="; ".join(sources), date=format_date(verified)))
        return "\n".join(lines)
