"""GET /api/v1/analyses and POST /api/v1/analyse."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories import make_api_key, make_organisation, make_survey, submit

pytestmark = pytest.mark.django_db


def _client(capture: Any):  # type: ignore[no-untyped-def]
    organisation, _ = make_organisation()
    _, secret = make_api_key(organisation, scope="read")
    survey = make_survey(organisation)
    with capture(execute=True):
        submit(survey, {"nps": 1, "what_happened": "Lasku oli väärin ja kukaan ei vastannut."})
        submit(survey, {"nps": 5, "what_happened": "Kiitos ystävällisestä palvelusta!"})
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}"), survey


def test_analyses_are_listed_newest_first_and_filtered(django_capture_on_commit_callbacks: Any):
    client, survey = _client(django_capture_on_commit_callbacks)
    everything = client.get("/api/v1/analyses").json()
    assert [a["polarity"] for a in everything] == ["positive", "negative"]
    assert everything[0]["question"] == "what_happened"
    assert set(everything[0]["emotions"]) >= {"joy", "neutral"}
    billing = client.get("/api/v1/analyses", {"theme": "billing", "survey": survey.pk}).json()
    assert [a["text"] for a in billing] == ["Lasku oli väärin ja kukaan ei vastannut."]
    assert client.get("/api/v1/analyses", {"polarity": "mixed"}).json() == []
    assert client.get("/api/v1/analyses", {"polarity": "bad"}).status_code == 422


def test_a_survey_id_past_64_bits_or_a_huge_offset_answers_422(
    django_capture_on_commit_callbacks: Any,
):
    # Both were server errors (found by benchmarks/api_fuzz.py).
    client, _survey = _client(django_capture_on_commit_callbacks)
    assert client.get("/api/v1/analyses", {"survey": -(10**23)}).status_code == 422
    assert client.get("/api/v1/analyses", {"offset": 10**22}).status_code == 422
    assert len(client.get("/api/v1/analyses", {"offset": 1}).json()) == 1


def test_texts_are_analysed_on_request_and_redacted(django_capture_on_commit_callbacks: Any):
    client, _ = _client(django_capture_on_commit_callbacks)
    answer = client.post(
        "/api/v1/analyse",
        {"texts": ["The staff were rude, call me on +358 40 123 4567", "", "👍"]},
        content_type="application/json",
    )
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["ok", "empty", "no_words"]
    assert results[0]["language"] == "en" and results[0]["polarity"] == "negative"
    assert "[PUHELIN]" in results[0]["text"]


def test_bad_analysis_requests_name_the_problem(django_capture_on_commit_callbacks: Any):
    client, _ = _client(django_capture_on_commit_callbacks)

    def post(body: dict) -> Any:
        return client.post("/api/v1/analyse", body, content_type="application/json")

    assert post({"texts": ["hei"], "lang": "de"}).status_code == 422
    too_long = post({"texts": ["ok", "x" * 100_001]})
    assert too_long.status_code == 422
    assert too_long.json()["detail"][0]["loc"] == ["body", "texts", 1]
    assert post({"texts": ["x"] * 1001}).status_code == 422
    assert post({"texts": [None]}).status_code == 422


def test_themes_through_the_api(django_capture_on_commit_callbacks: Any):
    organisation, _ = make_organisation()
    _, secret = make_api_key(organisation, scope="write")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    themes = client.get("/api/v1/themes").json()
    assert {"waiting_time", "billing"} <= {t["key"] for t in themes}
    made = client.post(
        "/api/v1/themes",
        {"key": "parking", "names": {"fi": "Pysäköinti"}, "terms": {"fi": ["parkki"]}},
        content_type="application/json",
    )
    assert made.status_code == 200
    assert made.json() == {
        "key": "parking",
        "name": "Pysäköinti",
        "terms": {"fi": ["parkki"]},
        "origin": "own",
        "active": True,
    }
    bad = client.post(
        "/api/v1/themes",
        {"key": "x", "names": {"fi": "X"}, "terms": {"fi": ["a"]}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "terms_fi"


def test_corrections_and_the_organisation_model_through_the_api(
    django_capture_on_commit_callbacks: Any,
):
    client, survey = _client(django_capture_on_commit_callbacks)
    _, secret = make_api_key(survey.organisation, scope="write")
    writer = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    first = client.get("/api/v1/analyses").json()[0]
    corrected = writer.post(
        "/api/v1/analyses/corrections",
        {"answer_id": first["answer_id"], "polarity": "negative", "labels": ["sadness"]},
        content_type="application/json",
    )
    assert corrected.json() == {
        "answer_id": first["answer_id"],
        "polarity": "negative",
        "labels": ["sadness"],
    }
    assert client.get("/api/v1/analysis-model").json()["trained"] is False
    with django_capture_on_commit_callbacks(execute=True):
        assert writer.post("/api/v1/analysis-model/train").status_code == 202
    model = client.get("/api/v1/analysis-model").json()
    assert model["trained"] and model["report"]["reason"] == "too few labelled comments"
    assert client.get("/api/v1/themes/suggestions").status_code == 200
