"""What both submission benchmarks share: the settings Kaiku runs under (a throwaway
data folder, production-like with DEBUG off, rate limits lifted because one client
address sends everything), and the form answer they post."""

from __future__ import annotations

import re
import urllib.parse
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


def form_tokens(page: str) -> dict[str, str]:
    """The survey form page's CSRF token and signed start stamp."""
    fields = {}
    for name in ("csrfmiddlewaretoken", "started"):
        found = re.search(rf'name="{name}" value="([^"]+)"', page)
        if found is None:
            raise SystemExit(f"the form page has no {name} field")
        fields[name] = found.group(1)
    return fields


def form_answer(tokens: dict[str, str]) -> str:
    """The form's answer, urlencoded: an NPS and an ease score, the honeypot empty."""
    return urllib.parse.urlencode({**tokens, "q_nps": "8", "q_ease": "6", "website": ""})
