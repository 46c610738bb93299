"""Settings from the environment, the health check and the CLI's guards."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client


def _python(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "KAIKU_ENV")}
    base.update({"KAIKU_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "kaiku.settings"})
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], env=base, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _python("import django; django.setup()", tmp_path, KAIKU_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_outside_production_a_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    code = "from django.conf import settings; print(settings.SECRET_KEY, settings.DEBUG)"
    first = _python(code, tmp_path)
    second = _python(code, tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert first.stdout.split()[1] == "False"  # DEBUG is off unless asked for
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_without_a_broker_tasks_run_in_process(tmp_path: Path) -> None:
    code = "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER)"
    assert _python(code, tmp_path).stdout.strip() == "True"
    with_broker = _python(code, tmp_path, CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert with_broker.stdout.strip() == "False"


def test_worker_needs_a_broker(tmp_path: Path) -> None:
    kaiku = Path(sys.executable).with_name("kaiku")
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    result = subprocess.run([str(kaiku), "worker"], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "CELERY_BROKER_URL" in result.stderr


@pytest.mark.django_db
def test_health_answers_ok() -> None:
    answer = Client().get("/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


@pytest.mark.django_db
def test_pages_send_a_content_security_policy() -> None:
    answer = Client().get("/accounts/login/")
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
