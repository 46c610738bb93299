"""The analysis engine, loaded once per process and shared by every task in it, and
each organisation's adapted polarity layer, loaded when it changes."""

from __future__ import annotations

import functools
import threading

from kaiku.analysis.adaptation import PolarityAdapter
from kaiku.analysis.analyzer import Analyzer
from kaiku.analysis.lexicon import Taxonomy

_adapters: dict[int, tuple[str, PolarityAdapter | None]] = {}
_lock = threading.Lock()


@functools.cache
def analyzer() -> Analyzer:
    return Analyzer()


def for_organisation(organisation_id: int) -> tuple[str, PolarityAdapter | None]:
    """The model version an organisation's analyses carry, and its layer if it has one."""
    from kaiku.textanalysis.models import OrganisationModel

    base = analyzer().version
    found = (
        OrganisationModel.objects.filter(organisation_id=organisation_id, base_version=base)
        .only("base_version", "trained_at", "kept")
        .first()
    )
    if found is None or not found.kept:
        return base, None
    version = found.version
    with _lock:
        cached = _adapters.get(organisation_id)
        if cached and cached[0] == version:
            return cached
    data = OrganisationModel.objects.filter(pk=found.pk).values_list("adapter", flat=True).get()
    adapter = PolarityAdapter.from_bytes(bytes(data)) if data else None
    with _lock:
        _adapters[organisation_id] = (version, adapter)
    return version, adapter


_taxonomies: dict[int, tuple[tuple, Taxonomy]] = {}


def taxonomy_for(organisation_id: int) -> Taxonomy:
    """The default themes as the organisation changed them (OrganisationTheme)."""
    from django.db.models import Count, Max

    from kaiku.textanalysis.models import OrganisationTheme

    rows = OrganisationTheme.objects.filter(organisation_id=organisation_id)
    stamp = tuple(rows.aggregate(n=Count("pk"), at=Max("updated_at")).values())
    with _lock:
        cached = _taxonomies.get(organisation_id)
        if cached and cached[0] == stamp:
            return cached[1]
    if not stamp[0]:
        taxonomy = analyzer().taxonomy
    else:
        taxonomy = Taxonomy(effective_themes(analyzer().taxonomy.themes, list(rows)))
    with _lock:
        _taxonomies[organisation_id] = (stamp, taxonomy)
    return taxonomy


def effective_themes(defaults: dict, rows: list) -> dict:
    themes = {
        key: {"name": dict(t["name"]), "terms": dict(t["terms"])} for key, t in defaults.items()
    }
    for row in rows:
        if not row.active:
            themes.pop(row.key, None)
            continue
        theme = themes.setdefault(row.key, {"name": {}, "terms": {}})
        theme["name"].update({lang: name for lang, name in row.names.items() if name})
        theme["terms"].update(row.terms)
    return themes
