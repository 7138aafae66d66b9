"""Score the independent question bank (tests/bank) end to end.

Every question is a fresh conversation over the REST channel of a running
stack whose date is pinned to the bank's `as_of`.  A turn passes when:
- `answer`: the bot answered (not "did you mean…?", not "which service?")
  and the reply holds every expected fact;
- `handover`: the reply holds the expected hotline or desk;
- `out_of_scope`: the bot did not answer about any service;
- `any`: not scored (facts, if listed, still must appear).
A question passes when all its scored turns pass.  Facts match case- and
accent-insensitively, with dots between digits ignored.

The test part is scored only to report: `report()` prints its failures for
the dev part alone.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from bot.config import ROOT
from bot.vietnamese import fold

BANK = ROOT / "tests" / "bank"
PARTS = ("dev", "test")
# Turn kinds (the `kind` the actions send with every reply) that ask back instead of answering.
ASKING_BACK = {"clarify", "ask_service"}
# Turn kinds that answer about a service (an out-of-scope question must get none of these).
SERVICE_ANSWERS = {"answer", "faq", "guide", "list"}


def normalise(text: str) -> str:
    text = fold(text)
    text = re.sub(r"(?<=\d)[.](?=\d)", "", text)
    return " ".join(text.split())


@dataclass
class Turn:
    say: str
    expect: str
    facts: List[List[str]] = field(default_factory=list)


@dataclass
class Question:
    id: str
    service: Optional[str]
    classes: List[str]
    turns: List[Turn]

    @property
    def in_scope(self) -> bool:
        return "out_of_scope" not in self.classes


def load(part: str, bank: Path = BANK) -> Tuple[str, List[Question]]:
    """(as_of, questions) of one part."""
    data = yaml.safe_load((bank / f"{part}.yml").read_text(encoding="utf-8"))
    questions = [
        Question(
            q["id"], q.get("service"), list(q.get("classes") or []),
            [Turn(str(t["say"]), t.get("expect", "any"), [[str(a) for a in item] for item in t.get("facts") or []])
             for t in q["turns"]],
        )
        for q in data["questions"]
    ]
    return str(data["as_of"]), questions


@dataclass
class TurnResult:
    turn: Turn
    text: str
    kind: str
    missing: List[List[str]]
    passed: bool


@dataclass
class QuestionResult:
    question: Question
    turns: List[TurnResult]

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.turns)


def bot_turn(messages: Sequence[dict]) -> Tuple[str, str]:
    """(text, kind) of one reply: the texts after the session welcome, and the last kind."""
    texts: List[str] = []
    pending: List[str] = []
    kind = ""
    for message in messages:
        meta = ((message.get("custom") or {}).get("data") or {}).get("meta")
        if meta is not None:
            if meta.get("kind") != "welcome":
                texts += pending
                kind = meta.get("kind") or kind
            pending = []
        elif message.get("text"):
            pending.append(message["text"])
        if message.get("buttons"):
            pending.append(" ".join(b.get("title", "") for b in message["buttons"]))
    texts += pending
    return "\n".join(texts), kind


def judge(turn: Turn, text: str, kind: str) -> TurnResult:
    found = normalise(text)
    missing = [item for item in turn.facts if not any(normalise(alt) in found for alt in item)]
    if turn.expect == "answer":
        passed = not missing and kind not in ASKING_BACK and kind != "handover"
    elif turn.expect == "handover":
        passed = not missing and kind not in ASKING_BACK
    elif turn.expect == "out_of_scope":
        passed = kind not in SERVICE_ANSWERS
    else:
        passed = not missing
    return TurnResult(turn, text, kind, missing, passed)


def score(questions: Iterable[Question], send: Callable[[str, str], Sequence[dict]]) -> List[QuestionResult]:
    """`send(sender, text)` returns the bot's messages for one user message."""
    results = []
    for question in questions:
        sender = f"bank-{uuid.uuid4().hex}"
        turns = [judge(turn, *bot_turn(send(sender, turn.say))) for turn in question.turns]
        results.append(QuestionResult(question, turns))
    return results


@dataclass
class Summary:
    part: str
    questions: int
    passed: int
    by_class: Dict[str, Tuple[int, int]]
    by_service: Dict[str, Tuple[int, int]]
    asked_back: Tuple[int, int]  # in-scope answer turns that asked back / all of them
    wrong_service: Tuple[int, int]  # out-of-scope turns answered about a service / all of them

    @property
    def rate(self) -> float:
        return self.passed / self.questions if self.questions else 0.0


