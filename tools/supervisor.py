"""Start the whole stack in the foreground and keep it running.

    browser -- web page (8000) -- chat widget --socket.io/REST--> Rasa server (5005)
    Rasa server --webhook--> action server (5055) --HTTP--> catalogue service (8010)

Each process is started in dependency order and waited for until its health
URL answers.  A process that dies is restarted, with a backoff that doubles
from 1 s up to 60 s (and resets once it has run for a minute); every restart
is logged.  Only Ctrl-C or SIGTERM stops everything.  Once a day (and at
start) conversations older than RETENTION_DAYS are deleted.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, List, Optional

from bot.config import ROOT, Settings
from tools.training import model_path, rasa_env

logger = logging.getLogger("supervisor")

BACKOFF_START = 1.0
BACKOFF_MAX = 60.0
HEALTHY_AFTER = 60.0  # seconds of running that reset the backoff
RETENTION_EVERY = 24 * 3600.0


@dataclass
class Component:
    name: str
    argv: List[str]
    health_url: str
    public_url: str
    start_timeout: float


@dataclass
class Running:
    component: Component
    process: subprocess.Popen
    started_at: float = field(default_factory=time.monotonic)
    backoff: float = BACKOFF_START
    restarts: int = 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_settings(var_dir: Path) -> Settings:
    """Settings for a throw-away stack (tests, benchmarks): free ports and
    databases under `var_dir`, so it never disturbs a running `make run`.
    Every message comes from loopback there, so the per-client rate limit is
    lifted (the per-sender one stays)."""
    base = Settings.from_env()
    catalogue_port = free_port()
    return replace(
        base,
        rasa_port=free_port(), action_port=free_port(), catalogue_port=catalogue_port, web_port=free_port(),
        staff_port=free_port(),
        catalogue_url=f"http://127.0.0.1:{catalogue_port}",
        database_url=f"sqlite:///{var_dir / 'catalogue.db'}",
        tracker_store_url=f"sqlite:///{var_dir / 'tracker.db'}",
        var_dir=var_dir,
        client_rate_limit_per_minute=1_000_000,
    )


_STACK_TOKEN = secrets.token_urlsafe(32)


def stack_env(settings: Settings) -> Dict[str, str]:
    """Environment for every child, derived from `settings`.

    It fills in endpoints.yml's ${...} variables, so the children agree on
    ports and databases whatever the caller's environment held.
    """
    env = rasa_env()
    env.update(
        # one token per stack unless set: Rasa's HTTP API is on only behind it (model activation)
        RASA_API_TOKEN=settings.rasa_api_token or _STACK_TOKEN,
        RASA_ADMIN_URLS=",".join(settings.rasa_admin_urls) if os.environ.get("RASA_ADMIN_URLS")
        else f"http://127.0.0.1:{settings.rasa_port}",
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{settings.action_port}/webhook",
        TRACKER_STORE_URL=settings.tracker_store_url,
        LOCK_STORE_TYPE=settings.lock_store_type,
        RASA_PORT=str(settings.rasa_port),
        ACTION_PORT=str(settings.action_port),
        CATALOGUE_PORT=str(settings.catalogue_port),
        WEB_PORT=str(settings.web_port),
        STAFF_PORT=str(settings.staff_port),
        STAFF_HOST=settings.staff_host,
        CATALOGUE_URL=settings.catalogue_url,
        CATALOGUE_TIMEOUT=str(settings.catalogue_timeout),
        DATABASE_URL=settings.database_url,
        BOT_VAR_DIR=str(settings.var_dir),
        BOT_DATA_DIR=str(settings.data_dir),
        MAX_MESSAGE_CHARS=str(settings.max_message_chars),
        MAX_BODY_BYTES=str(settings.max_body_bytes),
        RATE_LIMIT_PER_MINUTE=str(settings.rate_limit_per_minute),
        CLIENT_RATE_LIMIT_PER_MINUTE=str(settings.client_rate_limit_per_minute),
    )
    if settings.today:
        env["BOT_TODAY"] = settings.today.isoformat()
    for key, default in {"REDIS_HOST": "localhost", "REDIS_PORT": "6379", "REDIS_DB": "1"}.items():
        env[key] = env.get(key) or default
    return env


def rasa_component(settings: Settings, model: Path, port: int, name: str = "Rasa server",
                   endpoints: str = "endpoints.yml", credentials: str = "credentials.yml") -> Component:
    host = settings.host
    return Component(
        name,
        [
            sys.executable, "-m", "bot", "rasa", "run",
            "--model", str(model),
            "--interface", host,
            "--port", str(port),
            "--credentials", credentials,
            "--endpoints", endpoints,
            # the web page (another port) may call the REST channel
            "--cors", *web_origins(settings),
        ],
        f"http://127.0.0.1:{port}/",
        f"http://{host}:{port}/webhooks/rest/webhook (REST), http://{host}:{port}/socket.io (socket.io)",
        300,
    )


def components(settings: Settings, model: Optional[Path] = None) -> List[Component]:
    python = sys.executable
    model = model or served_model(settings)
    host = settings.host
    return [
        Component(
            "catalogue service",
            [python, "-m", "bot", "catalogue", "serve"],
            f"http://127.0.0.1:{settings.catalogue_port}/health",
            f"http://{host}:{settings.catalogue_port}",
            60,
        ),
        Component(
            "action server",
            [python, "-m", "bot", "actions", "--actions", "actions",
             "--port", str(settings.action_port)],
            f"http://127.0.0.1:{settings.action_port}/health",
            f"http://{host}:{settings.action_port}/webhook",
            120,
        ),
        rasa_component(settings, model, settings.rasa_port),
        Component(
            "staff app",
            [python, "-m", "bot", "staff", "serve"],
            f"http://127.0.0.1:{settings.staff_port}/healthz",
            f"http://{'localhost' if settings.staff_host == '127.0.0.1' else settings.staff_host}:{settings.staff_port}/"
            " (staff workspace; internal interface only)",
            60,
        ),
        Component(
            "web page",
            [python, "-m", "bot", "web", "serve"],
            f"http://127.0.0.1:{settings.web_port}/healthz",
            f"http://{'localhost' if host == '127.0.0.1' else host}:{settings.web_port}/ "
            f"(guides: /huong-dan)",
            60,
        ),
    ]


def served_model(settings: Settings) -> Path:
    """The model last activated in the staff app, else the one `make train` built."""
    from bot.staff.models import Registry

    return Registry(settings.database_url, model_path(settings.model_dir)).active()


def web_origins(settings: Settings) -> List[str]:
    origins = {f"http://{h}:{settings.web_port}" for h in ("127.0.0.1", "localhost", settings.host)}
    extra = os.environ.get("WEB_PUBLIC_ORIGIN", "").strip()
    if extra:
        origins.add(extra.rstrip("/"))
    return sorted(origins)


def wait_healthy(url: str, process: subprocess.Popen, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    return False


def _kill(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


class Stack:
    def __init__(self, settings: Settings, model: Optional[Path] = None,
                 parts: Optional[List[Component]] = None, log_dir: Optional[Path] = None,
                 env: Optional[Dict[str, str]] = None) -> None:
        self.settings = settings
        self.components = parts if parts is not None else components(settings, model)
        self.running: List[Running] = []
        self.env = {**stack_env(settings), **(env or {})}
        self.log_dir = log_dir  # each process's output to <name>.log there (default: this terminal)

    @property
    def processes(self) -> List[subprocess.Popen]:
        """The current process of each component, in start order."""
        return [r.process for r in self.running]

    def process(self, name: str) -> subprocess.Popen:
        return next(r.process for r in self.running if r.component.name == name)

    def _spawn(self, component: Component) -> subprocess.Popen:
        output = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = open(self.log_dir / f"{component.name.replace(' ', '-')}.log", "ab")  # noqa: SIM115
        process = subprocess.Popen(component.argv, cwd=ROOT, env=self.env, start_new_session=True,
                                   stdout=output, stderr=subprocess.STDOUT if output else None)
        if output is not None:
            output.close()  # the child holds its own copy
        return process

    def start(self) -> None:
        self.settings.var_dir.mkdir(parents=True, exist_ok=True)
        for component in self.components:
            print(f"Starting {component.name} ...", flush=True)
            process = self._spawn(component)
            self.running.append(Running(component, process))
            if not wait_healthy(component.health_url, process, component.start_timeout):
                self.stop()
                raise RuntimeError(f"{component.name} did not start (see its log above)")
            print(f"  {component.name} listening on {component.public_url}", flush=True)

    def restart_dead(self, now: Optional[float] = None) -> List[str]:
        """Restart every component whose process has exited, once its backoff has passed."""
        now = time.monotonic() if now is None else now
        restarted = []
        for entry in self.running:
            code = entry.process.poll()
            if code is None:
                if now - entry.started_at >= HEALTHY_AFTER:
                    entry.backoff = BACKOFF_START
                continue
            if not hasattr(entry, "died_at"):
                entry.died_at = now  # type: ignore[attr-defined]
                print(f"{entry.component.name} exited with code {code}; restarting in {entry.backoff:.0f} s.",
                      flush=True)
            if now - entry.died_at < entry.backoff:  # type: ignore[attr-defined]
                continue
            entry.process = self._spawn(entry.component)
            entry.started_at = now
            entry.restarts += 1
            entry.backoff = min(BACKOFF_MAX, entry.backoff * 2)
            del entry.died_at  # type: ignore[attr-defined]
            print(f"{entry.component.name} restarted (restart {entry.restarts}).", flush=True)
            restarted.append(entry.component.name)
        return restarted

    def stop(self) -> None:
        for entry in reversed(self.running):
            if entry.process.poll() is None:
                _kill(entry.process, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for entry in reversed(self.running):
            try:
                entry.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _kill(entry.process, signal.SIGKILL)
                entry.process.wait()
        self.running.clear()

    def wait(self) -> int:
        """Keep the stack up (restarting what dies) until a signal arrives; then stop it all."""
        stopping = {"signal": None}

        def on_signal(signum, frame):  # noqa: ARG001 - signal API
            stopping["signal"] = signum

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        done = threading.Event()
        retention = threading.Thread(target=self._retention_job, args=(done,), daemon=True)
        retention.start()
        try:
            while stopping["signal"] is None:
                self.restart_dead()
                time.sleep(0.5)
            print("Stopping ...", flush=True)
            return 0
        finally:
            done.set()
            self.stop()

    def supervise(self, done: threading.Event, every: float = 0.2) -> None:
        """Restart what dies until `done` is set (what `wait` does, for a thread)."""
        while not done.is_set():
            self.restart_dead()
            done.wait(every)

    def _retention_job(self, done: threading.Event) -> None:
        from bot.tracker_store import purge

        next_run = time.monotonic()
        while not done.is_set():
            if time.monotonic() >= next_run:
                try:
                    purge(self.settings.tracker_store_url, self.settings.retention_days)
                except Exception as error:  # noqa: BLE001 - logged; the stack goes on
                    print(f"Retention job failed: {error}", flush=True)
                next_run = time.monotonic() + RETENTION_EVERY
            done.wait(1)


def _interrupt(signum, frame):  # noqa: ARG001 - signal API
    raise KeyboardInterrupt


def run(settings: Settings) -> int:
    stack = Stack(settings)
    # Until wait() takes over, a signal interrupts start-up; stop what started.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        stack.start()
    except RuntimeError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; stopping ...", flush=True)
        stack.stop()
        return 130
    print("Ready. Try:", flush=True)
    print(
        f"  curl -s -X POST http://127.0.0.1:{settings.rasa_port}/webhooks/rest/webhook "
        "-H 'Content-Type: application/json' "
        "-d '{\"sender\":\"a\",\"message\":\"làm hộ chiếu hết bao nhiêu tiền\"}'",
        flush=True,
    )
    print("Press Ctrl-C to stop.", flush=True)
    return stack.wait()
