"""One part down at a time: the broker (Redis) stopped, the cache unreachable, the
database gone mid-request. A request either saves and says so, or saves nothing and
answers 503 with Retry-After; work that could not be queued is found by a sweep.
benchmarks/failures.py runs the same outages against the whole running system."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.db import OperationalError
from django.test import Client

from kaiku.core.background import lost_work, queued_messages
from kaiku.loop.alerts import has_rules
from kaiku.people.models import PulseAnswer
from kaiku.people.services import analyse_lost_pulse
from kaiku.responses import import_jobs
from kaiku.responses.models import AnalysisState, Answer, ImportStatus, Response
from kaiku.textanalysis import engine, services
from kaiku.textanalysis.models import TextAnalysis
from kaiku.textanalysis.signals import answers_analysed
from tests.factories import (
    make_api_key,
    make_import_job,
    make_organisation,
    make_survey,
    owner_actor,
    submit,
)
from tests.worker import broker, unreachable_broker  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

COMMENT = "Jonotin tunnin eikä kukaan kertonut miksi."
UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "kaiku.core.cache.ForgivingRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.fixture(autouse=True)
def _quick_people(settings: Any) -> None:
    settings.KAIKU_MIN_FILL_SECONDS = 0
    cache.clear()


def _post_api(client: Client, survey: Any, secret: str, **headers: str) -> Any:
    return client.post(
        "/api/v1/responses",
        json.dumps({"survey_id": survey.pk, "answers": {"nps": 3, "what_happened": COMMENT}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        **headers,
    )


def _post_form(client: Client, survey: Any) -> Any:
    page = client.get(f"/s/{survey.public_token}/").content.decode()
    fields = dict(re.findall(r'name="(started|csrfmiddlewaretoken|tp)" value="([^"]+)"', page))
    return client.post(f"/s/{survey.public_token}/", {**fields, "q_nps": "4", "website": ""})


# The broker stopped ----------------------------------------------------------------


def test_an_answer_is_saved_while_the_broker_is_stopped(
    unreachable_broker: str,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    organisation, _owner = make_organisation()
    survey = make_survey(organisation)
    _key, secret = make_api_key(organisation)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    with (
        caplog.at_level(logging.WARNING, logger="kaiku.core.background"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert _post_api(client, survey, secret).status_code == 201
        assert _post_form(client, survey).status_code == 302
    assert Response.objects.filter(survey=survey).count() == 2
    answer = Answer.objects.get(question__key="what_happened")
    assert answer.analysis_state == AnalysisState.QUEUED
    assert "Could not queue textanalysis.analyse_responses" in caplog.text


def test_an_import_that_cannot_be_queued_says_so_and_can_start_again(
    unreachable_broker: str,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    organisation, _owner = make_organisation()
    survey = make_survey(organisation, status="closed")
    job = make_import_job(survey)
    with django_capture_on_commit_callbacks(execute=True):
        import_jobs.start_import(
            actor=owner_actor(organisation), job=job, mapping={"nps": "nps"}, dry_run=False
        )
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "background queue is unreachable" in job.error
    assert not job.in_progress  # so it can be started again


# The sweep for lost work -----------------------------------------------------------


def _lost_answers(count: int) -> list[int]:
    """Answers saved whose analysis task never ran (the broker lost it)."""
    organisation, _owner = make_organisation()
    survey = make_survey(organisation)
    for n in range(count):
        submit(survey, {"nps": n % 11, "what_happened": f"{COMMENT} ({n})"})
    return list(
        Answer.objects.filter(analysis_state=AnalysisState.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def test_the_sweep_resends_only_what_waited_since_its_previous_run() -> None:
    older = _lost_answers(3)
    waiting = Answer.objects.filter(analysis_state=AnalysisState.QUEUED)
    assert lost_work("test", waiting) == []  # the first run only marks where it is
    newer = _lost_answers(2)[3:]
    assert lost_work("test", waiting) == older  # the newer may still be on their way
    assert lost_work("test", waiting) == older + newer


@pytest.mark.redis
def test_nothing_is_resent_while_the_queue_holds_messages(broker: None) -> None:  # noqa: F811
    """Work behind queued messages is waiting, not lost."""
    from kaiku.celery import app
    from kaiku.textanalysis.tasks import analyse_answers_task

    older = _lost_answers(2)
    waiting = Answer.objects.filter(analysis_state=AnalysisState.QUEUED)
    lost_work("test", waiting)
    analyse_answers_task.delay(older)  # no worker: it stays in Redis
    assert queued_messages() == 1
    assert lost_work("test", waiting) == []
    app.control.purge()
    assert queued_messages() == 0
    assert lost_work("test", waiting) == older


def test_lost_analyses_are_done_by_the_sweep(
    django_capture_on_commit_callbacks: Any,
) -> None:
    lost = _lost_answers(4)
    assert services.analyse_lost() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.analyse_lost() == 4  # no broker in tests: the task runs here
    assert set(TextAnalysis.objects.values_list("answer_id", flat=True)) == set(lost)
    assert not Answer.objects.filter(analysis_state=AnalysisState.QUEUED).exists()
    assert services.analyse_lost() == 0


def test_two_tasks_for_the_same_answers_store_one_analysis(monkeypatch: Any) -> None:
    """A task redelivered after its worker died runs while the sweep's copy runs: the
    second to finish finds the answers analysed, stores nothing and tells no one."""
    ids = _lost_answers(3)
    analyzer = engine.analyzer()
    original = analyzer.analyze_batch
    heard: list[int] = []

    def other_task_finishes_meanwhile(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(analyzer, "analyze_batch", original)
        assert services.analyse_answers(answer_ids=ids) == 3
        return original(*args, **kwargs)

    def listen(sender: Any, analyses: list, **kwargs: Any) -> None:
        heard.extend(a.answer_id for a in analyses)

    answers_analysed.connect(listen, dispatch_uid="test.listen")
    try:
        monkeypatch.setattr(analyzer, "analyze_batch", other_task_finishes_meanwhile)
        first = dict(TextAnalysis.objects.values_list("answer_id", "analysed_at"))
        assert first == {}
        assert services.analyse_answers(answer_ids=ids) == 0
    finally:
        answers_analysed.disconnect(dispatch_uid="test.listen")
    assert TextAnalysis.objects.count() == 3
    assert sorted(heard) == ids  # once each


def test_reanalysis_still_rewrites_analysed_answers() -> None:
    ids = _lost_answers(2)
    services.analyse_answers(answer_ids=ids)
    before = set(TextAnalysis.objects.values_list("pk", "analysed_at"))
    assert services.reanalyse(everything=True) == 2
    assert set(TextAnalysis.objects.values_list("pk", "analysed_at")) != before


def test_lost_pulse_texts_are_analysed_and_redacted_by_the_sweep(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from tests.people.test_pulse import LAST_MONTH, _answer, _pulse, _teams

    organisation, _owner = make_organisation()
    survey = _pulse(organisation)
    (team,) = _teams(organisation, "Kassa")
    _answer(survey, team, LAST_MONTH, wellbeing=2, words="Esihenkilö Matti Virtanen huutaa.")
    assert PulseAnswer.objects.filter(analysed=False).exclude(text="").count() == 1
    assert analyse_lost_pulse() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert analyse_lost_pulse() == 1
    text = PulseAnswer.objects.exclude(text="").get()
    assert text.analysed and "Virtanen" not in text.text


# The cache unreachable ---------------------------------------------------------------


def test_an_unreachable_cache_is_a_cache_that_holds_nothing(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.CACHES = UNREACHABLE_CACHE
    unreachable = caches["default"]
    with caplog.at_level(logging.WARNING, logger="kaiku.core.cache"):
        unreachable.set("k", 1)
        assert unreachable.get("k", "missing") == "missing"
        assert unreachable.get_or_set("k", 2) == 2
        assert unreachable.add("k", 1) is False
        assert unreachable.get_many(["k"]) == {}
        with pytest.raises(ValueError):
            unreachable.incr("k")
        organisation, _owner = make_organisation()
        assert has_rules(organisation.pk) is False
    assert "The cache is unreachable" in caplog.text


def test_answers_are_taken_while_the_cache_is_unreachable(settings: Any) -> None:
    settings.CACHES = UNREACHABLE_CACHE
    organisation, _owner = make_organisation()
    survey = make_survey(organisation)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert _post_form(client, survey).status_code == 302
    assert Response.objects.filter(survey=survey).count() == 1


# The database gone ---------------------------------------------------------------------


@pytest.fixture
def database_gone(monkeypatch: Any) -> None:
    """The write fails as it does when PostgreSQL restarts under a request."""

    def fail(*args: Any) -> Any:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("kaiku.responses.services.insert_response", fail)


def test_the_api_answers_503_with_retry_after_when_the_database_is_gone(
    database_gone: None, settings: Any
) -> None:
    settings.KAIKU_RETRY_AFTER_SECONDS = 7
    organisation, _owner = make_organisation()
    survey = make_survey(organisation)
    _key, secret = make_api_key(organisation)
    answer = _post_api(Client(), survey, secret, HTTP_IDEMPOTENCY_KEY="k-1")
    assert answer.status_code == 503 and answer["Retry-After"] == "7"
    assert "Try again in 7 seconds" in answer.json()["detail"]
    assert not Response.objects.exists()


def test_the_form_answers_503_with_a_page_that_says_to_send_again(database_gone: None) -> None:
    organisation, _owner = make_organisation()
    survey = make_survey(organisation)
    page = _post_form(Client(HTTP_ACCEPT_LANGUAGE="en"), survey)
    assert page.status_code == 503 and int(page["Retry-After"]) > 0
    assert "Please go back and send again" in page.content.decode()
    finnish = _post_form(Client(), survey)
    assert finnish.status_code == 503 and 'lang="fi"' in finnish.content.decode()


def test_other_server_errors_stay_server_errors(monkeypatch: Any) -> None:
    def fail(*args: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("kaiku.responses.services.insert_response", fail)
    organisation, _owner = make_organisation()
    survey = make_survey(organisation)
    _key, secret = make_api_key(organisation)
    client = Client(raise_request_exception=False)
    assert _post_api(client, survey, secret).status_code == 500
