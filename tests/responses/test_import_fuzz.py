"""Generated CSV and XLSX files through the real import path: nothing is raised but
the documented file errors, and the report accounts for every row it read."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from kaiku.responses import import_jobs
from kaiku.responses.importing import Importer, ImportFileError, read_table
from kaiku.responses.models import ImportStatus, Response
from kaiku.surveys.models import Survey
from tests.factories import make_organisation, make_survey, owner_actor

pytestmark = pytest.mark.django_db

FUZZ = settings(
    derandomize=True,
    deadline=None,
    database=None,
    # One survey for all of a test's examples: each import is checked on its own.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
QUESTIONS = ["nps", "ease", "feeling", "curve", "what_happened", "visit", "contact_ok"]
FIELDS = [
    "submitted_at", "experienced_at", "touchpoint", "channel", "segment", "team",
    "served_by", "respondent_ref", "email", "language", "idempotency_key",
]  # fmt: skip
# What a person's file holds, by column (tests.factories.make_survey's questions).
TYPICAL = {
    # Dates as people mistype them too: shaped like one but none, or out of range.
    "submitted_at": [
        "2026-03-01 10:00",
        "1.3.2026 10:08",
        "2026-03-01T10:00+02:00",
        "",
        "2026-13-45 25:61",
        "0001-01-01",
    ],
    "experienced_at": ["2026-02-28", "28.2.2026", "", "9999-12-31T23:59-23:59", "31.12.9999"],
    "touchpoint": ["Touchpoint 1.1", "touchpoint 1.2", ""],
    "channel": ["web", "phone", ""],
    "segment": [""],
    "team": [""],
    "served_by": [""],
    "respondent_ref": ["crm-1", "crm-2", ""],
    "email": ["maija@example.org", ""],
    "language": ["fi", "sv", "en", ""],
    "idempotency_key": ["a", "b", "c", ""],  # few, so that some rows repeat one
    "nps": [str(n) for n in range(11)],
    "ease": [str(n) for n in range(1, 8)],
    "feeling": ["joy:2; anger", "trust", "sadness:3", ""],
    "curve": [""],
    "what_happened": ["Jonotin pitkään.", "Kiitos!", ""],
    "visit": ["first", "again", ""],
    "contact_ok": ["kyllä", "ei", "yes", ""],
}
ODD = [
    " ", "11", "-1", "-x", "0.5", "1e400", "nan", "७", "trust:9", "kauna", "maybe", "fax",
    "de", "2026-13-45 25:61", "2026-02-30", "0001-01-01", "9999-12-31 23:59",
    "2026-03-01T10:00+14:00", "2026-03-01T10:00-23:59", "31.12.9999", "=1+1", "+1",
    "@SUM(A1)", "\tx", "\rx", "a\x00b", "<b>hei</b>", "😀😀",
]  # fmt: skip


def _date_like() -> st.SearchStrategy[str]:
    numbers = st.tuples(*(st.integers(0, n) for n in (10_000, 13, 32, 25, 61)))
    return numbers.map(lambda t: "{:04d}-{:02d}-{:02d} {:02d}:{:02d}".format(*t))


def _curve(stage_ids: list[int]) -> st.SearchStrategy[str]:
    point = st.tuples(
        st.sampled_from([*stage_ids, 0, -1, 2**70]), st.integers(-5, 5) | st.just(10**30)
    )
    return st.lists(point, max_size=4).map(lambda ps: "; ".join(f"{s}:{v}" for s, v in ps))


def _odd_cells(stage_ids: list[int]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(ODD),
        st.text(max_size=30),  # any code point but surrogates: control characters too
        st.integers(-(2**70), 2**70).map(str),
        _date_like(),
        _curve(stage_ids),
        st.integers(9_990, 10_010).map(lambda n: "ä" * n),  # about the cell limit
    )


def _cell(column: str, stage_ids: list[int], odd: bool) -> st.SearchStrategy[str]:
    typical = st.sampled_from(TYPICAL.get(column, [""]))
    if column == "curve":
        typical = _curve(stage_ids)
    return st.one_of(typical, typical, _odd_cells(stage_ids)) if odd else typical


@st.composite
def _table(draw: st.DrawFn, stage_ids: list[int], extra: list[Any]) -> list[list[Any]]:
    columns = [*FIELDS, *QUESTIONS, "answer.nps", "muistiinpano"]
    # Mostly with the required question, so that rows get through to be saved, and
    # often a date, the cells most often mistyped.
    starts = [["nps"], ["nps", "submitted_at"], ["nps", "experienced_at"], []]
    header = draw(st.sampled_from(starts))
    header += draw(st.lists(st.sampled_from(QUESTIONS), min_size=0 if header else 1, max_size=3))
    header += draw(st.lists(st.sampled_from(columns), max_size=6))
    header = draw(st.permutations(header))

    def row(odd: bool) -> st.SearchStrategy[tuple[str, ...]]:
        return st.tuples(*(_cell(str(c).removeprefix("answer."), stage_ids, odd) for c in header))

    # Mostly rows of what belongs in each column; some with odd cells, short or long.
    ragged = st.tuples(
        st.one_of(row(odd=False), row(odd=True)),
        st.sampled_from([0, 0, 0, -1, -3, 1]),
        st.sampled_from(extra),
    )
    rows = draw(st.lists(ragged, max_size=12))
    table: list[list[Any]] = [list(header)]
    for cells, cut, more in rows:
        cells = list(cells)
        table.append([*cells, more] if cut > 0 else cells[: len(cells) + cut] or cells)
    return table


@st.composite
def csv_files(draw: st.DrawFn, stage_ids: list[int]) -> bytes:
    table = draw(_table(stage_ids, [""]))
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=draw(st.sampled_from([",", ";", "\t", "|"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC])),
        lineterminator=draw(st.sampled_from(["\r\n", "\n"])),
    )
    writer.writerows(table)
    encodings = ["utf-8", "utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]
    data = out.getvalue().encode(draw(st.sampled_from(encodings)), errors="replace")
    # Bytes no encoding made: broken UTF-8 sequences, stray quotes, NULs.
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 3]))):
        at = draw(st.integers(0, len(data)))
        noise = draw(st.sampled_from([b"\xff", b"\xc3", b"\xe2\x82", b'"', b"\x00", b"\r"]))
        data = data[:at] + noise + data[at:]
    return data


@st.composite
def xlsx_files(draw: st.DrawFn, stage_ids: list[int]) -> bytes:
    values = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**53), 2**53),
        st.floats(allow_nan=False, allow_infinity=False),
        st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
        st.dates(min_value=date(1900, 3, 1)),
        st.times(),
        st.sampled_from(["=SUM(A1:A2)", "=1/0", '=HYPERLINK("http://x")']),
    )
    table = draw(_table(stage_ids, [None]))
    # Cells of every type a spreadsheet keeps, in place of some of the text.
    for row in table[1:]:
        for i in range(len(row)):
            if draw(st.integers(0, 5)) == 0:
                row[i] = draw(values)
    book = Workbook()
    sheet = book.active
    for row in table:
        try:
            sheet.append(row)
        except IllegalCharacterError:  # what Excel cannot hold, no file can bring
            sheet.append([_printable(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _printable(value: Any) -> Any:
    if isinstance(value, str):
        return "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 32)
    return value


def _survey() -> Survey:
    organisation, _ = make_organisation()
    return make_survey(organisation, status="closed")  # imports take past feedback


def _stage_ids(survey: Survey) -> list[int]:
    return list(survey.journey.stages.values_list("pk", flat=True))


def _import(survey: Survey, data: bytes, name: str, dry_run: bool) -> None:
    """Import, or refuse the file as a whole; the report adds up to the rows read."""
    before = Response.objects.filter(survey=survey).count()
    try:
        header, rows = read_table(io.BytesIO(data), name)
        read = sum(1 for _row in rows)
        header, rows = read_table(io.BytesIO(data), name)
        report = Importer(survey, header, dry_run=dry_run).run(rows)
    except ImportFileError:
        event("refused whole")
        return
    event(f"rows imported: {min(report.imported, 3)}, rejected: {min(report.rejected, 3)}")
    assert report.rows == read
    assert report.imported + report.duplicates + report.rejected == report.rows
    saved = Response.objects.filter(survey=survey).count() - before
    assert saved == (0 if dry_run else report.imported)


def test_generated_csv_files_are_imported_or_refused_whole() -> None:
    survey = _survey()

    @settings(FUZZ, max_examples=150)
    @given(data=csv_files(_stage_ids(survey)), dry_run=st.booleans())
    def run(data: bytes, dry_run: bool) -> None:
        _import(survey, data, "vanhat.csv", dry_run)

    run()


def test_generated_xlsx_workbooks_are_imported_or_refused_whole() -> None:
    survey = _survey()

    @settings(FUZZ, max_examples=60)
    @given(data=xlsx_files(_stage_ids(survey)), dry_run=st.booleans())
    def run(data: bytes, dry_run: bool) -> None:
        _import(survey, data, "vanhat.xlsx", dry_run)

    run()


def test_generated_files_through_the_upload_end_as_a_report_or_a_reason() -> None:
    survey = _survey()
    actor = owner_actor(survey.organisation)
    files = st.one_of(
        csv_files(_stage_ids(survey)).map(lambda d: ("vanhat.csv", d)),
        xlsx_files(_stage_ids(survey)).map(lambda d: ("vanhat.xlsx", d)),
        st.binary(max_size=200).map(lambda d: ("vanhat.xlsx", d)),
    )

    @settings(FUZZ, max_examples=25)
    @given(file=files, dry_run=st.booleans())
    def run(file: tuple[str, bytes], dry_run: bool) -> None:
        name, data = file
        try:
            job = import_jobs.upload_import(
                actor=actor, survey=survey, upload=SimpleUploadedFile(name, data)
            )
            job = import_jobs.start_import(
                actor=actor, job=job, mapping=job.mapping, dry_run=dry_run
            )
        except ValidationError:
            return  # no file, or no column for a question: said at once, nothing queued
        job = import_jobs.run_import(job_id=job.pk)
        assert job.status in (ImportStatus.DONE, ImportStatus.FAILED)
        if job.status == ImportStatus.FAILED:
            assert job.error
            return
        report = job.report
        assert report["imported"] + report["duplicates"] + report["rejected"] == report["rows"]

    run()
