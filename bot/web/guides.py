"""Printable one-page checklists for community digital-technology teams.

Rendered from the same catalogue records as the bot's answers (documents,
online steps, the fees in force today, time, where to apply, source and date),
with a QR code to the service's page on the portal.  All catalogue text is
HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from string import Template
from typing import Dict, Iterable, List

import segno

from bot.catalogue.models import Fact, Service, Status
from bot.replies.phrases import Phrases
from bot.replies.render import Renderer, capitalised, citizen_sources, format_date

UNKNOWN = "Chưa có thông tin đã kiểm chứng"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _list(items: Iterable[str], ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{_e(i)}</li>" for i in items) + f"</{tag}>"


def _fact_block(fact: Fact, body: str, phrases: Phrases) -> str:
    if fact.status == Status.unknown:
        return f'<p class="unknown">{UNKNOWN} ({_e(fact.reason)}). Xem trên {_e(phrases.portal)}.</p>'
    note = f'<p class="note">{_e(fact.note)}</p>' if fact.note else ""
    warning = (
        f'<p class="note">Lưu ý: các nguồn chưa thống nhất ({_e(fact.reason)}).</p>'
        if fact.status == Status.conflicting else ""
    )
    return body + note + warning


def _sentence(text: object) -> str:
    return _e(capitalised(str(text or "")))


def qr_svg(url: str, scale: int = 3) -> str:
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#000", light="#fff")


def render_checklist(service: Service, phrases: Phrases, today: dt.date, templates: Path) -> str:
    renderer = Renderer(phrases, today)
    steps = service.steps
    channels = ", ".join(c.name + (f" ({c.url})" if c.url else "") for c in steps.channels)
    sources = citizen_sources(service.provenances(), limit=8)
    values: Dict[str, str] = {
        "title": _e(capitalised(service.short_name)),
        "name": _e(service.name),
        "number": f"Dịch vụ thiết yếu số {service.essential_number} - " if service.essential_number else "",
        "documents": _fact_block(service.documents, _list(service.documents.items), phrases),
        "steps": _fact_block(
            steps, f"<p>{_e(phrases.template('online_channels', channels=channels))}</p>"
            + _list(steps.items, ordered=True), phrases),
        "fees": _fact_block(service.fees, _list(renderer.fee_lines(service)), phrases),
        "time": _fact_block(service.processing_time, f"<p>{_sentence(service.processing_time.text)}</p>", phrases),
        "agency": _fact_block(service.agency, f"<p>{_sentence(service.agency.text)}</p>", phrases),
        "audience": _fact_block(service.audience, f"<p>{_sentence(service.audience.text)}</p>", phrases),
        "portal": _e(service.portal_url),
        "qr": qr_svg(str(service.portal_url)),
        "sources": "".join(f'<li><a href="{_e(s.url)}">{_e(s.title)}</a></li>' for s in sources),
        "verified": format_date(min(p.checked for p in service.provenances())),
        "today": format_date(today),
    }
    return Template((templates / "checklist.html").read_text(encoding="utf-8")).substitute(values)


def render_index(services: List[Dict], phrases: Phrases, templates: Path) -> str:
    sections = []
    for group, title in phrases.groups.items():
        members = sorted((s for s in services if s["group"] == group),
                         key=lambda s: (s.get("essential_number") or 99, s["id"]))
        if members:
            links = "".join(
                f'<li><a href="/huong-dan/{_e(s["id"])}">{_e(capitalised(s["short_name"]))}</a></li>'
                for s in members
            )
            sections.append(f"<section><h2>{_e(title)}</h2><ul>{links}</ul></section>")
    return Template((templates / "guides.html").read_text(encoding="utf-8")).substitute(sections="".join(sections))
