"""`make scale-test`: Rasa's scaling model started for real, on loopback.

- PostgreSQL holds the tracker store (and the catalogue); Redis is the lock
  store; two Rasa replicas share them; nginx balances REST round-robin and
  keeps socket.io sticky (ip_hash).  Debian's packages are installed when
  missing (postgresql, redis-server, nginx), like Chromium for the browser
  tests.
- N conversations of M messages each, every conversation alternating between
  the two replicas message by message (REST), several conversations at once.
- Then every conversation's user events are read back from PostgreSQL: none
  lost, none out of order.
- Prints one JSON line: conversations, messages, lost, errors_5xx,
  out_of_order, p95_ms, msg_per_s.
"""

from __future__ import annotations

import dataclasses
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

from bot.config import Settings
from tools.supervisor import Component, Stack, free_port, isolated_settings, rasa_component, wait_healthy
from tools.training import model_path

QUESTIONS = [
    "làm hộ chiếu hết bao nhiêu tiền",
    "đăng ký tạm trú cần giấy tờ gì",
    "đk thường trú mất bao lâu",
    "làm lý lịch tư pháp ở đâu",
    "ko nhận đc otp",
    "đổi bằng lái cần giấy tờ gì",
]
PACKAGES = {"postgresql": "/usr/lib/postgresql/*/bin/postgres", "redis-server": "/usr/bin/redis-server",
            "nginx": "/usr/sbin/nginx"}


def ensure_packages() -> None:
    missing = [pkg for pkg, binary in PACKAGES.items() if not glob.glob(binary)]
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise SystemExit(f"Missing Debian packages {missing}; install them (sudo apt-get install {' '.join(missing)}).")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], check=True, env=env)


def _postgres_bin(name: str) -> str:
    return sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[-1]


def _as_postgres(argv: List[str], **kwargs) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + argv, check=True, capture_output=True, text=True, **kwargs)


