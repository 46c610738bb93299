"""POST /api/v1/responses, the batch, the public JSON endpoint and reading back."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from kaiku.responses.models import Response
from tests.factories import make_api_key, make_organisation, make_survey

pytestmark = pytest.mark.django_db


def _setup():  # type: ignore[no-untyped-def]
    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    _key, secret = make_api_key(organisation)
    return survey, Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _post(client: Client, body: dict[str, Any], **headers: str):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/responses", body, content_type="application/json", **headers)


def test_submit_and_read_back() -> None:
    survey, client = _setup()
    touchpoint = survey.touchpoints.first()
    body = {
        "survey_id": survey.pk,
        "touchpoint_id": touchpoint.pk,
        "answers": {"nps": 3, "what_happened": "Lasku oli väärin.", "feeling": {"anger": 2}},
        "channel": "phone",
        "experienced_at": "2026-11-20T10:00:00+02:00",
        "metadata": {"case": "A-17"},
        "respondent_ref": "crm-991",
    }
    answer = _post(client, body)
    assert answer.status_code == 201, answer.content
    read = client.get(f"/api/v1/responses/{answer.json()['id']}").json()
    assert read["touchpoint_id"] == touchpoint.pk and read["channel"] == "phone"
    assert read["source"] == "api" and read["metadata"] == {"case": "A-17"}
    by_key = {a["question"]: a for a in read["answers"]}
    assert by_key["nps"]["number"] == 3
    assert by_key["feeling"]["emotions"] == [{"emotion": "anger", "intensity": 2}]
    assert by_key["what_happened"]["analysis_state"] in ("queued", "waiting")
    assert read["respondent"]  # a pseudonym, not the CRM id
    assert "crm-991" not in str(read)


def test_retry_with_the_idempotency_key_returns_the_first_id() -> None:
    survey, client = _setup()
    body = {"survey_id": survey.pk, "answers": {"nps": 8}}
    first = _post(client, body, HTTP_IDEMPOTENCY_KEY="order-42")
    retry = _post(client, {**body, "answers": {"nps": 0}}, HTTP_IDEMPOTENCY_KEY="order-42")
    assert first.status_code == 201 and retry.status_code == 200
    assert retry.json() == {"id": first.json()["id"], "created": False}
    assert Response.objects.count() == 1


def test_invalid_answer_answers_422_with_the_question_and_reason() -> None:
    survey, client = _setup()
    answer = _post(client, {"survey_id": survey.pk, "answers": {"nps": 12}})
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {
            "loc": ["body", "answers", "nps"],
            "msg": "Expected a number from 0 to 10.",
            "type": "value_error",
        }
    ]


def test_another_organisations_survey_is_refused() -> None:
    survey, _client = _setup()
    _other_survey, other_client = _setup()
    answer = _post(other_client, {"survey_id": survey.pk, "answers": {"nps": 8}})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "survey_id"]
    assert not Response.objects.filter(survey=survey).exists()


def test_paused_survey_answers_409() -> None:
    organisation, _ = make_organisation()
    survey = make_survey(organisation, status="paused")
    _key, secret = make_api_key(organisation)
    answer = _post(
        Client(HTTP_AUTHORIZATION=f"Bearer {secret}"),
        {"survey_id": survey.pk, "answers": {"nps": 8}},
    )
    assert answer.status_code == 409


def test_oversized_body_answers_413_and_stores_nothing() -> None:
    survey, client = _setup()
    answer = _post(
        client, {"survey_id": survey.pk, "answers": {"nps": 1}, "metadata": {"x": "y" * 70_000}}
    )
    assert answer.status_code == 413
    assert not Response.objects.exists()


def test_batch_keeps_good_items_and_reports_bad_ones() -> None:
    survey, client = _setup()
    items = [
        {"survey_id": survey.pk, "answers": {"nps": 9}, "idempotency_key": "a"},
        {"survey_id": survey.pk, "answers": {"nps": 99}},
        {"survey_id": survey.pk, "answers": {"nps": 9}, "idempotency_key": "a"},
        {"survey_id": survey.pk, "answers": {"nps": 2, "visit": "nope"}},
        {"survey_id": survey.pk, "answers": {"nps": 6}},
    ]
    answer = client.post(
        "/api/v1/responses/batch", {"responses": items}, content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["created"], body["duplicates"], body["rejected"]) == (2, 1, 2)
    statuses = [r["status"] for r in body["results"]]
    assert statuses == ["created", "rejected", "duplicate", "rejected", "created"]
    assert body["results"][1]["errors"][0]["loc"] == ["responses", 1, "answers", "nps"]
    assert body["results"][3]["errors"][0]["loc"] == ["responses", 3, "answers", "visit"]
    assert Response.objects.count() == 2


def test_public_endpoint_takes_answers_without_a_key_and_limits_the_rate(settings: Any) -> None:
    settings.KAIKU_RATE_LIMITS = {"submit_per_ip": "3/86400", "submit_per_survey": "1000/60"}
    from django.core.cache import cache

    cache.clear()
    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    url = f"/api/v1/public/surveys/{survey.public_token}/responses"
    codes = [
        Client().post(url, {"answers": {"nps": 7}}, content_type="application/json").status_code
        for _ in range(5)
    ]
    assert codes == [201, 201, 201, 429, 429]
    assert Response.objects.filter(source="web").count() == 3
    limited = Client().post(url, {"answers": {"nps": 7}}, content_type="application/json")
    assert int(limited["Retry-After"]) > 0


def test_public_endpoint_of_an_unknown_token_is_404() -> None:
    answer = Client().post(
        "/api/v1/public/surveys/nope/responses", {"answers": {}}, content_type="application/json"
    )
    assert answer.status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_store_one_response() -> None:
    survey, client = _setup()
    secret = client.defaults["HTTP_AUTHORIZATION"]
    results: list[int] = []
    start = threading.Barrier(6)

    def send() -> None:
        try:
            start.wait()
            answer = _post(
                Client(HTTP_AUTHORIZATION=secret),
                {"survey_id": survey.pk, "answers": {"nps": 5}},
                HTTP_IDEMPOTENCY_KEY="same",
            )
            results.append(answer.json()["id"])
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 6 and len(set(results)) == 1
    assert Response.objects.count() == 1


def test_an_experience_time_without_a_zone_is_local_time() -> None:
    # Compared with the (aware) present, a naive time was a server error.
    survey, client = _setup()
    body = {"survey_id": survey.pk, "answers": {"nps": 5}, "experienced_at": "2026-01-05T10:00"}
    answer = _post(client, body)
    assert answer.status_code == 201, answer.content
    read = client.get(f"/api/v1/responses/{answer.json()['id']}").json()
    assert read["experienced_at"] == "2026-01-05T08:00:00Z"  # Helsinki is UTC+2 in winter


def test_an_experience_before_1900_answers_422() -> None:
    # Year 1 cannot be turned into UTC to be stored: it was a server error.
    survey, client = _setup()
    for moment in ("0001-01-01T00:00:00+05:00", "1899-12-31T12:00:00Z"):
        answer = _post(
            client, {"survey_id": survey.pk, "answers": {"nps": 5}, "experienced_at": moment}
        )
        assert answer.status_code == 422, moment
        assert answer.json()["detail"][0]["loc"] == ["body", "experienced_at"]


def test_numbers_beyond_what_the_database_holds_answer_422() -> None:
    # A negative offset, or one or an id past 64 bits, was a server error (found by
    # benchmarks/api_fuzz.py).
    survey, client = _setup()
    for query in ({"offset": -1}, {"offset": 10**22}, {"survey_id": 2**64}):
        assert client.get("/api/v1/responses", query).status_code == 422, query
    answer = _post(client, {"survey_id": 2**64, "answers": {"nps": 5}})
    assert answer.status_code == 422 and "survey_id" in answer.content.decode()
    assert client.get("/api/v1/responses", {"survey_id": survey.pk}).status_code == 200
