"""Create the project's virtual environment with a Python 3.10.

Rasa Open Source 3.6 supports Python 3.8-3.10 only, while the machines we
deploy on usually have a newer Python on PATH.  This script runs under any
Python 3 (standard library only), finds a 3.10, creates `.venv` and installs
the pinned dependencies from `requirements.lock`.

It also installs the web widget's assets (`npm ci` in web/, served locally,
no CDN) and, with --browser, Debian's Chromium for the browser tests.

Usage: python3 bot/bootstrap.py [--venv .venv] [--browser]
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterable, List, Optional

ROOT = Path(__file__).resolve().parent.parent
LOCK_FILE = ROOT / "requirements.lock"
WEB = ROOT / "web"
CHROMIUM = "/usr/bin/chromium"
WANTED = (3, 10)

HOW_TO_GET_PYTHON = """\
No Python 3.10 was found, and Rasa 3.6 runs on Python 3.8-3.10 only.
Install one, then run the command again. For example:
  - Debian/Ubuntu:  sudo apt-get install python3.10 python3.10-venv
  - pyenv:          pyenv install 3.10
  - or point PYTHON310 at an interpreter:  PYTHON310=/path/to/python3.10 make test
"""


def candidates() -> Iterable[str]:
    """Interpreters to try, most explicit first."""
    explicit = os.environ.get("PYTHON310")
    if explicit:
        yield explicit
    on_path = shutil.which("python3.10")
    if on_path:
        yield on_path
    pyenv_root = os.environ.get("PYENV_ROOT") or _pyenv_root()
    if pyenv_root:
        yield from sorted(
            glob.glob(os.path.join(pyenv_root, "versions", "3.10.*", "bin", "python3.10")),
            reverse=True,
        )


def _pyenv_root() -> Optional[str]:
    pyenv = shutil.which("pyenv")
    if pyenv:
        try:
            out = subprocess.run([pyenv, "root"], capture_output=True, text=True, timeout=20)
            if out.returncode == 0 and out.stdout.strip():
                return out.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    home_default = Path.home() / ".pyenv"
    return str(home_default) if home_default.is_dir() else None


def works_as_310(executable: str) -> bool:
    """A pyenv shim may exist on PATH yet refuse to run; so run it."""
    try:
        out = subprocess.run(
            [executable, "-c", "import sys, venv; print(sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and out.stdout.strip() == str(WANTED)


def find_python310() -> Optional[str]:
    for candidate in candidates():
        if works_as_310(candidate):
            return candidate
    return None


def lock_digest() -> str:
    return hashlib.sha256(LOCK_FILE.read_bytes()).hexdigest()


def run(cmd: List[str]) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def ensure_web_assets() -> int:
    """`npm ci` in web/ when package-lock.json changed since the last install."""
    lock = WEB / "package-lock.json"
    stamp = WEB / "node_modules" / ".installed"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == digest:
        return 0
    npm = shutil.which("npm")
    if npm is None:
        sys.stderr.write("npm was not found; install Node.js 18+ (Debian: apt-get install nodejs npm).\n")
        return 2
    run([npm, "ci", "--prefix", str(WEB), "--no-audit", "--no-fund", "--loglevel=error"])
    stamp.write_text(digest + "\n")
    return 0


def ensure_chromium() -> int:
    """Debian's Chromium for the browser tests (a test tool's own download cannot work here)."""
    if Path(CHROMIUM).exists():
        return 0
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        sys.stderr.write(f"{CHROMIUM} is missing; install Debian's chromium package (sudo apt-get install chromium).\n")
        return 2
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"], check=True, env=env)
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", default=str(ROOT / ".venv"))
    parser.add_argument("--browser", action="store_true", help="only make sure Chromium is installed")
    args = parser.parse_args(argv)
    if args.browser:
        return ensure_chromium()
    venv = Path(args.venv)
    stamp = venv / ".installed"
    if stamp.exists() and stamp.read_text().strip() == lock_digest():
        print(f"Environment {venv} is up to date.")
        return ensure_web_assets()

    python = find_python310()
    if python is None:
        sys.stderr.write(HOW_TO_GET_PYTHON)
        return 2
    print(f"Using {python}")
    venv_python = venv / "bin" / "python"
    if not venv_python.exists() or not works_as_310(str(venv_python)):
        shutil.rmtree(venv, ignore_errors=True)
        run([python, "-m", "venv", str(venv)])
    run([str(venv_python), "-m", "pip", "install", "--quiet", "--upgrade", "pip<25"])
    run([str(venv_python), "-m", "pip", "install", "--quiet", "-r", str(LOCK_FILE)])
    run([str(venv_python), "-m", "pip", "check"])
    stamp.write_text(lock_digest() + "\n")
    print(f"Environment {venv} is ready.")
    return ensure_web_assets()


if __name__ == "__main__":
    sys.exit(main())