@contextmanager
def postgres(tmp: Path) -> Iterator[str]:
    """A throw-away PostgreSQL on loopback; yields its base URL (user postgres, trust auth).

    Its data directory is its own (under the system's temporary directory):
    PostgreSQL runs as the postgres user, who cannot enter root's private dirs."""
    data = Path(tempfile.mkdtemp(prefix="bot-pgdata-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    port = free_port()
    _as_postgres([_postgres_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"])
    _as_postgres([_postgres_bin("pg_ctl"), "-D", str(data), "-l", str(data / "server.log"), "-w", "-o",
                  f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c max_connections=200", "start"])
    url = f"postgresql://postgres@127.0.0.1:{port}"
    try:
        for database in ("rasa", "catalogue"):
            _as_postgres([shutil.which("psql") or "psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                          "-c", f"CREATE DATABASE {database}"])
        yield url
    finally:
        _as_postgres([_postgres_bin("pg_ctl"), "-D", str(data), "-m", "fast", "stop"])
        shutil.rmtree(data, ignore_errors=True)


@contextmanager
def redis() -> Iterator[Tuple[int, subprocess.Popen]]:
    port = free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True).stdout.strip() == "PONG":
            break
        time.sleep(0.2)
    try:
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=20)


NGINX_CONF = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    client_max_body_size 64k;
    upstream rasa_rest {{ {servers} }}
    upstream rasa_socketio {{ ip_hash; {servers} }}
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    server {{
        listen 127.0.0.1:{port};
        location /socket.io/ {{
            proxy_pass http://rasa_socketio;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Forwarded-For $remote_addr;
        }}
        location / {{
            proxy_pass http://rasa_rest;
            proxy_set_header X-Forwarded-For $remote_addr;
        }}
    }}
}}
"""


@contextmanager
def nginx(tmp: Path, upstream_ports: List[int]) -> Iterator[int]:
    port = free_port()
    conf = tmp / "nginx.conf"
    servers = " ".join(f"server 127.0.0.1:{p};" for p in upstream_ports)
    conf.write_text(NGINX_CONF.format(tmp=tmp, servers=servers, port=port), encoding="utf-8")
    process = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(tmp)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def ask(port: int, sender: str, message: str, timeout: float = 60.0) -> Tuple[int, List[dict]]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, []


@dataclasses.dataclass
class Cluster:
    settings: Settings
    replicas: List[int]
    balancer: int
    stack: Stack
    redis: subprocess.Popen
    tracker_url: str


@contextmanager
def cluster(tmp: Path, model: Optional[Path] = None, replicas: int = 2) -> Iterator[Cluster]:
    """PostgreSQL + Redis + catalogue + action server + N Rasa replicas + nginx."""
    ensure_packages()
    model = model or model_path(Settings.from_env().model_dir)
    with postgres(tmp) as pg, redis() as (redis_port, redis_process):
        settings = dataclasses.replace(
            isolated_settings(tmp / "var"),
            database_url=f"{pg}/catalogue", tracker_store_url=f"{pg}/rasa", lock_store_type="redis",
        )
        ports = [settings.rasa_port] + [free_port() for _ in range(replicas - 1)]
        base = [c for c in Stack(settings, model).components if c.name in ("catalogue service", "action server")]
        parts: List[Component] = base + [
            rasa_component(settings, model, port, f"Rasa replica {i + 1}") for i, port in enumerate(ports)
        ]
        stack = Stack(settings, model, parts=parts, log_dir=tmp / "logs",
                      env={"REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis_port), "REDIS_DB": "1"})
        stack.start()
        try:
            with nginx(tmp, ports) as balancer:
                yield Cluster(settings, ports, balancer, stack, redis_process, f"{pg}/rasa")
        finally:
            stack.stop()


def run_load(c: Cluster, conversations: int, messages: int, concurrency: int = 10) -> Dict[str, object]:
    senders = [f"scale-{uuid.uuid4().hex[:12]}" for _ in range(conversations)]
    sent: Dict[str, List[str]] = {s: [] for s in senders}
    latencies: List[float] = []
    errors = 0
    lock = threading.Lock()

    def conversation(index: int) -> None:
        nonlocal errors
        sender = senders[index]
        for turn in range(messages):
            text = f"{QUESTIONS[(index + turn) % len(QUESTIONS)]} (câu {turn + 1})"
            port = c.replicas[turn % len(c.replicas)]  # every message to the other replica
            started = time.perf_counter()
            status, _ = ask(port, sender, text)
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                sent[sender].append(text)
                errors += status >= 500

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(conversation, range(conversations)))
    seconds = time.perf_counter() - started
    stored = stored_user_texts(c.tracker_url, senders)
    lost = sum(len([t for t in texts if t not in stored.get(s, [])]) for s, texts in sent.items())
    out_of_order = sum(1 for s, texts in sent.items() if [t for t in stored.get(s, []) if t in texts] != texts)
    ordered = sorted(latencies)
    return {
        "conversations": conversations, "messages": len(latencies), "lost": lost, "errors_5xx": errors,
        "out_of_order": out_of_order,
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1) if ordered else None,
        "msg_per_s": round(len(latencies) / seconds, 1),
    }


def stored_user_texts(url: str, senders: List[str]) -> Dict[str, List[str]]:
    import sqlalchemy as sa

    engine = sa.create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT sender_id, data FROM events WHERE type_name = 'user' AND sender_id = ANY(:s) "
                        "ORDER BY id"), {"s": senders}).all()
    finally:
        engine.dispose()
    stored: Dict[str, List[str]] = {}
    for sender, data in rows:
        stored.setdefault(sender, []).append(json.loads(data).get("text"))
    return stored


def main(conversations: int = 50, messages: int = 20) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        with cluster(Path(tmp)) as c:
            result = run_load(c, conversations, messages)
    print(json.dumps(result), flush=True)
    return 0 if result["lost"] == result["errors_5xx"] == result["out_of_order"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
