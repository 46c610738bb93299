"""Reading texts to analyse from CSV, TSV, XLSX or JSON Lines, and writing results as
JSON Lines or CSV, one row at a time so that a file of any size fits in memory.

Undecodable bytes do not stop a file: the row's text keeps U+FFFD where the bytes
were, and the row is marked `invalid_utf8`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

FORMATS = ("csv", "tsv", "xlsx", "jsonl")
# A cell may hold a very long comment; it is cut when analysed, never refused here.
csv.field_size_limit(64 * 1024 * 1024)


class InputError(ValueError):
    """A file that cannot be read at all (a bad row is reported, not raised)."""


@dataclass(frozen=True)
class InputRow:
    number: int  # as a spreadsheet numbers it: the header is row 1; JSON Lines from 1
    text: str
    id: str = ""
    problem: str = ""  # invalid_utf8, not_text, bad_json, missing_column


def input_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    fmt = {"txt": "csv", "json": "jsonl", "ndjson": "jsonl"}.get(suffix, suffix)
    if fmt not in FORMATS:
        raise InputError(f"{path}: unknown file type; use one of {', '.join(FORMATS)}")
    return fmt


def _fix(value: str) -> tuple[str, str]:
    """Lone surrogates (undecodable bytes) become U+FFFD, and the row says so."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace"), "invalid_utf8"
    return value, ""


def count_rows(path: Path) -> int | None:
    """Rows to expect, for a progress bar; None when counting would cost a read."""
    if input_format(path) == "xlsx":
        return None
    with path.open("rb") as file:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))
    return max(0, lines - (0 if input_format(path) == "jsonl" else 1))


def read_texts(path: Path, text_column: str, id_column: str | None = None) -> Iterator[InputRow]:
    fmt = input_format(path)
    if fmt == "jsonl":
        yield from _read_jsonl(path, text_column, id_column)
        return
    if fmt == "xlsx":
        header, rows = _xlsx_rows(path)
    else:
        header, rows = _csv_rows(path, "\t" if fmt == "tsv" else None)
    if text_column not in header:
        raise InputError(f"{path}: no column {text_column!r}; the columns are {', '.join(header)}")
    text_at = header.index(text_column)
    id_at = header.index(id_column) if id_column and id_column in header else None
    if id_column and id_at is None:
        raise InputError(f"{path}: no column {id_column!r}")
    for number, cells in rows:
        if text_at >= len(cells):
            yield InputRow(number, "", problem="missing_column")
            continue
        text, problem = _fix(cells[text_at])
        row_id = _fix(cells[id_at])[0] if id_at is not None and id_at < len(cells) else ""
        yield InputRow(number, text, row_id, problem)


def _csv_rows(
    path: Path, delimiter: str | None
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    stream = path.open("rb")
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    first = text.readline()
    if not first.strip():
        stream.close()
        raise InputError(f"{path}: the file is empty")
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    header = [h.strip() for h in next(csv.reader([first], delimiter=delimiter))]
    reader = csv.reader(text, delimiter=delimiter)

    def rows() -> Iterator[tuple[int, list[str]]]:
        with stream:
            for number, cells in enumerate(reader, start=2):
                if cells:
                    yield number, cells

    return header, rows()


def _xlsx_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InputError(f"{path}: cannot read the XLSX file: {exc}") from exc
    values = workbook.worksheets[0].iter_rows(values_only=True)
    header = [str(v or "").strip() for v in next(values, ())]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, row in enumerate(values, start=2):
            cells = ["" if v is None else str(v) for v in row]
            if any(cells):
                yield number, cells
        workbook.close()

    return header, rows()


def _read_jsonl(path: Path, text_column: str, id_column: str | None) -> Iterator[InputRow]:
    with path.open("rb") as file:
        for number, raw in enumerate(file, start=1):
            line, problem = _fix(raw.decode("utf-8", "surrogateescape"))
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                yield InputRow(number, "", problem="bad_json")
                continue
            value = record.get(text_column) if isinstance(record, dict) else None
            row_id = (
                str(record.get(id_column, "")) if id_column and isinstance(record, dict) else ""
            )
            if value is None:
                yield InputRow(number, "", row_id, "missing_column")
            elif not isinstance(value, str):
                yield InputRow(number, "", row_id, "not_text")
            else:
                yield InputRow(number, value, row_id, problem)


CSV_COLUMNS = (
    "row",
    "id",
    "status",
    "problem",
    "language",
    "truncated",
    "text",
    "labels",
    "valence",
    "polarity",
    "intensity",
    "themes",
    "flags",
    "urgent",
    "redactions",
    "model_version",
)


class ResultWriter:
    """JSON Lines (every field) or CSV (flat columns, one per emotion)."""

    def __init__(self, stream: IO[str], fmt: str, emotions: tuple[str, ...]) -> None:
        if fmt not in ("jsonl", "csv"):
            raise InputError("write results as jsonl or csv")
        self.fmt = fmt
        self.stream = stream
        self.emotions = emotions
        if fmt == "csv":
            self._csv = csv.writer(stream)
            self._csv.writerow([*CSV_COLUMNS, *(f"p_{e}" for e in emotions)])

    def write(self, row: InputRow, result: dict) -> None:
        record = {"row": row.number, "id": row.id, "problem": row.problem, **result}
        if self.fmt == "jsonl":
            self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            return
        flat = {
            **record,
            "labels": ";".join(record["labels"]),
            "themes": ";".join(dict.fromkeys(t["key"] for t in record["themes"])),
            "flags": ";".join(f["kind"] for f in record["flags"]),
            "urgent": any(f["urgent"] for f in record["flags"]),
            "redactions": ";".join(record["redactions"]),
        }
        probabilities = record["emotions"]
        self._csv.writerow(
            [flat[c] for c in CSV_COLUMNS] + [probabilities.get(e, "") for e in self.emotions]
        )
