"""Every text of the UI is translated into Finnish and Swedish."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src" / "kaiku" / "locale"
_ENTRY = re.compile(r'^(#, fuzzy\n)?(?:#.*\n)*msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', re.M)


def _untranslated(po: Path) -> list[str]:
    problems = []
    for match in _ENTRY.finditer(po.read_text(encoding="utf-8")):
        msgid = "".join(re.findall(r'"(.*)"', match.group(2)))
        msgstr = "".join(re.findall(r'"(.*)"', match.group(3)))
        if msgid and (not msgstr or match.group(1)):
            problems.append(msgid)
    return problems


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_catalogue_is_complete(language: str) -> None:
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert _untranslated(po) == []
    mo = po.with_suffix(".mo")
    assert mo.stat().st_mtime >= po.stat().st_mtime - 1, "run `make messages` to compile"
