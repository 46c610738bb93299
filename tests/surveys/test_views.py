"""The survey builder's pages: create, add questions, open, links and QR codes."""

from __future__ import annotations

import pytest
from django.test import Client

from kaiku.organisations.models import Role
from kaiku.surveys.models import Survey
from tests.factories import make_journey, make_member, make_organisation, make_survey

pytestmark = pytest.mark.django_db


def _client(role: Role = Role.ANALYST):  # type: ignore[no-untyped-def]
    organisation, _ = make_organisation()
    user, _ = make_member(organisation, role)
    client = Client()
    client.force_login(user)
    return client, organisation


def test_build_a_survey_through_the_pages() -> None:
    client, organisation = _client()
    journey = make_journey(organisation)
    answer = client.post(
        "/surveys/new/",
        {
            "name": "Vastaanotto",
            "journey_id": journey.pk,
            "languages": ["fi", "sv"],
            "title_fi": "Miten meni?",
            "title_sv": "Hur gick det?",
        },
    )
    survey = Survey.objects.get(organisation=organisation)
    assert answer["Location"] == f"/surveys/{survey.pk}/"
    client.post(
        f"/surveys/{survey.pk}/questions/new/",
        {
            "kind": "csat",
            "key": "csat",
            "text_fi": "Kuinka tyytyväinen olit?",
            "required": "on",
            "max_length": 2000,
        },
    )
    client.post(
        f"/surveys/{survey.pk}/questions/new/",
        {
            "kind": "single_choice",
            "key": "reason",
            "text_fi": "Mikä meni vikaan?",
            "max_length": 2000,
            "options": "wait | Odotus | Väntan\nstaff | Henkilökunta",
            "condition_question": "csat",
            "condition_op": "lte",
            "condition_value": "2",
        },
    )
    reason = survey.questions.get(key="reason")
    assert reason.condition == {"question": "csat", "op": "lte", "value": 2}
    assert reason.options[0] == {"value": "wait", "label": {"fi": "Odotus", "sv": "Väntan"}}
    touchpoint = journey.stages.first().touchpoints.first()  # type: ignore[union-attr]
    client.post(f"/surveys/{survey.pk}/touchpoints/", {"touchpoints": [touchpoint.pk]})  # type: ignore[union-attr]
    client.post(f"/surveys/{survey.pk}/status/", {"status": "open"})
    survey.refresh_from_db()
    assert survey.status == "open" and list(survey.touchpoints.all()) == [touchpoint]
    page = client.get(f"/surveys/{survey.pk}/").content.decode()
    assert f"/s/{survey.public_token}/?tp={touchpoint.pk}" in page  # type: ignore[union-attr]
    assert "Kuinka tyytyväinen olit?" in page


def test_a_bad_question_shows_the_reason_and_saves_nothing() -> None:
    client, organisation = _client()
    survey = make_survey(organisation)
    count = survey.questions.count()
    page = client.post(
        f"/surveys/{survey.pk}/questions/new/",
        {"kind": "single_choice", "text_fi": "Valitse", "options": "only-one", "max_length": 2000},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 200
    assert "write value | label" in page.content.decode()
    assert survey.questions.count() == count


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_qr_codes_for_the_survey_and_a_touchpoint(fmt: str) -> None:
    client, organisation = _client(Role.VIEWER)
    survey = make_survey(organisation)
    touchpoint = survey.touchpoints.first()
    answer = client.get(f"/surveys/{survey.pk}/qr.{fmt}?tp={touchpoint.pk}")  # type: ignore[union-attr]
    assert answer.status_code == 200
    if fmt == "png":
        assert answer["Content-Type"] == "image/png" and answer.content[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert answer["Content-Type"] == "image/svg+xml" and b"<svg" in answer.content
    other = make_survey(make_organisation()[0]).touchpoints.first()
    assert client.get(f"/surveys/{survey.pk}/qr.{fmt}?tp={other.pk}").status_code == 404  # type: ignore[union-attr]


def test_qr_code_decodes_to_the_touchpoint_link() -> None:
    import segno

    client, organisation = _client(Role.VIEWER)
    survey = make_survey(organisation)
    touchpoint = survey.touchpoints.first()
    svg = client.get(f"/surveys/{survey.pk}/qr.svg?tp={touchpoint.pk}").content  # type: ignore[union-attr]
    expected = segno.make(
        f"http://testserver/s/{survey.public_token}/?tp={touchpoint.pk}&src=qr", error="m"
    )  # type: ignore[union-attr]
    import io

    out = io.BytesIO()
    expected.save(out, kind="svg", scale=8, border=4, title=survey.name)
    assert svg == out.getvalue()
