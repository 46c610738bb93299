"""The analysis settings page: personal data policy, themes, suggestions, own model."""

from __future__ import annotations

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


def _comment(organisation, text: str, capture: Any, nps: int = 2) -> TextAnalysis:  # type: ignore[no-untyped-def]
    survey = organisation.surveys.first() or make_survey(organisation)
    with capture(execute=True):
        response = submit(survey, {"nps": nps, "what_happened": text})
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
