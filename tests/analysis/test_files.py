import json

import pytest
from openpyxl import Workbook

from kaiku.analysis.files import InputError, ResultWriter, count_rows, read_texts


def test_csv_rows_keep_their_spreadsheet_numbers_and_ids(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('id;comment\na1;Hyvä palvelu\na2;"Monta\nriviä"\n', encoding="utf-8")
    rows = list(read_texts(path, "comment", "id"))
    assert [(r.number, r.id, r.text) for r in rows] == [
        (2, "a1", "Hyvä palvelu"),
        (3, "a2", "Monta\nriviä"),
    ]
    assert count_rows(path) == 3  # lines, an estimate for the progress bar


def test_invalid_utf8_marks_the_row_and_keeps_the_rest(tmp_path):
    path = tmp_path / "in.tsv"
    path.write_bytes(b"text\nok row\nbad \xff\xfe row\nanother\n")
    rows = list(read_texts(path, "text"))
    assert [r.problem for r in rows] == ["", "invalid_utf8", ""]
    assert rows[1].text == "bad \ufffd\ufffd row"


def test_jsonl_reports_bad_lines_and_non_text_values(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"t": "hyvä"}\nnot json\n{"t": 5}\n{"x": "y"}\n', encoding="utf-8")
    assert [(r.number, r.problem) for r in read_texts(path, "t")] == [
        (1, ""),
        (2, "bad_json"),
        (3, "not_text"),
        (4, "missing_column"),
    ]


def test_xlsx_is_read_from_the_first_sheet(tmp_path):
    workbook = Workbook()
    workbook.active.append(["palaute"])
    workbook.active.append(["Kiitos"])
    workbook.active.append([42])
    path = tmp_path / "in.xlsx"
    workbook.save(path)
    assert [r.text for r in read_texts(path, "palaute")] == ["Kiitos", "42"]


def test_a_missing_column_names_the_columns_there_are(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="no column 'text'; the columns are a, b"):
        list(read_texts(path, "text"))


def test_an_unknown_file_type_is_refused(tmp_path):
    with pytest.raises(InputError, match="unknown file type"):
        list(read_texts(tmp_path / "in.pdf", "text"))


def test_results_as_csv_have_one_column_per_emotion(tmp_path):
    from io import StringIO

    from kaiku.analysis.files import InputRow

    out = StringIO()
    writer = ResultWriter(out, "csv", ("joy", "neutral"))
    result = {
        "status": "ok",
        "language": "fi",
        "truncated": False,
        "text": "Hyvä",
        "labels": ["joy"],
        "valence": 0.5,
        "polarity": "positive",
        "intensity": 0.4,
        "themes": [{"key": "price"}, {"key": "price"}],
        "flags": [],
        "redactions": [],
        "model_version": "v",
        "emotions": {"joy": 0.7, "neutral": 0.1},
    }
    writer.write(InputRow(2, "Hyvä", "a1"), result)
    header, line = out.getvalue().strip().splitlines()
    assert header.endswith("p_joy,p_neutral")
    assert line.startswith("2,a1,ok,,fi,False,Hyvä,joy,0.5,positive,0.4,price,,False,,v,0.7,0.1")
    assert json.dumps(result)  # the same dict is what jsonl writes


def test_a_very_long_cell_is_read_whole(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("text\n" + "a" * 300_000 + "\nnext\n", encoding="utf-8")
    assert [len(r.text) for r in read_texts(path, "text")] == [300_000, 4]
