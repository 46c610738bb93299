"""Facts and rollups follow the responses: the map read from rollups says what the
responses themselves say, through new responses, analyses, corrections and
deletions, and a rebuild gives the same cells."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

import pytest

from kaiku.analytics import selectors, services
from kaiku.analytics.facts import facts_for
from kaiku.analytics.models import ResponseFact, StageDay, ThemeDay, TouchpointDay
from kaiku.analytics.selectors import Filters
from kaiku.journeys.models import Stage, Touchpoint
from kaiku.responses.models import Response
from kaiku.textanalysis import services as text_services
from tests.factories import make_organisation, make_survey, owner_actor, submit

pytestmark = pytest.mark.django_db

COMMENTS = [
    "Jonotin tunnin ja henkilökunta oli töykeää.",
    "Kiitos ystävällisestä ja nopeasta palvelusta!",
    "Ajanvaraus netissä oli helppoa.",
    "Lasku oli väärin ja asiakaspalveluun ei päässyt.",
]


def _world(responses: int = 60, seed: int = 7) -> tuple[Any, Any, list[Response]]:
    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    touchpoints = list(survey.touchpoints.values_list("pk", flat=True))
    stages = list(Stage.objects.filter(journey=survey.journey).values_list("pk", flat=True))
    rng = random.Random(seed)
    made = []
    for i in range(responses):
        answers: dict[str, Any] = {
            "nps": rng.randint(0, 10),
            "ease": rng.randint(1, 7),
            "feeling": [{"emotion": rng.choice(["joy", "anger", "fear"]), "intensity": 2}],
            "curve": [{"stage_id": s, "score": rng.randint(-3, 3)} for s in stages],
        }
        if answers["nps"] <= 6 and i % 2:
            answers["what_happened"] = rng.choice(COMMENTS)
        made.append(
            submit(
                survey,
                answers,
                touchpoint_id=rng.choice([*touchpoints, None]),
                channel=rng.choice(["web", "phone"]),
            )
        )
    return organisation, survey, made


def _direct_sums(response_ids: list[int]) -> dict[int, dict[str, float]]:
    """The map's per-touchpoint sums worked out from fresh facts, not rollups."""
    sums: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for fact in facts_for(response_ids):
        cell = sums[fact.touchpoint_id]
        cell["responses"] += 1
        if fact.valence is not None:
            cell["valence_n"] += 1
            cell["valence_sum"] += fact.valence
        cell["negative"] += fact.negative
        if "nps" in fact.scores:
            cell["nps_n"] += 1
            cell["nps_promoters"] += fact.scores["nps"] >= 9
        for emotion in fact.emotions:
            cell[emotion] += 1
    return sums


def _rolled_up(organisation: Any, survey: Any) -> dict[int, dict[str, float]]:
    cells = TouchpointDay.objects.filter(
        organisation_id=organisation.pk, journey_id=survey.journey_id
    )
    found = selectors.sums_by(cells, "touchpoint_id", selectors.TOUCHPOINT_SUMS)
    return {k: v for k, v in found.items() if v["responses"]}


def _assert_same(rolled: dict, direct: dict) -> None:
    assert set(rolled) == set(direct)
    for touchpoint_id, sums in direct.items():
        for column, value in sums.items():
            assert rolled[touchpoint_id][column] == pytest.approx(value), (touchpoint_id, column)


def test_new_responses_reach_the_rollups_through_the_catch_up():
    organisation, survey, made = _world()
    assert not TouchpointDay.objects.exists()
    assert services.roll_up_new_responses() == len(made)
    _assert_same(_rolled_up(organisation, survey), _direct_sums([r.pk for r in made]))
    assert services.roll_up_new_responses() == 0


def test_analysed_comments_move_the_rollups(django_capture_on_commit_callbacks: Any):
    organisation, survey, made = _world(responses=30)
    services.roll_up_new_responses()
    with django_capture_on_commit_callbacks(execute=True):
        text_services.reanalyse(organisation=organisation, everything=True)
    direct = _direct_sums([r.pk for r in made])
    assert sum(cell["negative"] for cell in direct.values()) > 0
    _assert_same(_rolled_up(organisation, survey), direct)


def test_a_comment_is_counted_once_however_often_it_is_analysed(
    django_capture_on_commit_callbacks: Any,
):
    organisation, survey, _made = _world(responses=20)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(survey, {"nps": 2, "what_happened": COMMENTS[0]})
    services.roll_up_new_responses()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            text_services.reanalyse(organisation=organisation, everything=True)
    fact = ResponseFact.objects.get(response=response)
    assert fact.negative and fact.valence < 0
    assert set(fact.themes.values_list("theme", flat=True)) >= {"waiting_time", "staff_attitude"}
    themes = ThemeDay.objects.filter(organisation_id=organisation.pk, theme="waiting_time")
    assert (
        sum(themes.values_list("responses", flat=True))
        == ResponseFact.objects.filter(
            organisation=organisation, themes__theme="waiting_time"
        ).count()
    )


