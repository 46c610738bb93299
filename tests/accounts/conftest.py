"""Sign-in security tests run with both gates on (the suite's conftest turns them off)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _sign_in_gates_on(settings: Any) -> None:
    settings.KAIKU_REQUIRE_2FA = True
    settings.AXES_ENABLED = True
