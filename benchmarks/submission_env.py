"""The settings both submission benchmarks run Kaiku under: a throwaway data folder,
production-like (DEBUG off), and rate limits lifted because one client address sends
everything."""

from __future__ import annotations

from pathlib import Path


def submission_env(workdir: Path, database_url: str = "") -> dict[str, str]:
    env = {
        "KAIKU_DATA_DIR": str(workdir),
        "DJANGO_SETTINGS_MODULE": "kaiku.settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "KAIKU_RATE_SUBMIT_PER_IP": "100000000/60",
        "KAIKU_RATE_SUBMIT_PER_SURVEY": "100000000/60",
        "KAIKU_MIN_FILL_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env
