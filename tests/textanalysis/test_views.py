"""The analysis settings page: personal data policy, themes, suggestions, own model."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.test import Client

from kaiku.organisations.models import Role
from kaiku.textanalysis.models import OrganisationModel, OrganisationTheme, TextAnalysis
from tests.factories import make_member, make_organisation, make_survey, submit

pytestmark = pytest.mark.django_db


def _client(role: Role):  # type: ignore[no-untyped-def]
    organisation, _ = make_organisation()
    user, _ = make_member(organisation, role)
    client = Client()
    client.force_login(user)
    return client, organisation


def _comment(organisation, text: str, capture: Any, **answers: Any) -> TextAnalysis:  # type: ignore[no-untyped-def]
    survey = organisation.surveys.first() or make_survey(organisation)
    with capture(execute=True):
        response = submit(survey, {"nps": 2, "what_happened": text, **answers})
    return TextAnalysis.objects.get(response=response)


def test_an_analyst_adds_a_theme_and_new_comments_are_read_with_it(
    django_capture_on_commit_callbacks: Any,
):
    client, organisation = _client(Role.ANALYST)
    answer = client.post(
        "/analysis/themes/edit/",
        {"key": "parking", "active": "on", "name_fi": "Pysäköinti", "terms_fi": "parkki, pysäk"},
    )
    assert answer.status_code == 302
    assert OrganisationTheme.objects.get(organisation=organisation).terms == {
        "fi": ["parkki", "pysäk"]
    }
    analysis = _comment(
        organisation, "Parkkipaikkaa ei löytynyt mistään.", django_capture_on_commit_callbacks
    )
    assert "parking" in analysis.theme_keys
    page = client.get("/analysis/").content.decode()
    assert "Pysäköinti" in page


def test_a_default_theme_can_be_switched_off(django_capture_on_commit_callbacks: Any):
    client, organisation = _client(Role.ANALYST)
    client.post("/analysis/themes/edit/?key=billing", {"key": "billing", "terms_fi": "lasku"})
    assert not OrganisationTheme.objects.get(key="billing").active
    analysis = _comment(organisation, "Lasku oli väärin.", django_capture_on_commit_callbacks)
    assert "billing" not in analysis.theme_keys


def test_a_bad_term_is_named_and_nothing_saved():
    client, _ = _client(Role.ANALYST)
    page = client.post(
        "/analysis/themes/edit/",
        {"key": "x", "active": "on", "name_fi": "X", "terms_fi": "a, hyvä"},
    )
    assert page.status_code == 200
    assert "“a” on liian lyhyt" in page.content.decode()
    assert not OrganisationTheme.objects.exists()


def test_recurring_unmatched_words_are_suggested(django_capture_on_commit_callbacks: Any):
    client, organisation = _client(Role.VIEWER)
    for text in ("Zorblaxin kanssa ongelmia", "Zorblax ei kelpaa", "zorblaxit eivät kelpaa meille"):
        _comment(organisation, text, django_capture_on_commit_callbacks)
    page = client.get("/analysis/").content.decode()
    assert "(zorbl" in page and "?term=zorbl" not in page  # a viewer sees, cannot act


def test_only_an_admin_sets_the_redaction_policy():
    client, organisation = _client(Role.ANALYST)
    assert client.post("/analysis/redaction/", {"pii_redaction": "off"}).status_code == 403
    admin, organisation = _client(Role.ADMIN)
    admin.post("/analysis/redaction/", {"pii_redaction": "display"})
    organisation.refresh_from_db()
    assert organisation.pii_redaction == "display"


def test_training_from_the_page_reports_the_comparison(django_capture_on_commit_callbacks: Any):
    client, organisation = _client(Role.ANALYST)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/analysis/train/")
    model = OrganisationModel.objects.get(organisation=organisation)
    assert model.report["reason"] == "too few labelled comments"
    assert "too few labelled comments" in client.get("/analysis/").content.decode()


def test_an_analyst_makes_a_theme_from_a_suggestion(django_capture_on_commit_callbacks: Any):
    client, organisation = _client(Role.ANALYST)
    for text in ("Zorblaxin kanssa ongelmia", "Zorblax ei kelpaa", "zorblaxit eivät kelpaa meille"):
        _comment(organisation, text, django_capture_on_commit_callbacks)
    assert "?term=zorbl" in client.get("/analysis/").content.decode()
    form = client.get("/analysis/themes/edit/", {"term": "zorbl"}).content.decode()
    assert 'value="zorbl"' in form


def test_a_handler_corrects_an_analysis_and_it_survives_reanalysis(
    django_capture_on_commit_callbacks: Any,
):
    from django.core.management import call_command

    from kaiku.textanalysis.models import Correction

    client, organisation = _client(Role.HANDLER)
    analysis = _comment(
        organisation, "Zorblax toimitettiin ajallaan.", django_capture_on_commit_callbacks
    )
    page = client.get(f"/responses/{analysis.response_id}/").content.decode()
    assert 'name="answer_id"' in page
    answer = client.post(
        "/analysis/corrections/",
        {"answer_id": analysis.answer_id, "polarity": "negative", "labels": ["anger", "sadness"]},
    )
    assert answer.status_code == 302 and answer.url == f"/responses/{analysis.response_id}/"
    correction = Correction.objects.get(answer_id=analysis.answer_id)
    assert (correction.polarity, correction.labels) == ("negative", ["anger", "sadness"])
    call_command("reanalyze", "--all", "--no-progress", stdout=StringIO())
    assert Correction.objects.filter(answer_id=analysis.answer_id).exists()
    page = client.get(f"/responses/{analysis.response_id}/").content.decode()
    assert "Ihmisen luenta" in page or "Read by a person" in page


def test_a_correction_is_checked(django_capture_on_commit_callbacks: Any):
    client, organisation = _client(Role.HANDLER)
    analysis = _comment(organisation, "Hyvä palvelu", django_capture_on_commit_callbacks)
    client.post(
        "/analysis/corrections/",
        {"answer_id": analysis.answer_id, "labels": ["neutral", "joy"]},
    )
    assert not analysis.answer.__class__.objects.filter(analysis_correction__isnull=False).exists()
    other, _ = make_organisation()
    theirs = _comment(other, "Salaista", django_capture_on_commit_callbacks)
    assert (
        client.post(
            "/analysis/corrections/", {"answer_id": theirs.answer_id, "polarity": "negative"}
        ).status_code
        == 404
    )


def test_a_viewer_cannot_correct(django_capture_on_commit_callbacks: Any):
    client, organisation = _client(Role.VIEWER)
    analysis = _comment(organisation, "Hyvä palvelu", django_capture_on_commit_callbacks)
    assert (
        'name="answer_id"' not in client.get(f"/responses/{analysis.response_id}/").content.decode()
    )
    assert (
        client.post(
            "/analysis/corrections/", {"answer_id": analysis.answer_id, "polarity": "negative"}
        ).status_code
        == 403
    )


def test_corrections_are_strong_labels_for_the_organisations_model(
    django_capture_on_commit_callbacks: Any,
):
    from kaiku.textanalysis import selectors

    client, organisation = _client(Role.HANDLER)
    analysis = _comment(
        organisation,
        "Zorblax",
        django_capture_on_commit_callbacks,
        feeling=[{"emotion": "joy", "intensity": 2}],
    )
    assert [e.polarity for e in selectors.weak_examples(organisation)] == ["positive"]
    client.post("/analysis/corrections/", {"answer_id": analysis.answer_id, "polarity": "negative"})
    assert [e.polarity for e in selectors.weak_examples(organisation)] == ["negative"]