def test_a_correction_changes_the_response_in_the_rollups(django_capture_on_commit_callbacks: Any):
    organisation, survey, _made = _world(responses=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(survey, {"nps": 3, "what_happened": COMMENTS[0]})
    answer = response.answers.get(question__key="what_happened")
    assert ResponseFact.objects.get(response=response).negative
    with django_capture_on_commit_callbacks(execute=True):
        text_services.correct_analysis(
            actor=owner_actor(organisation),
            answer_id=answer.pk,
            polarity="positive",
            labels=["joy"],
        )
    fact = ResponseFact.objects.get(response=response)
    assert not fact.negative and fact.valence > 0 and fact.joy
    services.roll_up_new_responses()
    responses = list(Response.objects.filter(survey=survey).values_list("pk", flat=True))
    _assert_same(_rolled_up(organisation, survey), _direct_sums(responses))


def test_a_deleted_response_leaves_the_rollups():
    organisation, survey, made = _world(responses=20)
    services.roll_up_new_responses()
    gone = made[:5]
    Response.objects.filter(pk__in=[r.pk for r in gone]).delete()
    _assert_same(_rolled_up(organisation, survey), _direct_sums([r.pk for r in made[5:]]))


def test_a_rebuild_gives_the_same_cells():
    organisation, _survey, _made = _world(responses=40)
    services.roll_up_new_responses()
    columns = [f.name for f in TouchpointDay._meta.fields if f.name != "id"]

    def cells(model: Any) -> list:
        return sorted(model.objects.filter(responses__gt=0).values_list(*columns[:8], "responses"))

    before = cells(TouchpointDay), cells(StageDay)
    services.rebuild(organisation=organisation, facts=True)
    assert (cells(TouchpointDay), cells(StageDay)) == before


def test_the_map_tells_n_only_below_the_minimum():
    organisation, survey, _made = _world(responses=0)
    touchpoint = survey.touchpoints.order_by("pk").first()
    for _ in range(3):
        submit(survey, {"nps": 9}, touchpoint_id=touchpoint.pk)
    services.roll_up_new_responses()
    found = selectors.journey_map(organisation, survey.journey_id, Filters())
    row = next(r for s in found.stages for r in s.touchpoints if r.touchpoint.pk == touchpoint.pk)
    assert row.summary.n == 3 and not row.summary.enough and row.summary.valence is None


def test_the_map_summarises_touchpoints_stages_and_the_journey_with_filters():
    organisation, survey, made = _world(responses=80)
    services.roll_up_new_responses()
    found = selectors.journey_map(organisation, survey.journey_id, Filters())
    assert found.total.n == len(made)
    attributed = sum(r.summary.n for s in found.stages for r in s.touchpoints)
    assert attributed + found.unattributed.n == len(made)
    web = selectors.journey_map(organisation, survey.journey_id, Filters(channel="web"))
    assert web.total.n == sum(1 for r in made if r.channel == "web")
    touchpoint = Touchpoint.objects.get(pk=made[0].touchpoint_id) if made[0].touchpoint_id else None
    if touchpoint is not None:
        row = next(
            r for s in found.stages for r in s.touchpoints if r.touchpoint.pk == touchpoint.pk
        )
        mine = [r for r in made if r.touchpoint_id == touchpoint.pk]
        assert row.summary.n == len(mine)
        assert row.summary.nps is not None
    curve = [s.curve for s in found.stages]
    assert all(c.enough and c.valence is not None for c in curve)


def test_the_rollup_command_catches_up_and_rebuilds():
    from io import StringIO

    from django.core.management import call_command

    organisation, _survey, made = _world(responses=12)
    out = StringIO()
    call_command("rollup", stdout=out)
    assert f"{len(made)} new responses" in out.getvalue()
    TouchpointDay.objects.all().delete()
    call_command("rollup", "--rebuild", "--organisation", organisation.slug, stdout=out)
    assert sum(TouchpointDay.objects.values_list("responses", flat=True)) == len(made)


def test_an_import_rolls_its_responses_up(django_capture_on_commit_callbacks: Any):
    from kaiku.responses.importing import Importer

    organisation, _ = make_organisation()
    survey = make_survey(organisation, status="closed")
    with django_capture_on_commit_callbacks(execute=True):
        report = Importer(survey, ["nps", "ease"]).run([(2, ["9", "6"]), (3, ["3", "2"])])
    assert report.imported == 2
    assert ResponseFact.objects.filter(organisation=organisation).count() == 2
