"""The Plotly figures: names people wrote reach Plotly as text, not as its markup."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kaiku.analytics.charts import month_lines, plotly_text
from kaiku.journeys import services as journeys
from kaiku.organisations.models import Role
from tests.factories import make_member, make_organisation, make_survey, owner_actor, submit

# Plotly would draw a link and bold text from this (it reads <a href>, <b>, <br>...).
MARKUP = '<a href="https://example.org/">Aino</a> & <b>Lahti</b>'
AS_TEXT = '&lt;a href="https://example.org/"&gt;Aino&lt;/a&gt; &amp; &lt;b&gt;Lahti&lt;/b&gt;'


def test_markup_in_a_name_is_escaped_into_the_entities_plotly_shows_as_text() -> None:
    assert plotly_text(MARKUP) == AS_TEXT
    assert plotly_text("Ei merkintöjä") == "Ei merkintöjä"


def test_a_person_named_with_markup_is_a_line_of_text_in_the_staff_chart() -> None:
    (line,) = month_lines(["2026-10", "2026-11"], [(MARKUP, [0.2, None])])
    assert line["name"] == AS_TEXT


@pytest.mark.django_db
def test_a_stage_named_with_markup_reaches_the_map_chart_as_text() -> None:
    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    touchpoint = survey.touchpoints.order_by("pk").first()
    assert touchpoint is not None
    journeys.update_stage(actor=owner_actor(organisation), stage=touchpoint.stage, name=MARKUP)
    for _ in range(6):
        submit(
            survey,
            {"nps": 9, "feeling": [{"emotion": "joy", "intensity": 2}]},
            touchpoint_id=touchpoint.pk,
        )
    viewer, _membership = make_member(organisation, Role.VIEWER)
    client = Client()
    client.force_login(viewer)
    page = client.get(reverse("analytics:journey_map", args=[survey.journey_id]))
    assert page.context["chart"]["data"][0]["x"] == [AS_TEXT]