def summarise(part: str, results: List[QuestionResult]) -> Summary:
    by_class: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    by_service: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    asked = answer_turns = wrong = oos_turns = 0
    for result in results:
        question = result.question
        classes = set(question.classes) | {"with_diacritics" if "no_diacritics" not in question.classes else ""}
        for name in classes - {""}:
            by_class[name][0] += result.passed
            by_class[name][1] += 1
        by_service[question.service or "(general / out of scope)"][0] += result.passed
        by_service[question.service or "(general / out of scope)"][1] += 1
        for turn in result.turns:
            if turn.turn.expect == "answer" and question.in_scope:
                answer_turns += 1
                asked += turn.kind in ASKING_BACK
            if turn.turn.expect == "out_of_scope":
                oos_turns += 1
                wrong += turn.kind in SERVICE_ANSWERS
    return Summary(
        part, len(results), sum(r.passed for r in results),
        {k: (v[0], v[1]) for k, v in sorted(by_class.items())},
        {k: (v[0], v[1]) for k, v in sorted(by_service.items())},
        (asked, answer_turns), (wrong, oos_turns),
    )


def _pct(a: int, b: int) -> str:
    return f"{a / b:.1%}" if b else "-"


def markdown(summaries: List[Summary]) -> str:
    lines = ["| part | questions | all expected facts | asked back (in scope) | wrong service (out of scope) |",
             "|---|---|---|---|---|"]
    for s in summaries:
        lines.append(
            f"| {s.part} | {s.questions} | {_pct(s.passed, s.questions)} | "
            f"{_pct(*s.asked_back)} ({s.asked_back[0]}/{s.asked_back[1]} turns) | "
            f"{_pct(*s.wrong_service)} ({s.wrong_service[0]}/{s.wrong_service[1]} turns) |")
    classes = sorted({c for s in summaries for c in s.by_class})
    lines += ["", "By class (questions passing / questions):", "",
              "| class | " + " | ".join(s.part for s in summaries) + " |",
              "|---|" + "---|" * len(summaries)]
    for name in classes:
        cells = [f"{_pct(*s.by_class[name])} ({s.by_class[name][0]}/{s.by_class[name][1]})" if name in s.by_class
                 else "-" for s in summaries]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    services = sorted({c for s in summaries for c in s.by_service})
    lines += ["", "By service:", "", "| service | " + " | ".join(s.part for s in summaries) + " |",
              "|---|" + "---|" * len(summaries)]
    for name in services:
        cells = [f"{_pct(*s.by_service[name])} ({s.by_service[name][0]}/{s.by_service[name][1]})"
                 if name in s.by_service else "-" for s in summaries]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def failures(results: List[QuestionResult]) -> str:
    """Readable failures (the dev part only: the test part is never read to tune)."""
    lines = []
    for result in results:
        if result.passed:
            continue
        lines.append(f"- {result.question.id} [{', '.join(result.question.classes)}]")
        for turn in result.turns:
            mark = "ok " if turn.passed else "BAD"
            missing = f" missing {turn.missing}" if turn.missing else ""
            lines.append(f"    {mark} {turn.turn.say!r} ({turn.turn.expect}) -> {turn.kind}{missing}")
            if not turn.passed:
                lines.append("        " + turn.text.replace("\n", " | ")[:400])
    return "\n".join(lines)


def score_on_stack(parts: Sequence[str], model: Optional[Path] = None) -> Dict[str, List[QuestionResult]]:
    """Start a throw-away stack (seed catalogue, dated `as_of`) with `model`; every part's results."""
    import dataclasses
    import datetime as dt
    import tempfile

    from bot.config import Settings
    from tools.benchmark import ask
    from tools.supervisor import Stack, isolated_settings
    from tools.training import model_path

    loaded = {part: load(part) for part in parts}
    as_of = {day for day, _ in loaded.values()}
    if len(as_of) != 1:
        raise ValueError(f"the parts are dated differently: {sorted(as_of)}")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        settings = dataclasses.replace(isolated_settings(Path(tmp)), today=dt.date.fromisoformat(as_of.pop()))
        stack = Stack(settings, model or model_path(Settings.from_env().model_dir))
        stack.start()
        try:
            for part, (_, questions) in loaded.items():
                results[part] = score(questions, lambda sender, text: ask(settings.rasa_port, sender, text))
        finally:
            stack.stop()
    return results


def run(parts: Sequence[str] = PARTS, show_failures: bool = False, model: Optional[Path] = None) -> List[Summary]:
    """Score the parts on a throw-away stack; print the dev part's failures if asked."""
    results = score_on_stack(parts, model)
    if show_failures and "dev" in results:
        print(failures(results["dev"]))
    return [summarise(part, found) for part, found in results.items()]
