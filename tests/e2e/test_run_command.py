"""`python -m bot run` (what `make run` calls): starts, says where, stops on SIGTERM."""

import os
import signal
import subprocess
import sys
import time
import urllib.request

from tests.support import ROOT, free_port


def test_run_prints_addresses_and_sigterm_stops_every_child(tmp_path, trained_model):
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "CATALOGUE_PORT": free_port(), "WEB_PORT": free_port()}
    env = dict(os.environ, BOT_VAR_DIR=str(tmp_path), **{k: str(v) for k, v in ports.items()})
    env.pop("CATALOGUE_URL", None)
    env.pop("DATABASE_URL", None)
    env.pop("TRACKER_STORE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines = []
    deadline = time.monotonic() + 400
    try:
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Ready") or time.monotonic() > deadline:
                break
        output = "".join(lines)
        assert "Ready" in output, output[-3000:]
        assert f":{ports['RASA_PORT']}/webhooks/rest/webhook" in output
        assert f":{ports['ACTION_PORT']}/webhook" in output
        assert f":{ports['CATALOGUE_PORT']}" in output
        with urllib.request.urlopen(f"http://127.0.0.1:{ports['CATALOGUE_PORT']}/health", timeout=5) as r:
            assert r.status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    for port in ports.values():
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            raise AssertionError(f"port {port} still answers after SIGTERM")
        except OSError:
            pass
