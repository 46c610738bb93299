"""A subject-access export as files: one ZIP with the whole document as JSON and its
parts as CSV tables (answers, consents, cases, invitations) for a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from kaiku.analytics.exports import safe_text

TABLES: dict[str, list[str]] = {
    "answers.csv": [
        "pseudonym", "response_id", "submitted_at", "survey", "touchpoint", "language",
        "question", "question_text", "kind", "number", "text", "choices", "emotions",
    ],
    "consents.csv": [
        "pseudonym", "kind", "given", "at", "channel", "language", "text", "text_sha256",
    ],
    "cases.csv": ["pseudonym", "case_id", "response_id", "title", "state", "at", "kind", "text"],
    "invitations.csv": [
        "pseudonym", "round", "survey", "scheduled_at", "status", "sent_at", "response_id",
    ],
}  # fmt: skip


def tables(document: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """The document's parts as rows (with a header row), by file name."""
    out: dict[str, list[list[Any]]] = {name: [header] for name, header in TABLES.items()}
    for person in document["people"]:
        who = person["pseudonym"]
        for response in person["responses"]:
            for answer in response["answers"]:
                out["answers.csv"].append(
                    [
                        who, response["id"], response["submitted_at"], response["survey"],
                        response["touchpoint"], response["language"], answer["question"],
                        answer["question_text"], answer["kind"], answer["number"],
                        answer["text"], " ".join(answer["choices"]),
                        " ".join(f"{k}:{v}" for k, v in answer["emotions"].items()),
                    ]
                )  # fmt: skip
        for consent in person["consents"]:
            out["consents.csv"].append([who, *(consent[c] for c in TABLES["consents.csv"][1:])])
        for case in person["cases"]:
            base = [who, case["id"], case["response_id"], case["title"], case["state"]]
            out["cases.csv"].append([*base, case["created_at"], "opened", ""])
            for event in case["events"]:
                out["cases.csv"].append([*base, event["at"], event["kind"], event["text"]])
            for part in ("resolution", "root_cause"):
                if case[part]:
                    out["cases.csv"].append([*base, case["resolved_at"], part, case[part]])
        for invitation in person["invitations"]:
            out["invitations.csv"].append(
                [who, *(invitation[c] for c in TABLES["invitations.csv"][1:])]
            )
    return out


def _csv(rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(
            ["" if v is None else safe_text(v) if isinstance(v, str) else v for v in row]
        )
    return "\ufeff" + buffer.getvalue()


def as_zip(document: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "subject.json", json.dumps(document, ensure_ascii=False, indent=2, default=str)
        )
        for name, rows in tables(document).items():
            archive.writestr(name, _csv(rows))
    return buffer.getvalue()
