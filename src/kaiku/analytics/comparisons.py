"""Reads for comparing two slices of a journey — period against period, segment
against segment, or any two filter sets — per touchpoint and for the whole journey:
the differences in valence, NPS and the negative share, with intervals, p-values
and effect sizes, from the rollups' sums."""

from __future__ import annotations

from dataclasses import dataclass

from kaiku.analytics import stats
from kaiku.analytics.models import TouchpointDay
from kaiku.analytics.selectors import TOUCHPOINT_SUMS, Filters, minimum_n, sums_by
from kaiku.journeys.models import Touchpoint
from kaiku.journeys.selectors import journey_with_structure
from kaiku.organisations.models import Organisation

# Below this many responses on either side a difference is shown with a warning:
# intervals from so few answers are wide and p-values fragile.
SMALL_N = 30


@dataclass
class CompareRow:
    touchpoint: Touchpoint | None  # None: the whole journey
    n_a: int
    n_b: int
    enough: bool
    small: bool
    valence: stats.Comparison | None = None
    nps: stats.Comparison | None = None
    negative: stats.Comparison | None = None


def compare(
    organisation: Organisation, journey_id: int, a: Filters, b: Filters
) -> list[CompareRow]:
    """The whole journey first, then each touchpoint in blueprint order."""
    journey = journey_with_structure(organisation, journey_id)
    cells = TouchpointDay.objects.filter(organisation_id=organisation.pk, journey_id=journey.pk)
    sums_a = sums_by(a.apply(cells), "touchpoint_id", TOUCHPOINT_SUMS)
    sums_b = sums_by(b.apply(cells), "touchpoint_id", TOUCHPOINT_SUMS)
    rows = [_row(None, _total(sums_a), _total(sums_b))]
    for stage in journey.active_stages:  # type: ignore[attr-defined]
        for touchpoint in stage.active_touchpoints:
            rows.append(
                _row(touchpoint, sums_a.get(touchpoint.pk, {}), sums_b.get(touchpoint.pk, {}))
            )
    return rows


def compare_touchpoints(
    organisation: Organisation, touchpoint_ids: list[int], a: Filters, b: Filters
) -> CompareRow:
    """Slice a against slice b over a set of touchpoints, of any journeys, together
    (an improvement action's after against its before)."""
    cells = TouchpointDay.objects.filter(
        organisation_id=organisation.pk, touchpoint_id__in=touchpoint_ids
    )
    sums_a = sums_by(a.apply(cells), "touchpoint_id", TOUCHPOINT_SUMS)
    sums_b = sums_by(b.apply(cells), "touchpoint_id", TOUCHPOINT_SUMS)
    return _row(None, _total(sums_a), _total(sums_b))


def _total(sums: dict[int, dict[str, float]]) -> dict[str, float]:
    total: dict[str, float] = {}
    for cell in sums.values():
        for column, value in cell.items():
            total[column] = total.get(column, 0) + value
    return total


def _row(touchpoint: Touchpoint | None, a: dict[str, float], b: dict[str, float]) -> CompareRow:
    n_a, n_b = int(a.get("responses", 0)), int(b.get("responses", 0))
    row = CompareRow(
        touchpoint=touchpoint,
        n_a=n_a,
        n_b=n_b,
        enough=min(n_a, n_b) >= minimum_n(),
        small=min(n_a, n_b) < SMALL_N,
    )
    if not row.enough:
        return row

    def triple(sums: dict[str, float], prefix: str) -> tuple[int, float, float]:
        return int(sums[f"{prefix}_n"]), sums[f"{prefix}_sum"], sums[f"{prefix}_sumsq"]

    row.valence = stats.compare_means(triple(a, "valence"), triple(b, "valence"))
    row.nps = stats.compare_nps(
        (int(a["nps_promoters"]), int(a["nps_detractors"]), int(a["nps_n"])),
        (int(b["nps_promoters"]), int(b["nps_detractors"]), int(b["nps_n"])),
    )
    row.negative = stats.compare_shares(int(a["negative"]), n_a, int(b["negative"]), n_b)
    return row
