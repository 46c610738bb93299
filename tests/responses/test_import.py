"""Importing past feedback: bad rows reported (row, column, reason), good rows kept."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaiku.organisations.models import Role
from kaiku.responses.importing import Importer, ImportFileError, read_table
from kaiku.responses.models import Answer, CurvePoint, EmotionAnswer, Response
from tests.factories import make_member, make_organisation, make_survey

pytestmark = pytest.mark.django_db


def _survey():  # type: ignore[no-untyped-def]
    organisation, _ = make_organisation()
    return make_survey(
        organisation, status="closed"
    )  # imports take past feedback of closed surveys


def _run(survey, data: bytes, name: str = "f.csv", **options: Any):  # type: ignore[no-untyped-def]
    header, rows = read_table(io.BytesIO(data), name)
    return Importer(survey, header, options.pop("mapping", None), **options).run(rows)


def test_broken_rows_are_reported_and_good_rows_kept() -> None:
    survey = _survey()
    stage = survey.journey.stages.order_by("position").first()
    big = "x" * 10_001
    lines = [
        "submitted_at;nps;what_happened;feeling;curve;touchpoint;idempotency_key",
        f"2026-03-01 10:00;4;Jono oli pitkä;anger:3, sadness;{stage.pk}:-2;;k1",  # 2 good
        "2026-03-01 10:05;kymmenen;;;;;k2",  # 3 wrong type
        '2026-03-01 10:06;9;=HYPERLINK("http://x","klikkaa");;;;k3',  # 4 formula
        f"2026-03-01 10:07;9;{big};;;;k4",  # 5 huge cell
        "1.3.2026 10:08;10;;joy;;;k5",  # 6 good, Finnish date
        "2026-03-01 10:09;8;;;;Nowhere;k6",  # 7 unknown touchpoint
        "not a date;8;;;;;k7",  # 8 bad date
        "2026-03-01 10:10;5",  # 9 good, short row
        "2026-03-01 10:11;7;;;;;k1",  # 10 duplicate key within the file
    ]
    data = "\n".join(lines).encode() + b"\n2026-03-01 10:12;6;caf\xe9;;;;k8\n"  # 11 Latin-1 byte
    report = _run(survey, data)
    assert (report.rows, report.imported, report.rejected, report.duplicates) == (10, 3, 6, 1)
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "nps"),
        (4, "what_happened"),
        (5, "what_happened"),
        (7, "touchpoint"),
        (8, "submitted_at"),
        (11, "what_happened"),
    ]
    reasons = {e.row: e.reason for e in report.errors}
    assert "formula" in reasons[4] and "longer than 10000" in reasons[5] and "UTF-8" in reasons[11]
    assert Response.objects.filter(source="import").count() == 3
    first = Response.objects.get(idempotency_key="k1")
    assert first.submitted_at.month == 3 and first.metadata == {"import_row": 2}
    assert set(EmotionAnswer.objects.values_list("emotion", "intensity")) == {
        ("anger", 3),
        ("sadness", 2),
        ("joy", 2),
    }
    assert CurvePoint.objects.get().score == -2
    assert Answer.objects.get(text="Jono oli pitkä").analysis_state in ("queued", "waiting")


def test_importing_the_same_file_twice_adds_nothing_the_second_time() -> None:
    survey = _survey()
    data = b"nps,idempotency_key\n5,a\n6,b\n"
    _run(survey, data)
    again = _run(survey, data)
    assert (again.imported, again.duplicates) == (0, 2)
    assert Response.objects.count() == 2


def test_taken_keys_are_looked_up_through_the_unique_index() -> None:
    survey = _survey()
    _run(survey, b"nps,idempotency_key\n5,a\n6,b\n7,\n")
    organisation_id = survey.organisation_id
    assert Response.objects.taken_idempotency_keys(organisation_id, ["a", "z", ""]) == {"a"}
    assert Response.objects.taken_idempotency_keys(organisation_id + 1, ["a"]) == set()
    with CaptureQueriesContext(connection) as queries:
        Response.objects.taken_idempotency_keys(organisation_id, ["a", "b"])
    sql = queries.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = " ".join(str(row) for row in cursor.fetchall())
    # A full read of the organisation's responses per batch made big imports quadratic.
    assert "response_unique_idempotency_key" in plan


def test_leading_minus_nul_and_plus_cells() -> None:
    survey = _survey()
    data = b"nps;what_happened\n3;-2 tuntia jonossa\n4;ok\x00\n5;+358 40 123\n6;-\n"
    report = _run(survey, data)
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "what_happened"),
        (3, "what_happened"),
        (4, "what_happened"),
        (5, "what_happened"),
    ]
    assert "NUL" in report.errors[1].reason and "formula" in report.errors[0].reason
    assert _run(survey, b"nps;ease\n-1;3\n").errors[0].column == "nps"  # a number: checked as one


def test_a_date_shaped_cell_that_is_no_date_rejects_only_its_row() -> None:
    # It stopped the whole import with a ValueError (found by tests/responses/test_import_fuzz.py).
    report = _run(_survey(), b"nps;submitted_at\n3;2026-13-45 25:61\n4;0000-0-0 0:0\n5;\n")
    assert (report.imported, report.rejected) == (1, 2)
    assert [e.column for e in report.errors] == ["submitted_at", "submitted_at"]
    assert "Not a date" in report.errors[0].reason


def test_dates_before_1900_or_experiences_in_the_future_reject_their_rows() -> None:
    # Year 1 in Helsinki time, and 9999 at -23:59, cannot be stored in UTC: the whole
    # import failed (found by tests/responses/test_import_fuzz.py).
    data = (
        b"nps;submitted_at;experienced_at\n"
        b"3;0001-01-01;\n"
        b"4;2026-03-01 10:00;9999-12-31T23:59-23:59\n"
        b"5;2026-03-01 10:00;2026-02-28\n"
    )
    report = _run(_survey(), data)
    assert (report.imported, report.rejected) == (1, 2)
    errors = [(e.row, e.column) for e in report.errors]
    assert errors == [(2, "submitted_at"), (3, "experienced_at")]
    assert "future" in report.errors[1].reason


def test_dry_run_previews_and_saves_nothing() -> None:
    survey = _survey()
    report = _run(survey, b"nps,ease\n5,6\n11,2\n", dry_run=True)
    assert (report.imported, report.rejected) == (1, 1)
    assert report.preview[0]["answers"] == {"nps": 5, "ease": 6}
    assert not Response.objects.exists()


def test_column_mapping_and_missing_columns() -> None:
    survey = _survey()
    report = _run(
        survey, b"Suositus;Pvm\n9;2026-01-02\n", mapping={"nps": "Suositus", "submitted_at": "Pvm"}
    )
    assert report.imported == 1
    with pytest.raises(ImportFileError, match="No such columns"):
        _run(survey, b"a;b\n1;2\n", mapping={"nps": "Suositus"})
    with pytest.raises(ImportFileError, match="No column maps"):
        _run(survey, b"a;b\n1;2\n")


def test_xlsx_with_a_formula_cell(tmp_path: Path) -> None:
    from openpyxl import Workbook

    survey = _survey()
    book = Workbook()
    sheet = book.active
    sheet.append(["nps", "what_happened"])
    sheet.append([3, "Lääkäri myöhästyi"])
    sheet.append([4, '=HYPERLINK("http://evil","x")'])
    sheet.append([7.0, None])
    path = tmp_path / "old.xlsx"
    book.save(path)
    with path.open("rb") as stream:
        report = _run(survey, stream.read(), "old.xlsx")
    assert (report.imported, report.rejected) == (2, 1)
    assert report.errors[0].row == 3 and "formula" in report.errors[0].reason


def test_cli_imports_with_a_report_file(tmp_path: Path) -> None:
    survey = _survey()
    source = tmp_path / "vanhat.csv"
    source.write_text("nps\n5\n99\n7\n", encoding="utf-8")
    report = tmp_path / "hylatyt.csv"
    out = io.StringIO()
    call_command(
        "import", str(source), survey=survey.pk, report=str(report), no_progress=True, stdout=out
    )
    assert "imported 2" in out.getvalue() and "rejected 1" in out.getvalue()
    assert report.read_text().splitlines() == [
        "row,column,reason",
        "3,nps,Expected a number from 0 to 10.",
    ]


def test_cli_refuses_an_unknown_file_type(tmp_path: Path) -> None:
    survey = _survey()
    source = tmp_path / "data.pdf"
    source.write_bytes(b"%PDF")
    with pytest.raises(CommandError, match="Unknown file type"):
        call_command("import", str(source), survey=survey.pk, no_progress=True)


def test_respondents_and_contacts_are_linked_by_reference_and_email() -> None:
    from kaiku.responses.models import Contact, Respondent

    survey = _survey()
    data = b"nps,respondent_ref,email\n5,crm-1,a@example.org\n6,crm-1,\n7,,b@example.org\n8,,\n"
    report = _run(survey, data)
    assert report.imported == 4
    by_nps = {r.answers.get().number: r for r in Response.objects.all()}
    assert by_nps[5].respondent == by_nps[6].respondent
    assert by_nps[5].respondent.external_ref == "crm-1"  # type: ignore[union-attr]
    assert by_nps[7].respondent.contact.email == "b@example.org"  # type: ignore[union-attr]
    assert by_nps[8].respondent is None
    assert Respondent.objects.count() == 2 and Contact.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_batches_saved_by_writer_threads_each_row_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside a transaction, PostgreSQL saves batches in two writer threads at once;
    rows of one person in different batches still meet one respondent."""
    from kaiku.responses.models import Contact, Respondent

    threads: set[str] = set()
    save = Importer._save

    def spy(self: Importer, batch: list[Any]) -> tuple[int, int]:
        threads.add(threading.current_thread().name)
        return save(self, batch)

    monkeypatch.setattr(Importer, "_save", spy)
    survey = _survey()
    lines = ["nps,respondent_ref,email,idempotency_key"]
    for i in range(40):
        lines.append(f"{i % 11},crm-{i % 4},p{i % 4}@example.org,row-{i}")
    lines.append("11,crm-9,,row-bad")  # rejected: out of the scale
    data = "\n".join(lines).encode()
    report = _run(survey, data, batch_size=3)
    assert (report.rows, report.imported, report.rejected) == (41, 40, 1)
    assert Response.objects.count() == 40
    assert Respondent.objects.count() == 4 and Contact.objects.count() == 4
    assert Response.objects.filter(respondent__external_ref="crm-1").count() == 10
    if connection.vendor == "postgresql":
        assert all(name.startswith("kaiku-import") for name in threads) and len(threads) == 2
    else:
        assert threads == {threading.current_thread().name}
    again = _run(survey, data, batch_size=3)
    assert (again.imported, again.duplicates) == (0, 40)
    assert Response.objects.count() == 40


def test_served_by_names_a_member_by_email_and_a_stranger_is_refused() -> None:
    survey = _survey()
    user, _ = make_member(survey.organisation, Role.VIEWER)
    data = (
        "submitted_at;nps;served_by\n"
        f"2026-03-01 10:00;4;{user.email.upper()}\n"
        "2026-03-01 11:00;5;someone@elsewhere.example\n"
        "2026-03-01 12:00;6;\n"
    ).encode()
    report = _run(survey, data)
    assert (report.imported, report.rejected) == (2, 1)
    assert (report.errors[0].row, report.errors[0].column) == (3, "served_by")
    assert sorted(
        Response.objects.filter(survey=survey).values_list("served_by_id", flat=True),
        key=lambda v: v or 0,
    ) == [None, user.pk]
