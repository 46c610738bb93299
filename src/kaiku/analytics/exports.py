"""Exports of a journey's responses with their analysis, as CSV or XLSX, one row per
response, streamed in chunks so that a large export holds little in memory.

What a row carries: when, where (stage, touchpoint, channel), who in the aggregate
(segment, team, language), the scores, the emotions the respondent picked, the
response's valence and negative mark, the comments as the analysis redacted them,
the emotions read in them, themes, flags and the model version. The staff member
who served is left out: per-person feedback is shown only behind the anonymity
threshold, and a row-level file would undo it.

A text cell that a spreadsheet would read as a formula (starting with = + - − @,
a tab or a carriage return) is written with a leading apostrophe. Every download is
recorded in the audit log with its filters.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from kaiku.analytics.drivers import facts_of
from kaiku.analytics.models import EMOTION_FIELDS, SCORES, ResponseFact
from kaiku.analytics.selectors import Filters
from kaiku.audit.services import record
from kaiku.journeys.models import Journey, Segment, Stage, Touchpoint
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Organisation, Team
from kaiku.responses.models import EmotionAnswer, Response
from kaiku.textanalysis.models import TextAnalysis

CHUNK = 2_000
FORMULA_STARTS = ("=", "+", "-", "−", "@", "\t", "\r")
COLUMNS = [
    "response_id",
    "submitted_at",
    "experienced_at",
    "stage",
    "touchpoint",
    "channel",
    "segment",
    "team",
    "language",
    *SCORES,
    "emotions_picked",
    "valence",
    "negative",
    "comments",
    "comment_emotions",
    "themes",
    "flags",
    "model_version",
    "is_demo",
]


def safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def rows(organisation: Organisation, journey: Journey, filters: Filters) -> Iterator[list[Any]]:
    """The header, then one row per response, newest first."""
    yield COLUMNS
    names = _names(organisation, journey)
    ids = (
        facts_of(organisation, journey, filters)
        .order_by("-day", "-response_id")
        .values_list("response_id", flat=True)
    )
    iterator = iter(ids.iterator(chunk_size=CHUNK))
    while chunk := list(islice(iterator, CHUNK)):
        yield from _chunk_rows(chunk, names)


def _names(organisation: Organisation, journey: Journey) -> dict[str, dict[int, str]]:
    touchpoints = Touchpoint.objects.filter(stage__journey=journey)
    stages = dict(Stage.objects.filter(journey=journey).values_list("pk", "name"))
    return {
        "touchpoint": dict(touchpoints.values_list("pk", "name")),
        "touchpoint_stage": {pk: stages[s] for pk, s in touchpoints.values_list("pk", "stage_id")},
        "segment": dict(
            Segment.objects.filter(organisation=organisation).values_list("pk", "name")
        ),
        "team": dict(Team.objects.filter(organisation=organisation).values_list("pk", "name")),
    }


def _chunk_rows(ids: list[int], names: dict[str, dict[int, str]]) -> Iterator[list[Any]]:
    responses = {
        r["pk"]: r
        for r in Response.objects.filter(pk__in=ids).values(
            "pk", "submitted_at", "experienced_at", "touchpoint_id", "channel", "segment_id",
            "team_id", "language", "is_demo",
        )
    }  # fmt: skip
    facts = {
        f["response_id"]: f
        for f in ResponseFact.objects.filter(response_id__in=ids).values(
            "response_id", "valence", "negative", *SCORES
        )
    }
    picked: dict[int, list[str]] = defaultdict(list)
    for response_id, emotion, intensity in EmotionAnswer.objects.filter(
        answer__response_id__in=ids
    ).values_list("answer__response_id", "emotion", "intensity"):
        picked[response_id].append(f"{emotion}:{intensity}")
    texts: dict[int, list[TextAnalysis]] = defaultdict(list)
    for analysis in TextAnalysis.objects.filter(response_id__in=ids).order_by("answer_id"):
        texts[analysis.response_id].append(analysis)
    for response_id in ids:
        response, fact = responses.get(response_id), facts.get(response_id)
        if response is None or fact is None:
            continue  # deleted while the export ran
        analyses = texts[response_id]
        touchpoint = response["touchpoint_id"]
        yield [
            response_id,
            _when(response["submitted_at"]),
            _when(response["experienced_at"]),
            safe_text(names["touchpoint_stage"].get(touchpoint, "")),
            safe_text(names["touchpoint"].get(touchpoint, "")),
            response["channel"],
            safe_text(names["segment"].get(response["segment_id"], "")),
            safe_text(names["team"].get(response["team_id"], "")),
            response["language"],
            *(fact[score] for score in SCORES),
            " ".join(sorted(picked[response_id])),
            None if fact["valence"] is None else round(fact["valence"], 4),
            fact["negative"],
            safe_text(" | ".join(a.text for a in analyses if a.text)),
            " ".join(
                sorted({label for a in analyses for label in a.labels if label in EMOTION_FIELDS})
            ),
            " ".join(sorted({t["key"] for a in analyses for t in a.themes})),
            " ".join(sorted({f["kind"] for a in analyses for f in a.flags})),
            " ".join(sorted({a.model_version for a in analyses})),
            response["is_demo"],
        ]


def _when(moment: Any) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def csv_chunks(table: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text, a piece at a time, with a byte-order mark so that Excel reads UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for i, row in enumerate(table):
        writer.writerow(["" if v is None else v for v in row])
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_xlsx(table: Iterable[list[Any]], target: Any) -> None:
    """An XLSX workbook in openpyxl's write-only mode (rows go straight to the file)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("responses")
    for row in table:
        sheet.append(row)
    workbook.save(target)


def download(
    actor: Actor, journey: Journey, filters: Filters, fmt: str, asked: dict[str, Any]
) -> HttpResponseBase:
    """The export as a file to download (`fmt` csv or xlsx); `asked` is what the
    person asked for, kept in the audit log."""
    table = rows(actor.organisation, journey, filters)
    record(actor=actor, action="export_responses", obj=journey, after={"format": fmt, **asked})
    name = f"kaiku-{slugify(journey.name)}-{timezone.localdate().isoformat()}"
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    # Spills to disk past 8 MB; FileResponse closes it when sent.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    write_xlsx(table, spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{name}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def table_response(rows: list[list[object]], name: str) -> HttpResponseBase:
    """A small table (a report's rows) as a CSV download named `name` and today."""
    safe = [[safe_text(v) if isinstance(v, str) else v for v in row] for row in rows]
    response = StreamingHttpResponse(csv_chunks(safe), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{timezone.localdate().isoformat()}.csv"'
    )
    return response
