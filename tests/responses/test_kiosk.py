"""Kiosk mode: one tap answers, thanks resets itself, limits per device."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from kaiku.responses.models import Response
from kaiku.surveys import services
from tests.factories import make_organisation, make_survey, owner_actor

pytestmark = pytest.mark.django_db


def _kiosk(status: str = "open", **options: Any):  # type: ignore[no-untyped-def]
    cache.clear()
    organisation, _ = make_organisation()
    survey = make_survey(organisation, status=status)
    touchpoint = survey.touchpoints.first()
    return services.create_kiosk(
        actor=owner_actor(organisation),
        survey=survey,
        name="Aula",
        touchpoint_id=touchpoint.pk,
        **options,  # type: ignore[union-attr]
    )


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_one_tap_answers_and_thanks_page_resets_itself() -> None:
    kiosk = _kiosk()
    client = Client()
    page = client.get(f"/k/{kiosk.token}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Suosittelisitko meitä?" in html
    assert html.count('name="value"') == 11  # NPS 0–10
    answer = client.post(f"/k/{kiosk.token}/", {"csrfmiddlewaretoken": _token(html), "value": "9"})
    assert answer.status_code == 302 and answer["Location"] == f"/k/{kiosk.token}/thanks/"
    thanks = client.get(answer["Location"]).content.decode()
    assert f'content="6;url=/k/{kiosk.token}/"' in thanks
    response = Response.objects.get()
    assert (response.source, response.channel, response.touchpoint_id) == (
        "kiosk",
        "in_person",
        kiosk.touchpoint_id,
    )
    assert response.answers.get().number == 9


def test_kiosk_speaks_its_language() -> None:
    kiosk = _kiosk(language="sv")
    html = Client().get(f"/k/{kiosk.token}/").content.decode()
    assert 'lang="sv"' in html and "Ett tryck räcker" in html


def test_taps_are_limited_per_device(settings: Any) -> None:
    settings.KAIKU_RATE_LIMITS = {**settings.KAIKU_RATE_LIMITS, "kiosk_per_device": "2/86400"}
    kiosk = _kiosk()
    client = Client()
    token = _token(client.get(f"/k/{kiosk.token}/").content.decode())
    codes = [
        client.post(f"/k/{kiosk.token}/", {"csrfmiddlewaretoken": token, "value": "5"}).status_code
        for _ in range(3)
    ]
    assert codes == [302, 302, 429]
    assert Response.objects.count() == 2


def test_a_tampered_value_stores_nothing() -> None:
    kiosk = _kiosk()
    client = Client()
    token = _token(client.get(f"/k/{kiosk.token}/").content.decode())
    assert (
        client.post(f"/k/{kiosk.token}/", {"csrfmiddlewaretoken": token, "value": "99"}).status_code
        == 200
    )
    assert not Response.objects.exists()


def test_switched_off_kiosk_is_gone_and_paused_survey_says_so() -> None:
    kiosk = _kiosk()
    services.set_kiosk_active(
        actor=owner_actor(kiosk.survey.organisation), kiosk=kiosk, active=False
    )
    assert Client().get(f"/k/{kiosk.token}/").status_code == 404
    paused = _kiosk(status="paused")
    assert Client().get(f"/k/{paused.token}/").status_code == 503


def test_analyst_adds_a_kiosk_on_the_survey_page() -> None:
    from kaiku.organisations.models import Role
    from tests.factories import make_member

    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    user, _ = make_member(organisation, Role.ANALYST)
    client = Client()
    client.force_login(user)
    client.post(f"/surveys/{survey.pk}/kiosks/new/", {"name": "Aulan tabletti", "language": "fi"})
    kiosk = survey.kiosks.get()
    assert f"/k/{kiosk.token}/" in client.get(f"/surveys/{survey.pk}/").content.decode()
