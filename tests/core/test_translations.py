"""Every text of the UI is translated into Finnish and Swedish."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src" / "kaiku" / "locale"
_STRING = re.compile(r'"(.*)"')


def _untranslated(po: Path) -> list[str]:
    """The msgids of entries with an empty translation (any plural form) or marked
    fuzzy, which compilemessages leaves out."""
    problems = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        parts: dict[str, str] = {}
        current = ""
        for line in lines:
            if line.startswith("#"):
                continue
            keyword, _, rest = line.partition(" ")
            if not line.startswith('"'):
                current = keyword
                parts[current] = ""
                line = rest
            parts[current] += "".join(_STRING.findall(line))
        msgid = parts.get("msgid", "")
        translations = [v for k, v in parts.items() if k.startswith("msgstr")]
        if msgid and (fuzzy or not translations or not all(translations)):
            problems.append(msgid)
    return problems


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_catalogue_is_complete(language: str) -> None:
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert _untranslated(po) == []
    mo = po.with_suffix(".mo")
    assert mo.stat().st_mtime >= po.stat().st_mtime - 1, "run `make messages` to compile"
