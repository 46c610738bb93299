"""Importing past feedback from CSV or XLSX: streamed row by row in constant memory,
checked against the survey, saved in batches. A bad row is reported (row number,
column, reason) and skipped; every good row is kept. A dry run checks and saves nothing.

Columns map to fields (`submitted_at`, `experienced_at`, `touchpoint`, `channel`,
`segment`, `team`, `served_by` (a member's e-mail), `respondent_ref`, `email`,
`language`, `idempotency_key`) and to answers by question key. By default a column
maps to the field or question of its own name. Cell formats by question kind: a
number for scales; `joy:2; anger` for emotions; `<stage id>:<score>; ...` for the
emotion curve; `a; b` for multiple choice; yes/no for consents; text as it is.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import IO, Any

from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kaiku.core.background import send_after_commit
from kaiku.journeys.models import Channel, Segment, Stage, Touchpoint
from kaiku.organisations.models import Membership, Team
from kaiku.responses.answers import AnswerChecker, CleanAnswer
from kaiku.responses.models import (
    EARLIEST_MOMENT,
    Contact,
    Respondent,
    Response,
    Source,
)
from kaiku.responses.signals import responses_imported
from kaiku.responses.writes import RESPONSE_COLUMNS, insert_responses
from kaiku.surveys.models import LANGUAGES, Question, QuestionKind, Survey

FIELDS = (
    "submitted_at",
    "experienced_at",
    "touchpoint",
    "channel",
    "segment",
    "team",
    "served_by",
    "respondent_ref",
    "email",
    "language",
    "idempotency_key",
)
CHANNELS = frozenset(Channel.values)
MAX_CELL = 10_000
MAX_KEPT_ERRORS = 1_000
PREVIEW_ROWS = 20
# Rows saved per transaction: bigger batches commit less often; 5,000 rows stay a few MB.
BATCH_SIZE = 5000
FORMULA_STARTS = ("=", "+", "@", "\t", "\r")
DATE_FORMATS = ("%d.%m.%Y %H:%M", "%d.%m.%Y %H.%M", "%d.%m.%Y", "%Y-%m-%d")
# A CSV cell may hold up to this much before the reader itself gives up; longer
# cells are still read whole and then refused with a clear reason.
csv.field_size_limit(64 * 1024 * 1024)


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (no header, unknown format, bad mapping)."""


@dataclass
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)
    # Sees every rejected row, where `errors` keeps only the first ones.
    error_sink: Callable[[RowError], None] | None = None

    def reject(self, row: int, column: str, reason: str) -> None:
        self.rejected += 1
        error = RowError(row, column, reason)
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(error)
        if self.error_sink is not None:
            self.error_sink(error)


# Reading -------------------------------------------------------------------------


