"""Retraining jobs and the models the bot can run.

"Huấn luyện lại" creates a job; `python -m tools retrain --job N` (its own
process, never the serving one) trains, scores the old and the new model,
and records the report and whether the new model passed the quality gate.
A reviewer activates a model that passed: Rasa's own `PUT /model` (behind
its auth token) on every Rasa server in `RASA_ADMIN_URLS`, which loads the
new model while the old one keeps answering.  The last `KEEP_MODELS`
models are kept, so a rollback is activating an older one.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence

import requests
import sqlalchemy as sa

from bot.config import ROOT
from bot.db import connect, utc_now
from bot.db.schema import models, retrain_jobs
from bot.staff.accounts import Permission, User
from bot.staff.workspace import Conflict, Forbidden, NotFound

logger = logging.getLogger(__name__)

KEEP_MODELS = 5
RUNNING = ("queued", "training", "scoring")
ACTIVATE_TIMEOUT = 300.0  # loading a model takes seconds; a busy machine, longer


@dataclass(frozen=True)
class Job:
    id: int
    status: str
    step: str
    requested_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    model_id: Optional[int]
    report: Optional[dict]
    error: Optional[str]

    @property
    def running(self) -> bool:
        return self.status in RUNNING


@dataclass(frozen=True)
class Model:
    id: int
    path: str
    source: str
    created_at: dt.datetime
    passed: bool
    active: bool
    activated_by: Optional[str]
    activated_at: Optional[dt.datetime]


def _job(row) -> Job:
    return Job(row.id, row.status, row.step, row.requested_by, row.created_at, row.updated_at, row.model_id,
               json.loads(row.report) if row.report else None, row.error)


def _model(row) -> Model:
    return Model(row.id, row.path, row.source, row.created_at, bool(row.passed), bool(row.active),
                 row.activated_by, row.activated_at)


class Registry:
    def __init__(self, database_url: str, baseline: Path) -> None:
        self.engine = connect(database_url)
        self.baseline = baseline  # the model `make train` builds, served until another is activated

    # -- jobs ------------------------------------------------------------------------

    def jobs(self, limit: int = 20) -> List[Job]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(retrain_jobs).order_by(retrain_jobs.c.id.desc()).limit(limit)).all()
        return [_job(r) for r in rows]

    def job(self, job_id: int) -> Job:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(retrain_jobs).where(retrain_jobs.c.id == job_id)).first()
        if row is None:
            raise NotFound(f"job {job_id}")
        return _job(row)

    def start(self, user: User, env: Optional[dict] = None) -> int:
        """A new job, run by its own process; refused while another one runs."""
        if not user.can(Permission.edit) and not user.can(Permission.publish):
            raise Forbidden("Dạ, vai trò của anh/chị không được phép huấn luyện lại.")
        if any(j.running for j in self.jobs(5)):
            raise Conflict("Dạ, đang có một lần huấn luyện chạy; vui lòng chờ nó xong.")
        now = utc_now()
        with self.engine.begin() as conn:
            job_id = conn.execute(retrain_jobs.insert().values(
                status="queued", step="Đang chờ bắt đầu", requested_by=user.email, created_at=now,
                updated_at=now)).inserted_primary_key[0]
        subprocess.Popen([sys.executable, "-m", "tools", "retrain", "--job", str(job_id)], cwd=ROOT, env=env,
                         start_new_session=True)
        return job_id

    def progress(self, job_id: int, status: str, step: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(retrain_jobs.update().where(retrain_jobs.c.id == job_id).values(
                status=status, step=step, updated_at=utc_now()))

    def finish(self, job_id: int, path: Optional[Path], report: dict, passed: bool) -> Optional[int]:
        model_id = self.register(path, f"retrain {job_id}", passed) if path else None
        with self.engine.begin() as conn:
            conn.execute(retrain_jobs.update().where(retrain_jobs.c.id == job_id).values(
                status="done", step="Xong" if passed else "Xong: mô hình mới không đạt ngưỡng chất lượng",
                updated_at=utc_now(), model_id=model_id, report=json.dumps(report, ensure_ascii=False)))
        return model_id

    def fail(self, job_id: int, error: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(retrain_jobs.update().where(retrain_jobs.c.id == job_id).values(
                status="failed", step="Lỗi khi huấn luyện", updated_at=utc_now(), error=error[-4000:]))

    # -- models ----------------------------------------------------------------------

    def models(self) -> List[Model]:
        with self.engine.connect() as conn:
            return [_model(r) for r in conn.execute(sa.select(models).order_by(models.c.id.desc()))]

    def model(self, model_id: int) -> Model:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(models).where(models.c.id == model_id)).first()
        if row is None:
            raise NotFound(f"model {model_id}")
        return _model(row)

    def active(self) -> Path:
        """The model Rasa serves: the last activated one, else `make train`'s."""
        with self.engine.connect() as conn:
            path = conn.execute(sa.select(models.c.path).where(models.c.active.is_(True))).scalar()
        return Path(path) if path and Path(path).exists() else self.baseline

    def register(self, path: Path, source: str, passed: bool) -> int:
        with self.engine.begin() as conn:
            return conn.execute(models.insert().values(
                path=str(path), source=source, created_at=utc_now(), passed=passed, active=False)
            ).inserted_primary_key[0]

    def activate(self, user: User, model_id: int, rasa_urls: Sequence[str], token: str) -> None:
        """Load the model into every Rasa server (Rasa's PUT /model), then mark it active."""
        if not user.can(Permission.publish):
            raise Forbidden("Dạ, chỉ người duyệt hoặc quản trị viên kích hoạt mô hình.")
        model = self.model(model_id)
        if not model.passed:
            raise Conflict("Dạ, mô hình này không đạt ngưỡng chất lượng nên không được kích hoạt.")
        if not Path(model.path).exists():
            raise Conflict("Dạ, tệp mô hình không còn trên máy chủ.")
        for url in rasa_urls:
            response = requests.put(f"{url.rstrip('/')}/model", params={"token": token},
                                    json={"model_file": str(Path(model.path).resolve())}, timeout=ACTIVATE_TIMEOUT)
            if response.status_code != 204:
                raise Conflict(f"Dạ, máy chủ trợ lý {url} chưa nạp được mô hình (HTTP {response.status_code}).")
        with self.engine.begin() as conn:
            conn.execute(models.update().values(active=False))
            conn.execute(models.update().where(models.c.id == model_id).values(
                active=True, activated_by=user.email, activated_at=utc_now()))
        self._prune()
        logger.info("Model %s (%s) activated by %s", model_id, model.path, user.email)

    def baseline_model(self) -> int:
        """The registry entry of `make train`'s model (created on first use), so it can be rolled back to."""
        with self.engine.begin() as conn:
            found = conn.execute(sa.select(models.c.id).where(models.c.source == "make train")).scalar()
            if found:
                return found
            return conn.execute(models.insert().values(
                path=str(self.baseline), source="make train", created_at=utc_now(), passed=True,
                active=not conn.execute(sa.select(models.c.id).where(models.c.active.is_(True))).first(),
            )).inserted_primary_key[0]

    def _prune(self) -> None:
        """Keep the newest KEEP_MODELS retrained models (and the active one); delete older files."""
        retrained = [m for m in self.models() if m.source != "make train"]
        for old in retrained[KEEP_MODELS:]:
            if old.active:
                continue
            Path(old.path).unlink(missing_ok=True)
            with self.engine.begin() as conn:
                conn.execute(models.delete().where(models.c.id == old.id))
