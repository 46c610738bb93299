"""Each team's employee experience next to its customer experience, and how the two
move together."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kaiku.people.teams import correlate
from tests.factories import PASSWORD, make_organisation
from tests.people.test_pulse import _many, _pulse, _teams

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _threshold(settings: Any) -> None:
    settings.KAIKU_MIN_N = 5


def test_correlation_has_an_interval_and_needs_four_points() -> None:
    points = [("A", "m1", 3.0, -0.2), ("B", "m1", 4.0, 0.3), ("C", "m1", 4.5, 0.5)]
    assert correlate(points) is None
    found = correlate([*points, ("D", "m1", 2.0, -0.6), ("E", "m1", 3.5, 0.0)])
    assert found is not None
    assert 0.9 < found.r <= 1 and found.low < found.r < found.high <= 1
    assert found.points == 5 and found.teams == 5


def test_correlation_of_unrelated_figures_spans_zero() -> None:
    points = [
        ("A", "m", 1.0, 0.1),
        ("B", "m", 2.0, -0.1),
        ("C", "m", 3.0, 0.1),
        ("D", "m", 4.0, -0.1),
    ]
    found = correlate(points)
    assert found is not None and found.low < 0 < found.high


def test_the_team_page_sets_employee_and_customer_side_by_side(client: Client) -> None:
    from kaiku.analytics import services as analytics_services
    from kaiku.responses.models import Response
    from tests.factories import make_survey, submit

    organisation, owner = make_organisation()
    pulse = _pulse(organisation)
    (team,) = _teams(organisation, "Vastaanotto")
    _many(pulse, team, 5, wellbeing=2)
    customers = make_survey(organisation)
    last_month = timezone.now().replace(day=1) - timedelta(days=3)
    for _ in range(5):
        response = submit(customers, {"nps": 3, "what_happened": "Huono palvelu."}, team_id=team.pk)
        Response.objects.filter(pk=response.pk).update(submitted_at=last_month)
    analytics_services.rebuild()
    assert client.login(username=owner.username, password=PASSWORD)
    html = client.get(f"/people/teams/?survey={pulse.pk}").content.decode()
    assert "Vastaanotto" in html
    assert "2.0" in html or "2,0" in html  # the team's wellbeing
    assert "n=5" in html  # its customers' month
    assert "Not enough team-months" in html or "Liian vähän" in html
