"""Start the whole stack in the foreground: catalogue, action server, Rasa.

    browser -- web page (8000) -- chat widget --socket.io/REST--> Rasa server (5005)
    Rasa server --webhook--> action server (5055) --HTTP--> catalogue service (8010)

Each process is started in dependency order and waited for until its health
URL answers; Ctrl-C or SIGTERM stops them all, and if one dies the others are
stopped too, so nothing is left half-running.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, List, Optional

from bot.config import ROOT, Settings
from tools.training import model_path, rasa_env, rasa_executable


@dataclass
class Component:
    name: str
    argv: List[str]
    health_url: str
    public_url: str
    start_timeout: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_settings(var_dir: Path) -> Settings:
    """Settings for a throw-away stack (tests, benchmarks): free ports and
    databases under `var_dir`, so it never disturbs a running `make run`."""
    base = Settings.from_env()
    catalogue_port = free_port()
    return replace(
        base,
        rasa_port=free_port(), action_port=free_port(), catalogue_port=catalogue_port, web_port=free_port(),
        catalogue_url=f"http://127.0.0.1:{catalogue_port}",
        database_url=f"sqlite:///{var_dir / 'catalogue.db'}",
        tracker_store_url=f"sqlite:///{var_dir / 'tracker.db'}",
        var_dir=var_dir,
    )


def stack_env(settings: Settings) -> Dict[str, str]:
    """Environment for every child, derived from `settings`.

    It fills in endpoints.yml's ${...} variables, so the children agree on
    ports and databases whatever the caller's environment held.
    """
    env = rasa_env()
    env.update(
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{settings.action_port}/webhook",
        TRACKER_STORE_URL=settings.tracker_store_url,
        LOCK_STORE_TYPE=settings.lock_store_type,
        RASA_PORT=str(settings.rasa_port),
        ACTION_PORT=str(settings.action_port),
        CATALOGUE_PORT=str(settings.catalogue_port),
        WEB_PORT=str(settings.web_port),
        CATALOGUE_URL=settings.catalogue_url,
        DATABASE_URL=settings.database_url,
        BOT_VAR_DIR=str(settings.var_dir),
        BOT_DATA_DIR=str(settings.data_dir),
    )
    if settings.today:
        env["BOT_TODAY"] = settings.today.isoformat()
    for key, default in {"REDIS_HOST": "localhost", "REDIS_PORT": "6379", "REDIS_DB": "1"}.items():
        env[key] = env.get(key) or default
    return env


def components(settings: Settings, model: Optional[Path] = None) -> List[Component]:
    python = sys.executable
    rasa = rasa_executable()  # the action server is rasa_sdk's, started by Rasa's CLI
    model = model or model_path(settings.model_dir)
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
            [rasa, "run", "actions", "--actions", "actions", "--port", str(settings.action_port)],
            f"http://127.0.0.1:{settings.action_port}/health",
            f"http://{host}:{settings.action_port}/webhook",
            120,
        ),
        Component(
            "Rasa server",
            [
                python, "-m", "bot", "rasa", "run",
                "--model", str(model),
                "--interface", host,
                "--port", str(settings.rasa_port),
                "--credentials", "credentials.yml",
                "--endpoints", "endpoints.yml",
                # the web page (another port) may call the REST channel
                "--cors", *web_origins(settings),
            ],
            f"http://127.0.0.1:{settings.rasa_port}/",
            f"http://{host}:{settings.rasa_port}/webhooks/rest/webhook (REST), "
            f"http://{host}:{settings.rasa_port}/socket.io (socket.io)",
            300,
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


class Stack:
    def __init__(self, settings: Settings, model: Optional[Path] = None) -> None:
        self.settings = settings
        self.components = components(settings, model)
        self.processes: List[subprocess.Popen] = []
        self.env = stack_env(settings)

    def start(self) -> None:
        self.settings.var_dir.mkdir(parents=True, exist_ok=True)
        for component in self.components:
            print(f"Starting {component.name} ...", flush=True)
            process = subprocess.Popen(component.argv, cwd=ROOT, env=self.env, start_new_session=True)
            self.processes.append(process)
            if not wait_healthy(component.health_url, process, component.start_timeout):
                self.stop()
                raise RuntimeError(f"{component.name} did not start (see its log above)")
            print(f"  {component.name} listening on {component.public_url}", flush=True)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 15
        for process in reversed(self.processes):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()
        self.processes.clear()

    def wait(self) -> int:
        """Block until a signal arrives or a child dies; then stop everything."""
        stopping = {"signal": None}

        def on_signal(signum, frame):  # noqa: ARG001 - signal API
            stopping["signal"] = signum

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        try:
            while stopping["signal"] is None:
                for component, process in zip(self.components, self.processes):
                    if process.poll() is not None:
                        print(f"{component.name} exited with code {process.returncode}; stopping.", flush=True)
                        return 1
                time.sleep(0.5)
            print("Stopping ...", flush=True)
            return 0
        finally:
            self.stop()


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