def read_table(
    stream: IO[bytes], filename: str
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and an iterator of (row number, cells); row 1 is the header."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(stream)
    if suffix in (".csv", ".txt", ".tsv", ""):
        return _read_csv(stream)
    raise ImportFileError(_("Unknown file type %(s)s; use CSV or XLSX.") % {"s": suffix})


def _read_csv(stream: IO[bytes]) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    # Undecodable bytes become lone surrogates, so one bad row is reported and
    # the rest of the file still reads.
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    first = text.readline()
    if not first.strip():
        raise ImportFileError(_("The file is empty."))
    try:
        dialect: Any = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(itertools.chain([first], text), dialect)
    # Column names go into reports, the job's record (JSON, which PostgreSQL keeps
    # without NULs) and the rejected-rows file: an undecodable byte in one becomes "�"
    # and a NUL is dropped (a cell's are refused with its row, below).
    header = [_plain_text(h).strip() for h in next(reader)]

    def rows() -> Iterator[tuple[int, list[str]]]:
        # Numbered as a spreadsheet shows them: the header is row 1.
        number = 1
        while True:
            number += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportFileError(_("Row %(n)d: %(e)s") % {"n": number, "e": exc}) from exc
            if cells:
                yield number, cells

    return header, rows()


def _plain_text(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace").replace("\x00", "")


def _read_xlsx(stream: IO[bytes]) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(stream, read_only=True, data_only=False).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(_("Cannot read the XLSX file: %(e)s") % {"e": exc}) from exc
    values = sheet.iter_rows(values_only=True)
    try:
        header = [_cell_text(v).strip() for v in next(values)]
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, row in enumerate(values, start=2):
            cells = [_cell_text(v) for v in row]
            if any(cells):
                yield number, cells

    return header, rows()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Checking and saving --------------------------------------------------------------


@dataclass
class _Row:
    number: int
    response: dict[str, Any]  # Response's column values
    answers: list[CleanAnswer]
    respondent_ref: str
    email: str


class Importer:
    """Imports rows into one survey; `run` returns the report."""

    def __init__(
        self,
        survey: Survey,
        header: list[str],
        mapping: Mapping[str, str] | None = None,
        *,
        dry_run: bool = False,
        batch_size: int = BATCH_SIZE,
        is_demo: bool = False,
        on_progress: Callable[[int], None] | None = None,
        error_sink: Callable[[RowError], None] | None = None,
        key_prefix: str = "",
    ) -> None:
        """`key_prefix` gives each row without an idempotency key the key prefix + its
        row number, so that running the same import again (a worker that died half-way)
        adds only the rows not saved yet."""
        if survey.is_pulse:
            raise ValueError(_("An employee pulse takes answers only through its anonymous link."))
        self.survey = survey
        self.dry_run = dry_run
        self.batch_size = batch_size
        self.is_demo = is_demo
        self.on_progress = on_progress
        self.key_prefix = key_prefix
        self.questions = list(survey.questions.all())
        self.by_key = {q.key: q for q in self.questions}
        self.columns = self._columns(header, mapping or {})
        self.report = ImportReport(dry_run=dry_run, error_sink=error_sink)
        used = set(self.columns.values())
        self.report.ignored_columns = [h for i, h in enumerate(header) if h and i not in used]
        org = survey.organisation_id
        touchpoints = Touchpoint.objects.filter(surveys=survey)
        self.touchpoints = {str(t.pk): t.pk for t in touchpoints}
        self.touchpoints.update({t.name.casefold(): t.pk for t in touchpoints})
        self.segments = {
            s.name.casefold(): s.pk for s in Segment.objects.filter(organisation_id=org)
        }
        self.teams = {t.name.casefold(): t.pk for t in Team.objects.filter(organisation_id=org)}
        self.staff = {
            email.casefold(): user_id
            for email, user_id in Membership.objects.filter(organisation_id=org).values_list(
                "user__email", "user_id"
            )
            if email
        }
        self.stage_ids = set(
            Stage.objects.filter(journey_id=survey.journey_id).values_list("pk", flat=True)
        )
        self.checker = AnswerChecker(self.questions, self.stage_ids)
        self.seen_keys: set[str] = set()
        # One clock for the whole run: rows without a date get the time the import
        # started, and "in the future" means after that.
        self.started_at = timezone.now()
        self.latest = self.started_at + timedelta(days=1)
        self.defaults = dict.fromkeys(RESPONSE_COLUMNS) | {
            "organisation_id": survey.organisation_id,
            "survey_id": survey.pk,
            "source": Source.IMPORT,
            "channel": "",
            "is_demo": is_demo,
        }

    def _columns(self, header: list[str], mapping: Mapping[str, str]) -> dict[str, int]:
        """target (field or question key) → column index."""
        index = {name: i for i, name in enumerate(header) if name}
        targets = set(FIELDS) | set(self.by_key)
        unknown = [t for t in mapping if t not in targets]
        if unknown:
            raise ImportFileError(
                _("Unknown targets in the mapping: %(t)s.") % {"t": ", ".join(unknown)}
            )
        missing = [c for c in mapping.values() if c not in index]
        if missing:
            raise ImportFileError(
                _("No such columns in the file: %(c)s.") % {"c": ", ".join(missing)}
            )
        columns = {t: index[c] for t, c in mapping.items()}
        for name, i in index.items():
            target = name.removeprefix("answer.")
            if target in targets and target not in columns and i not in columns.values():
                columns[target] = i
        if not any(t in self.by_key for t in columns):
            raise ImportFileError(_("No column maps to a question of this survey."))
        self.header = header
        return columns

    # The column name as the person sees it, for the report.
    def _column_name(self, target: str) -> str:
        return self.header[self.columns[target]] if target in self.columns else target

    def run(self, rows: Iterable[tuple[int, list[str]]]) -> ImportReport:
        saver = _Saver(self._save, writers=self._writers())
        batch: list[_Row] = []
        try:
            for number, cells in rows:
                self.report.rows += 1
                row = self._check(number, cells)
                if row is not None:
                    batch.append(row)
                    if len(self.report.preview) < PREVIEW_ROWS:
                        self.report.preview.append(self._preview(row))
                if len(batch) >= self.batch_size:
                    saver.submit(batch)
                    batch = []
                if self.on_progress and self.report.rows % 1000 == 0:
                    self.on_progress(self.report.rows)
            saver.submit(batch)
        finally:
            # Whatever was handed over is saved (or its error raised) before returning.
            saver.close()
        self.report.imported += saver.imported
        self.report.duplicates += saver.duplicates
        if self.on_progress:
            self.on_progress(self.report.rows)
        if saver.imported and not self.dry_run:
            responses_imported.send(
                sender=Importer, survey_id=self.survey.pk, imported=saver.imported
            )
        return self.report

    def _writers(self) -> int:
        if self.dry_run or connection.in_atomic_block or connection.vendor != "postgresql":
            return 0
        return 2

    def _check(self, number: int, cells: list[str]) -> _Row | None:
        if len(cells) > len(self.header):
            self.report.reject(number, "", _("The row has more cells than the header."))
            return None
        if not _row_is_plain(cells):
            for i, cell in enumerate(cells):
                problem = _cell_problem(cell)
                if problem:
                    self.report.reject(number, self.header[i], problem)
                    return None
        values = {t: cells[i].strip() if i < len(cells) else "" for t, i in self.columns.items()}
        try:
            fields = self._fields(values)
        except _Bad as bad:
            self.report.reject(number, self._column_name(bad.target), bad.reason)
            return None
        key = fields.pop("idempotency_key") or (
            f"{self.key_prefix}{number}" if self.key_prefix else ""
        )
        if key and (key in self.seen_keys):
            self.report.duplicates += 1
            return None
        raw = {k: _raw(self.by_key[k], v) for k, v in values.items() if k in self.by_key and v}
        answers, errors = self.checker.clean(raw)
        if errors:
            target, reason = next(iter(errors.items()))
            self.report.reject(number, self._column_name(target), reason)
            return None
        if not answers:
            self.report.reject(number, "", _("The row has no answers."))
            return None
        if key:
            self.seen_keys.add(key)
        # Plain values, not a model instance: a million instances cost more than the inserts.
        response = {
            **self.defaults,
            "idempotency_key": key,
            "metadata": {"import_row": number},
            **fields,
        }
        return _Row(
            number, response, answers, values.get("respondent_ref", ""), values.get("email", "")
        )

    def _fields(self, values: dict[str, str]) -> dict[str, Any]:
        survey = self.survey
        fields: dict[str, Any] = {
            "submitted_at": _datetime(values.get("submitted_at", ""), "submitted_at")
            or self.started_at,
            "experienced_at": _datetime(values.get("experienced_at", ""), "experienced_at"),
            "language": values.get("language") or survey.languages[0],
            "channel": values.get("channel", ""),
            "idempotency_key": values.get("idempotency_key", "")[:200],
        }
        if fields["language"] not in LANGUAGES:
            raise _Bad("language", _("Unknown language; use fi, sv or en."))
        if fields["channel"] and fields["channel"] not in CHANNELS:
            raise _Bad("channel", _("Unknown channel %(v)r.") % {"v": fields["channel"]})
        for target, lookup, attribute in (
            ("touchpoint", self.touchpoints, "touchpoint_id"),
            ("segment", self.segments, "segment_id"),
            ("team", self.teams, "team_id"),
            ("served_by", self.staff, "served_by_id"),
        ):
            value = values.get(target, "")
            if value:
                found = lookup.get(value.casefold())
                if found is None:
                    raise _Bad(target, _("Unknown %(what)s %(v)r.") % {"what": target, "v": value})
                fields[attribute] = found
        for target in ("submitted_at", "experienced_at"):
            moment = fields[target]
            if moment is not None and moment > self.latest:
                raise _Bad(target, _("The date is in the future."))
        return fields

    def _preview(self, row: _Row) -> dict[str, Any]:
        return {
            "row": row.number,
            "submitted_at": row.response["submitted_at"].isoformat(),
            "answers": {a.question.key: a.value for a in row.answers},
        }

    def _save(self, batch: list[_Row]) -> tuple[int, int]:
        """Saves a batch in one transaction: (rows saved, rows already there)."""
        if not batch or self.dry_run:
            return len(batch), 0
        with transaction.atomic():
            keys = [r.response["idempotency_key"] for r in batch if r.response["idempotency_key"]]
            existing = Response.objects.taken_idempotency_keys(self.survey.organisation_id, keys)
            fresh = [r for r in batch if r.response["idempotency_key"] not in existing]
            self._attach_respondents(fresh)
            _ids, text_ids = insert_responses([(r.response, r.answers) for r in fresh])
            if text_ids:
                from kaiku.textanalysis.tasks import analyse_responses_task

                send_after_commit(analyse_responses_task, text_ids)
        return len(fresh), len(batch) - len(fresh)

    def _attach_respondents(self, rows: list[_Row]) -> None:
        """Links rows to respondents by reference, made where new, and keeps e-mails as
        contacts. Safe while another batch of the same file is saved at the same time:
        conflicts are skipped and looked up again, and keys go in sorted order so that
        two batches cannot wait on each other."""
        org = self.survey.organisation_id
        refs = {r.respondent_ref[:200] for r in rows if r.respondent_ref}
        known = self._respondents(refs)
        if refs - known.keys():
            Respondent.objects.bulk_create(
                [
                    Respondent(organisation_id=org, external_ref=r)
                    for r in sorted(refs - known.keys())
                ],
                ignore_conflicts=True,
            )
            known.update(self._respondents(refs - known.keys()))
        anonymous_with_email: dict[int, Respondent] = {}
        for index, row in enumerate(rows):
            if not row.respondent_ref and row.email:
                anonymous_with_email[index] = Respondent(organisation_id=org)
        Respondent.objects.bulk_create(anonymous_with_email.values())
        emails: dict[int, str] = {}
        for index, row in enumerate(rows):
            pk = known.get(row.respondent_ref[:200]) if row.respondent_ref else None
            if pk is None and index in anonymous_with_email:
                pk = anonymous_with_email[index].pk
            if pk is not None:
                row.response["respondent_id"] = pk
                if row.email:
                    emails[pk] = row.email.lower()
        # A respondent who already has contact details keeps them.
        Contact.objects.bulk_create(
            [Contact(respondent_id=pk, email=emails[pk]) for pk in sorted(emails)],
            ignore_conflicts=True,
        )

    def _respondents(self, refs: set[str]) -> dict[str, int]:
        found = Respondent.objects.filter(
            organisation_id=self.survey.organisation_id, external_ref__in=refs
        )
        return dict(found.values_list("external_ref", "pk"))


class _Saver:
    """Saves batches, on PostgreSQL in two other threads, each with its own connection:
    while the server stores two batches (index updates, foreign-key checks at commit),
    the next is read and checked, which keeps both cores of a small server busy. On
    SQLite, where the work is in this process and holds the GIL, threads gained
    nothing measurable, so batches are saved in the caller's thread; so they are inside
    a caller's transaction, which another connection could neither see nor join.
    Memory stays at a few batches: `submit` waits while all writers are busy."""

    def __init__(self, save: Callable[[list[_Row]], tuple[int, int]], *, writers: int) -> None:
        self.save = save
        self.writers = writers
        self.pool = (
            ThreadPoolExecutor(writers, thread_name_prefix="kaiku-import") if writers else None
        )
        self.pending: deque[Future[tuple[int, int]]] = deque()
        self.imported = self.duplicates = 0

    def submit(self, batch: list[_Row]) -> None:
        if self.pool is None:
            self._count(self.save(batch))
            return
        while len(self.pending) >= self.writers:
            self._count(self.pending.popleft().result())  # raises a writer's error here
        self.pending.append(self.pool.submit(self._save_in_thread, batch))

    def close(self) -> None:
        try:
            while self.pending:
                self._count(self.pending.popleft().result())
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)

    def _save_in_thread(self, batch: list[_Row]) -> tuple[int, int]:
        try:
            return self.save(batch)
        finally:
            # A connection per batch: opening one costs little next to 5,000 rows, and
            # no connection outlives the import in a thread nobody closes.
            connections.close_all()

    def _count(self, counts: tuple[int, int]) -> None:
        self.imported += counts[0]
        self.duplicates += counts[1]


class _Bad(Exception):
    def __init__(self, target: str, reason: str) -> None:
        super().__init__(reason)
        self.target, self.reason = target, reason


def _row_is_plain(cells: list[str]) -> bool:
    """True when no cell can have a problem: the common case, checked for the whole row
    at C speed, so that only suspicious rows are looked at cell by cell."""
    for cell in cells:
        # A leading minus is a formula unless the cell is a number: the slow path knows.
        if len(cell) > MAX_CELL or cell.startswith(FORMULA_STARTS) or cell.startswith("-"):
            return False
    joined = "".join(cells)
    if "\x00" in joined:
        return False
    try:
        joined.encode("utf-8")  # lone surrogates (undecodable bytes) refuse to encode
    except UnicodeEncodeError:
        return False
    return True


def _cell_problem(cell: str) -> str:
    if len(cell) > MAX_CELL:
        return _("The cell is longer than %(n)d characters.") % {"n": MAX_CELL}
    if any("\udc80" <= ch <= "\udcff" for ch in cell):
        return _("The cell is not valid UTF-8 text; save the file as UTF-8.")
    if cell.startswith(FORMULA_STARTS) or (cell.startswith("-") and not _is_number(cell)):
        return _("The cell looks like a spreadsheet formula; formulas are not imported.")
    if "\x00" in cell:
        return _("The cell holds a NUL character.")
    return ""


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def _datetime(text: str, target: str) -> datetime | None:
    if not text:
        return None
    try:
        parsed: datetime | None = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None and "-" in text[:5]:
        try:
            parsed = parse_datetime(text.replace(" ", "T", 1))
        except ValueError:  # shaped like a date, but none: "2026-13-45 25:61"
            parsed = None
    if parsed is None:
        for fmt in DATE_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    # The zone looked up once: a million rows would otherwise ask a million times.
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_zone())
    if parsed is None or parsed < EARLIEST_MOMENT:
        raise _Bad(
            target,
            _("Not a date: %(v)r; use 2026-11-23 14:05 or 23.11.2026 14:05.") % {"v": text[:40]},
        )
    return parsed


@functools.cache
def _zone() -> tzinfo:
    return timezone.get_default_timezone()


def _raw(question: Question, value: str) -> Any:
    """A cell as the raw answer `clean_answers` expects."""
    kind = question.kind
    if kind == QuestionKind.EMOTION:
        emotions = []
        for part in _parts(value):
            name, _sep, intensity = part.partition(":")
            emotions.append({"emotion": name.strip().lower(), "intensity": intensity.strip() or 2})
        return emotions
    if kind == QuestionKind.EMOTION_CURVE:
        points = []
        for part in _parts(value):
            stage, _sep, score = part.partition(":")
            points.append({"stage_id": stage.strip(), "score": score.strip()})
        return points
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return [p for p in (x.strip() for x in value.split(";")) if p]
    return value


def _parts(value: str) -> list[str]:
    return [p.strip() for p in value.replace(",", ";").split(";") if p.strip()]
