"""`make bench`: speed and memory of the whole stack, over loopback.

It starts its own stack (catalogue, actions, Rasa, web) on free ports with its
own databases, then measures:
- per-message latency (p50/p95/p99) at 1, 10 and 50 concurrent conversations
  over the REST channel, messages per second, errors and unanswered messages;
- peak RSS of the Rasa server and the action server;
- time to train from scratch (`rasa train --force`) and its peak RSS;
- time from a catalogue edit (a fee changed in the database) to the bot's
  answer changing;
- the same bot as Rasa ships it, in the same run: the same data and pipeline
  with Rasa's own RulePolicy, ResponseSelector, SQL tracker store and REST
  channel, and none of our patches (`stock_files`).  Its p95 at 10
  conversations, messages/s and cost per turn are reported beside ours, as
  ratios, so machines of different speed compare.
Every loop is bounded in count and time.  Results go to docs/benchmarks.md
(with a latency-vs-concurrency plot) through `tools.report`.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from bot.config import ROOT, Settings
from tools.supervisor import Stack, isolated_settings
from tools.training import GENERATED_DIR, model_path, rasa_env, rasa_executable, training_data

QUESTIONS = [
    "làm hộ chiếu hết bao nhiêu tiền",
    "dang ky tam tru can giay to gi",
    "đk thường trú mất bao lâu",
    "còn lệ phí thì sao",
    "làm lý lịch tư pháp ở đâu",
    "ko nhận đc otp",
    "danh sách dịch vụ",
    "đổi bằng lái cần giấy tờ gì",
]
TARGETS = {"p95_ms_at_10": 150.0, "messages_per_second": 40.0, "train_seconds": 300.0, "rasa_rss_mb": 1536.0}


@dataclass
class LoadResult:
    concurrency: int
    messages: int
    seconds: float
    latencies_ms: List[float]
    errors: int
    unanswered: int

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        index = min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))
        return ordered[index]

    @property
    def throughput(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


@dataclass
class BenchResult:
    loads: List[LoadResult] = field(default_factory=list)
    rasa_rss_mb: float = 0.0
    actions_rss_mb: float = 0.0
    train_seconds: Optional[float] = None
    train_rss_mb: Optional[float] = None
    edit_to_answer_seconds: Optional[float] = None
    turn_p50_ms: Dict[int, float] = field(default_factory=dict)  # p50 around turn 1, 20 and 100 of one conversation
    machine: Dict[str, str] = field(default_factory=dict)
    stock: Optional["StockResult"] = None  # the same bot as Rasa ships it, same run
    cpu_ms_per_message: Dict[str, float] = field(default_factory=dict)  # per process, at 10 conversations


@dataclass
class StockResult:
    load: LoadResult  # 10 concurrent conversations, as for ours
    turn_p50_ms: Dict[int, float]
    rasa_rss_mb: float


def ask(port: int, sender: str, message: str, timeout: float = 30.0) -> List[dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def run_load(port: int, concurrency: int, messages_per_conversation: int, max_seconds: float,
             progress=None) -> LoadResult:
    """`concurrency` conversations in parallel, each asking in turn; bounded in count and time."""
    latencies: List[float] = []
    errors = unanswered = 0
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds

    def conversation(index: int) -> None:
        nonlocal errors, unanswered
        sender = f"bench-{uuid.uuid4().hex}"
        ask(port, sender, "/greet")  # session start outside the measurement
        for turn in range(messages_per_conversation):
            if time.monotonic() > deadline:
                return
            message = QUESTIONS[(index + turn) % len(QUESTIONS)]
            started = time.perf_counter()
            try:
                replies = ask(port, sender, message)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    if not any(r.get("text") for r in replies):
                        unanswered += 1
            except Exception:  # noqa: BLE001 - counted, the benchmark goes on
                with lock:
                    errors += 1
            if progress is not None:
                progress.update(1)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(conversation, range(concurrency)))
    seconds = time.perf_counter() - started
    return LoadResult(concurrency, len(latencies) + errors, seconds, latencies, errors, unanswered)


def peak_rss_mb(pid: int) -> float:
    """Peak resident set size of a process and its children (VmHWM), in MB."""
    total = 0.0
    pids = [pid] + _children(pid)
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children so far (/proc), in seconds."""
    total = 0.0
    for p in [pid] + _children(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


def _children(pid: int) -> List[int]:
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    except OSError:
        return []
    result = [int(p) for p in out]
    for child in list(result):
        result += _children(child)
    return result


def time_training(out: Path) -> tuple:
    """Full retrain from scratch into a temporary directory: (seconds, peak RSS MB)."""
    cmd = [rasa_executable(), "train", "--config", "config.yml", "--domain", "domain.yml",
           "--data", *training_data(GENERATED_DIR), "--out", str(out), "--force"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    subprocess.run(cmd, cwd=ROOT, env=rasa_env(), check=True, capture_output=True)
    seconds = time.monotonic() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, (peak_kb if peak_kb > before else before) / 1024


def edit_to_answer(settings: Settings, port: int, timeout: float = 30.0) -> float:
    """Change the passport fee in the bench database; seconds until the bot says the new fee."""
    from bot.catalogue.store import CatalogueStore

    store = CatalogueStore(settings.database_url)
    passport = store.get("service", "cap_ho_chieu_pho_thong")
    first = passport.fees.items[0]
    edited_item = first.copy(update={"standard": [first.standard[0].copy(update={"amount": 123000})]})
    edited = passport.copy(update={"fees": passport.fees.copy(update={"items": [edited_item, *passport.fees.items[1:]]})})
    started = time.monotonic()
    store.put("service", edited, "benchmark", "time from an edit to the answer")
    while time.monotonic() - started < timeout:
        text = " ".join(r.get("text", "") for r in ask(port, f"edit-{uuid.uuid4().hex}", "làm hộ chiếu hết bao nhiêu tiền"))
        if "123.000 đồng" in text:
            return time.monotonic() - started
        time.sleep(0.1)
    raise RuntimeError("the answer did not change within the timeout")


def machine() -> Dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {
        "cpu": cpu, "cores": str(os.cpu_count()), "memory": memory,
        "python": platform.python_version(), "os": platform.platform(), "commit": commit or "unknown",
    }


def turn_costs(port: int, turns: int = 100, around: tuple = (1, 20, 100), width: int = 5) -> Dict[int, float]:
    """p50 latency of one conversation's messages around turns 1, 20 and 100:
    the cost per message must not grow with the conversation's length."""
    sender = f"long-{uuid.uuid4().hex}"
    latencies: List[float] = []
    for turn in range(turns):
        started = time.perf_counter()
        ask(port, sender, QUESTIONS[turn % len(QUESTIONS)])
        latencies.append((time.perf_counter() - started) * 1000)
    result = {}
    for turn in around:
        window = sorted(latencies[max(0, turn - width): turn + width - 1] if turn > 1 else latencies[:width])
        result[turn] = window[len(window) // 2]
    return result


# our components and the Rasa classes they extend
STOCK_CLASSES = {
    "bot.policy.RecentTurnsRulePolicy": "RulePolicy",
    "bot.nlu.faq_selector.FaqResponseSelector": "ResponseSelector",
}
STOCK_ENDPOINTS = """action_endpoint:
  url: ${ACTION_ENDPOINT_URL}
tracker_store:
  type: SQL
  url: ${TRACKER_STORE_URL}
lock_store:
  type: in_memory
"""
STOCK_CREDENTIALS = "rest:\n"


def stock_files(out: Path) -> Dict[str, Path]:
    """config.yml, endpoints and credentials for the bot as Rasa ships it."""
    config = (ROOT / "config.yml").read_text(encoding="utf-8")
    for ours, rasa in STOCK_CLASSES.items():
        if f"name: {ours}\n" not in config:
            raise ValueError(f"config.yml no longer names {ours}: update STOCK_CLASSES")
        config = config.replace(f"name: {ours}\n", f"name: {rasa}\n")
    out.mkdir(parents=True, exist_ok=True)
    files = {"config": (out / "config.yml", config), "endpoints": (out / "endpoints.yml", STOCK_ENDPOINTS),
             "credentials": (out / "credentials.yml", STOCK_CREDENTIALS)}
    for path, text in files.values():
        path.write_text(text, encoding="utf-8")
    return {name: path for name, (path, _) in files.items()}


def run_stock(var_dir: Path, per_conversation: int, turns: int, around: tuple) -> StockResult:
    """Train (Rasa's cache reuses every unchanged component) and load the stock bot."""
    from dataclasses import replace

    from tools.supervisor import components, rasa_component
    from tools.training import train as train_model

    files = stock_files(var_dir / "stock-config")
    settings = replace(isolated_settings(var_dir / "stock"), rate_limit_per_minute=1_000_000)
    model = train_model(settings, config=str(files["config"]), model_dir=var_dir / "stock-model")
    parts = [c for c in components(settings, model) if c.name in ("catalogue service", "action server")]
    parts.append(rasa_component(settings, model, settings.rasa_port, endpoints=str(files["endpoints"]),
                                credentials=str(files["credentials"])))
    stack = Stack(settings, parts=parts, env={"BOT_RASA_PATCHES": "0"})
    stack.start()
    try:
        for _ in range(3):
            ask(settings.rasa_port, f"warm-{uuid.uuid4().hex}", QUESTIONS[0])
        load = run_load(settings.rasa_port, 10, per_conversation, 120.0)
        turn_p50 = turn_costs(settings.rasa_port, turns=turns, around=around)
        rss = peak_rss_mb(stack.process("Rasa server").pid)
    finally:
        stack.stop()
    return StockResult(load, turn_p50, rss)


def run(var_dir: Path, quick: bool = False, train: bool = True, stock: bool = True) -> BenchResult:
    from dataclasses import replace

    from tqdm import tqdm

    # one sender asks 100 questions in a row here: no per-sender rate limit
    settings = replace(isolated_settings(var_dir), rate_limit_per_minute=1_000_000)
    result = BenchResult(machine=machine())
    plan = [(1, 6 if quick else 40), (10, 4 if quick else 20), (50, 2 if quick else 6)]
    stack = Stack(settings, model_path(settings.model_dir))
    stack.start()
    try:
        port = settings.rasa_port
        for _ in range(3):  # warm-up: first parses load TensorFlow kernels
            ask(port, f"warm-{uuid.uuid4().hex}", QUESTIONS[0])
        pids = {c.name: p.pid for c, p in zip(stack.components, stack.processes)}
        with tqdm(total=sum(c * n for c, n in plan), desc="bench", unit="msg") as progress:
            for concurrency, per_conversation in plan:
                before = {name: cpu_seconds(pid) for name, pid in pids.items()}
                result.loads.append(run_load(port, concurrency, per_conversation, 120.0, progress))
                if concurrency == 10:
                    result.cpu_ms_per_message = {
                        name: (cpu_seconds(pid) - before[name]) * 1000 / max(1, result.loads[-1].messages)
                        for name, pid in pids.items()}
        turns, around = (30, (1, 20, 30)) if quick else (100, (1, 20, 100))
        result.turn_p50_ms = turn_costs(port, turns=turns, around=around)
        result.rasa_rss_mb = peak_rss_mb(pids["Rasa server"])
        result.actions_rss_mb = peak_rss_mb(pids["action server"])
        result.edit_to_answer_seconds = edit_to_answer(settings, port)
    finally:
        stack.stop()
    if stock:
        result.stock = run_stock(var_dir, dict(plan)[10], turns, around)
    if train:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            result.train_seconds, result.train_rss_mb = time_training(Path(tmp))
    return result


def check_targets(result: BenchResult) -> Dict[str, bool]:
    at_10 = next((l for l in result.loads if l.concurrency == 10), None)
    return {
        "p95_ms_at_10": bool(at_10) and at_10.percentile(95) <= TARGETS["p95_ms_at_10"] and at_10.errors == 0,
        "messages_per_second": max((l.throughput for l in result.loads), default=0) >= TARGETS["messages_per_second"],
        "train_seconds": result.train_seconds is not None and result.train_seconds <= TARGETS["train_seconds"],
        "rasa_rss_mb": result.rasa_rss_mb <= TARGETS["rasa_rss_mb"],
    }


def summary(result: BenchResult) -> str:
    lines = ["| concurrent conversations | messages | p50 ms | p95 ms | p99 ms | messages/s | errors | unanswered |",
             "|---|---|---|---|---|---|---|---|"]
    for load in result.loads:
        lines.append(
            f"| {load.concurrency} | {load.messages} | {load.percentile(50):.0f} | {load.percentile(95):.0f} | "
            f"{load.percentile(99):.0f} | {load.throughput:.1f} | {load.errors} | {load.unanswered} |"
        )
    return "\n".join(lines)
