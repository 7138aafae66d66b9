"""One printable plan for a household, for community digital-technology teams.

A team member picks the household's situations (a newborn, a move, a death in
the family, ...) or single services; the plan lists, in the order to do them,
each service's documents as a checklist, the fee in force today, where and
how to apply, and a QR code to the service's own procedure page (the
portal's search for its name where no page was verified).  A bundle replaces
the single service it includes.  The plan's address is short and carries the
whole choice (/k/<codes>), so it can be shared as a link or QR code and works
from the browser's cache without a server-side copy.

Situations, bundles and the order are data (data/lang/situations.yml).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Dict, Iterable, List, Mapping, Optional, Sequence
from urllib.parse import quote_plus

import yaml

from bot.catalogue.models import Service, Status
from bot.replies.phrases import Phrases
from bot.replies.render import Renderer, capitalised, format_date
from bot.web.guides import UNKNOWN, qr_svg

MAX_SERVICES = 12  # a plan longer than this is not one visit


class UnknownChoice(ValueError):
    """A situation or service code that the catalogue does not have."""


@dataclass(frozen=True)
class Situation:
    id: str
    title: str
    services: Sequence[str]


@dataclass(frozen=True)
class PlanRules:
    situations: Sequence[Situation]
    bundles: Mapping[str, Sequence[str]]
    first: Sequence[str]
    portal_search: str

    @classmethod
    def from_file(cls, path: Path) -> "PlanRules":
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls(
            [Situation(str(s["id"]), str(s["title"]), list(s["services"])) for s in data.get("situations") or []],
            {str(k): list(v) for k, v in (data.get("bundles") or {}).items()},
            list(data.get("first") or []),
            str(data["portal_search"]),
        )

    def situation(self, situation_id: str) -> Situation:
        for situation in self.situations:
            if situation.id == situation_id:
                return situation
        raise UnknownChoice(situation_id)

    def resolve(self, situation_ids: Iterable[str], service_ids: Iterable[str]) -> List[str]:
        """The services to do, in order: situations' services and single ones,
        without duplicates, bundles replacing what they include, the `first` ones first."""
        chosen: List[str] = []
        for service_id in [s for sid in situation_ids for s in self.situation(sid).services] + list(service_ids):
            if service_id not in chosen:
                chosen.append(service_id)
        replaced = {single for bundle in chosen for single in self.bundles.get(bundle, ())}
        chosen = [s for s in chosen if s not in replaced]
        return [s for s in self.first if s in chosen] + [s for s in chosen if s not in self.first]

    def procedure_url(self, service: Service) -> str:
        if service.procedure_url:
            return str(service.procedure_url)
        return self.portal_search.format(name=quote_plus(service.short_name))


def short_code(essential_number: Optional[int], service_id: str) -> str:
    """A service's code in a plan's address: its number among the 25, or its id."""
    return str(essential_number) if essential_number else service_id


def plan_path(services: Sequence[Service]) -> str:
    return "/k/" + "-".join(short_code(s.essential_number, s.id) for s in services)


def services_of_path(codes: str, listing: Iterable[Mapping]) -> List[str]:
    """Service ids from the codes of a plan's address ("12-16-kich_hoat_vneid"),
    given the catalogue's list of services (id, essential_number)."""
    by_code = {short_code(s.get("essential_number"), s["id"]): s["id"] for s in listing}
    ids: List[str] = []
    for code in codes.split("-"):
        if code not in by_code:
            raise UnknownChoice(code)
        if by_code[code] not in ids:
            ids.append(by_code[code])
    if len(ids) > MAX_SERVICES:
        raise UnknownChoice(codes)
    return ids


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _fact(service_fact, body: str) -> str:
    if service_fact.status == Status.unknown:
        return f'<p class="unknown">{UNKNOWN}.</p>'
    return body


def render_plan(services: Sequence[Service], rules: PlanRules, phrases: Phrases, today: dt.date,
                share_url: str, templates: Path) -> str:
    renderer = Renderer(phrases, today)
    sections = []
    for number, service in enumerate(services, start=1):
        documents = "".join(
            f'<li><label><input type="checkbox"> {_e(item)}</label></li>' for item in service.documents.items)
        channels = ", ".join(c.name for c in service.steps.channels)
        url = rules.procedure_url(service)
        sections.append(
            f'<section class="step" id="{_e(service.id)}">'
            f'<header><div><p class="kicker">Việc {number}</p><h2>{_e(capitalised(service.short_name))}</h2></div>'
            f'<figure class="qr">{qr_svg(url, scale=2)}<figcaption>Quét để mở thủ tục</figcaption></figure></header>'
            f'<h3>Giấy tờ cần chuẩn bị</h3>'
            + _fact(service.documents, f'<ul class="checks">{documents}</ul>')
            + '<h3>Lệ phí hôm nay</h3>'
            + _fact(service.fees, "<ul>" + "".join(f"<li>{_e(line)}</li>" for line in renderer.fee_lines(service))
                    + "</ul>")
            + '<h3>Nộp ở đâu, nộp thế nào</h3>'
            + _fact(service.agency, f"<p>{_e(capitalised(service.agency.text or ''))}</p>")
            + (f"<p>Nộp trực tuyến: {_e(channels)}.</p>" if channels else "")
            + f'<p class="link"><a href="{_e(url)}">{_e(url)}</a>'
              f'<span class="no-print"> · <a href="/huong-dan/{_e(service.id)}">Hướng dẫn chi tiết</a></span></p>'
            + "</section>"
        )
    todo = "".join(f'<li><label><input type="checkbox"> {_e(capitalised(s.short_name))}</label></li>'
                   for s in services)
    values: Dict[str, str] = {
        "todo": todo,
        "sections": "".join(sections),
        "share_url": _e(share_url),
        "share_qr": qr_svg(share_url),
        "today": format_date(today),
        "hotline": _e(phrases.hotline),
        "portal": _e(phrases.portal),
    }
    return Template((templates / "plan.html").read_text(encoding="utf-8")).substitute(values)


def render_chooser(rules: PlanRules, services: Iterable[Mapping], templates: Path) -> str:
    situations = "".join(
        f'<li><label><input type="checkbox" name="tinh-huong" value="{_e(s.id)}"> {_e(s.title)}</label></li>'
        for s in rules.situations)
    singles = "".join(
        f'<li><label><input type="checkbox" name="dich-vu" value="{_e(s["id"])}"> '
        f'{_e(capitalised(s["short_name"]))}</label></li>'
        for s in sorted(services, key=lambda s: (s.get("essential_number") or 99, s["id"])))
    return Template((templates / "plan_chooser.html").read_text(encoding="utf-8")).substitute(
        situations=situations, services=singles)


def render_vneid_walkthrough(service: Service, phrases: Phrases, templates: Path) -> str:
    """The activation steps one per screen, each with its "Tôi bị kẹt ở bước này" help."""
    steps = service.steps
    total = len(steps.items)
    screens = []
    for index, item in enumerate(steps.items):
        help_text = steps.help[index] if index < len(steps.help) else phrases.hotline
        screens.append(
            f'<section class="screen" id="buoc-{index + 1}" data-step="{index + 1}"{"" if index == 0 else " hidden"}>'
            f'<p class="kicker">Bước {index + 1}/{total}</p><p class="instruction">{_e(item)}</p>'
            f'<details><summary>Tôi bị kẹt ở bước này</summary><p>{_e(help_text)}</p></details>'
            f'</section>')
    return Template((templates / "vneid.html").read_text(encoding="utf-8")).substitute(
        screens="".join(screens), total=str(total), hotline=_e(phrases.hotline),
        note=_e(steps.note or ""))
