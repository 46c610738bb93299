"""Free-text answers analysed after commit, stored per answer, redacted by policy."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.management import call_command

from kaiku.organisations.models import PiiRedaction
from kaiku.responses.models import AnalysisState, Answer
from kaiku.textanalysis import engine, services
from kaiku.textanalysis.models import TextAnalysis
from kaiku.textanalysis.signals import answers_analysed
from tests.factories import make_organisation, make_survey, submit
from tests.worker import output_of

pytestmark = pytest.mark.django_db

COMPLAINT = "Jonotin tunnin ja henkilökunta oli töykeää. Soittakaa 040 123 4567."


def _submit_text(text: str, policy: str = PiiRedaction.STORE, capture: Any = None) -> Answer:
    organisation, _ = make_organisation()
    organisation.pii_redaction = policy
    organisation.save()
    survey = make_survey(organisation)
    with capture(execute=True):
        response = submit(survey, {"nps": 2, "what_happened": text})
    return response.answers.get(question__key="what_happened")


def test_a_submitted_comment_is_analysed_and_stored(django_capture_on_commit_callbacks: Any):
    answer = _submit_text(COMPLAINT, capture=django_capture_on_commit_callbacks)
    analysis = TextAnalysis.objects.get(answer=answer)
    assert answer.analysis_state == AnalysisState.DONE
    assert analysis.status == "ok" and analysis.language == "fi"
    assert analysis.polarity == "negative" and analysis.valence < 0
    assert {"waiting_time", "staff_attitude"} <= set(analysis.theme_keys)
    assert "difficult_emotion" in analysis.flag_kinds
    assert analysis.model_version == engine.analyzer().version
    assert analysis.response_id == answer.response_id
    assert analysis.organisation_id == answer.response.organisation_id


def test_store_policy_keeps_only_the_redacted_text(django_capture_on_commit_callbacks: Any):
    answer = _submit_text(COMPLAINT, capture=django_capture_on_commit_callbacks)
    answer.refresh_from_db()
    assert "040" not in answer.text and "[PUHELIN]" in answer.text
    assert "[PUHELIN]" in answer.analysis.text
    assert answer.analysis.redactions == ["phone"]


def test_display_policy_keeps_the_original_and_shows_the_redacted(
    django_capture_on_commit_callbacks: Any,
):
    answer = _submit_text(COMPLAINT, PiiRedaction.DISPLAY, django_capture_on_commit_callbacks)
    answer.refresh_from_db()
    assert "040 123 4567" in answer.text
    assert "[PUHELIN]" in answer.analysis.text


def test_redaction_can_be_off(django_capture_on_commit_callbacks: Any):
    answer = _submit_text(COMPLAINT, PiiRedaction.OFF, django_capture_on_commit_callbacks)
    assert "040 123 4567" in answer.analysis.text
    assert answer.analysis.redactions == []


def test_an_urgent_signal_is_stored_and_findable(django_capture_on_commit_callbacks: Any):
    answer = _submit_text("En jaksa elää enää.", capture=django_capture_on_commit_callbacks)
    assert TextAnalysis.objects.filter(urgent=True).get() == answer.analysis


def test_analysing_again_replaces_the_analysis(django_capture_on_commit_callbacks: Any):
    answer = _submit_text(COMPLAINT, capture=django_capture_on_commit_callbacks)
    first = TextAnalysis.objects.get(answer=answer)
    # A task asking again for an analysed answer leaves it (a redelivered task)…
    assert services.analyse_answers(answer_ids=[answer.pk]) == 0
    # …and re-analysis replaces it.
    assert services.analyse_answers(answer_ids=[answer.pk], waiting_only=False) == 1
    again = TextAnalysis.objects.get(answer=answer)
    assert again.analysed_at > first.analysed_at


def test_subscribers_hear_of_each_batch(django_capture_on_commit_callbacks: Any):
    heard = []

    def listener(sender: Any, organisation_id: int, analyses: list, **kwargs: Any) -> None:
        heard.append((organisation_id, [a.answer_id for a in analyses]))

    answers_analysed.connect(listener)
    try:
        answer = _submit_text(COMPLAINT, capture=django_capture_on_commit_callbacks)
    finally:
        answers_analysed.disconnect(listener)
    assert heard == [(answer.response.organisation_id, [answer.pk])]


def test_reanalyse_takes_older_versions_and_waiting_answers(
    django_capture_on_commit_callbacks: Any,
):
    old = _submit_text(COMPLAINT, capture=django_capture_on_commit_callbacks)
    TextAnalysis.objects.filter(answer=old).update(model_version="0.old")
    waiting = _submit_text("Kiitos!", capture=django_capture_on_commit_callbacks)
    TextAnalysis.objects.filter(answer=waiting).delete()
    Answer.objects.filter(pk=waiting.pk).update(analysis_state=AnalysisState.WAITING)
    current = _submit_text("Hyvä palvelu", capture=django_capture_on_commit_callbacks)
    before = current.analysis.analysed_at

    assert services.count_to_reanalyse() == 2
    call_command("reanalyze", "--no-progress")
    assert TextAnalysis.objects.get(answer=old).model_version == engine.analyzer().version
    assert TextAnalysis.objects.filter(answer=waiting).exists()
    assert TextAnalysis.objects.get(answer=current).analysed_at == before
    assert services.count_to_reanalyse() == 0


def test_reanalyse_all_of_one_organisation(django_capture_on_commit_callbacks: Any):
    mine = _submit_text(COMPLAINT, capture=django_capture_on_commit_callbacks)
    _submit_text("Hyvä palvelu", capture=django_capture_on_commit_callbacks)
    organisation = mine.response.organisation
    assert services.count_to_reanalyse(organisation=organisation, everything=True) == 1
    call_command("reanalyze", "--organisation", organisation.slug, "--all", "--no-progress")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_analyses_a_submitted_comment(worker: Any) -> None:
    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    response = submit(survey, {"nps": 1, "what_happened": "Laskussa oli virhe taas."})
    answer = response.answers.get(question__key="what_happened")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and worker.poll() is None:
        if TextAnalysis.objects.filter(answer=answer).exists():
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"the worker did not analyse the answer; its output:\n{output_of(worker)}")
    analysis = TextAnalysis.objects.get(answer=answer)
    assert "billing" in analysis.theme_keys
