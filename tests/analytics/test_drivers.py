"""Drivers and peak-end read from response facts: the panel finds what the data
were made to say."""

from __future__ import annotations

import random
from typing import Any

import pytest

from kaiku.analytics import drivers, services
from kaiku.analytics.selectors import Filters
from kaiku.journeys.models import Stage
from kaiku.surveys import services as surveys
from tests.factories import make_organisation, make_survey, submit

pytestmark = pytest.mark.django_db


def _survey(organisation: Any) -> Any:
    q = surveys.QuestionSpec
    return make_survey(
        organisation,
        questions=[
            q(kind="effectiveness", key="effectiveness", text={"fi": "Saitko asiasi hoidettua?"}),
            q(kind="ease", key="ease", text={"fi": "Oliko helppoa?"}),
            q(kind="emotion", key="feeling", text={"fi": "Miltä tuntui?"}),
            q(kind="emotion_curve", key="curve", text={"fi": "Vaiheittain"}),
            q(kind="overall", key="overall", text={"fi": "Kaiken kaikkiaan?"}),
        ],
    )


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def test_drivers_find_that_effectiveness_drives_the_outcome_most():
    organisation, _ = make_organisation()
    survey = _survey(organisation)
    rng = random.Random(1)
    for _ in range(150):
        effectiveness = rng.randint(1, 7)
        ease = rng.randint(1, 7)
        joy = rng.random() < 0.5
        overall = 1 + (effectiveness - 1) * 0.45 + (ease - 1) * 0.05 + joy + rng.gauss(0, 0.4)
        submit(
            survey,
            {
                "effectiveness": effectiveness,
                "ease": ease,
                "feeling": [{"emotion": "joy" if joy else "anger", "intensity": 2}],
                "overall": _clamp(overall, 1, 5),
            },
        )
    services.roll_up_new_responses()
    panel = drivers.journey_drivers(organisation, survey.journey_id, Filters())
    assert panel.outcome == "overall"
    shares = panel.drivers.shares
    assert shares["effectiveness"].value > shares["valence"].value > shares["ease"].value
    assert shares["effectiveness"].low > 0.5
    assert panel.drivers.r2.n == 150


def test_peak_end_finds_that_the_end_matters_and_names_the_stage_that_ends_badly():
    organisation, _ = make_organisation()
    survey = _survey(organisation)
    stages = list(Stage.objects.filter(journey=survey.journey).order_by("position"))
    rng = random.Random(2)
    for _ in range(120):
        first, last = rng.randint(-3, 3), rng.randint(-3, 3)
        overall = 3 + 0.6 * last + rng.gauss(0, 0.3)
        submit(
            survey,
            {
                "curve": [
                    {"stage_id": stages[0].pk, "score": first},
                    {"stage_id": stages[-1].pk, "score": last},
                ],
                "overall": _clamp(overall, 1, 5),
            },
        )
    services.roll_up_new_responses()
    panel = drivers.peak_end(organisation, survey.journey_id, Filters())
    assert panel.journeys == panel.from_curves == 120
    end, peak = panel.fit.coefficients["end"], panel.fit.coefficients["peak"]
    assert end.low > 0.3 and end.value > peak.value
    assert panel.peak_end_r2 > panel.mean_only_r2
    assert panel.moments[0].name == stages[-1].name
    assert panel.moments[0].negative_ends > 0


def test_linked_responses_of_one_respondent_make_a_journey():
    organisation, _ = make_organisation()
    survey = _survey(organisation)
    touchpoints = list(survey.touchpoints.order_by("pk"))
    for person in range(8):
        for i, touchpoint in enumerate(touchpoints[:2]):
            submit(
                survey,
                {
                    "feeling": [{"emotion": "anger" if i else "joy", "intensity": 3}],
                    "overall": 2 if person % 2 else 4,
                },
                touchpoint_id=touchpoint.pk,
                respondent_ref=f"person-{person}",
            )
    services.roll_up_new_responses()
    panel = drivers.peak_end(organisation, survey.journey_id, Filters())
    assert panel.from_linked == 8


def test_the_panels_are_remembered_until_the_facts_change(monkeypatch: pytest.MonkeyPatch):
    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    for score in (2, 5, 9, 10, 7, 3):
        submit(survey, {"nps": score, "ease": max(1, score // 2)})
    services.roll_up_new_responses()
    drivers.panels(organisation, survey.journey_id, Filters())
    calls: list[int] = []
    original = drivers.journey_drivers

    def counting(*args: Any, **kwargs: Any) -> drivers.DriverPanel:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(drivers, "journey_drivers", counting)
    drivers.panels(organisation, survey.journey_id, Filters())
    assert calls == []  # remembered
    submit(survey, {"nps": 0, "ease": 1})
    services.roll_up_new_responses()  # new facts: a new version
    panel, _peak_end = drivers.panels(organisation, survey.journey_id, Filters())
    assert calls == [1] and panel.outcome == "nps"
