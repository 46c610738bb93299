"""Static files that come from installed packages rather than from our apps."""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage
from django.core.files.storage import FileSystemStorage


class PlotlyFinder(BaseFinder):
    """The plotly package's own plotly.min.js, served as vendor/plotly.min.js: the
    charts load it from the app, never from a CDN, and nothing else of the package's
    data is copied."""

    served = "vendor/plotly.min.js"

    def _storage(self) -> FileSystemStorage:
        import plotly

        storage = FileSystemStorage(location=Path(plotly.__file__).parent / "package_data")
        storage.prefix = "vendor"  # type: ignore[attr-defined]
        return storage

    def find(  # type: ignore[override]
        self, path: str, find_all: bool = False, **kwargs: Any
    ) -> str | Sequence[str]:
        if path != self.served:
            return [] if find_all else ""
        found = self._storage().path("plotly.min.js")
        return [found] if find_all else found

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        yield "plotly.min.js", self._storage()

    def check(self, **kwargs: Any) -> builtins.list[CheckMessage]:
        return []
