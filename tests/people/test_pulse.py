"""The employee pulse: anonymous by design, and its threshold on every slice and
filter combination, on the page, in the API and in the export."""

from __future__ import annotations

import csv
import io
import itertools
import random
import re
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from kaiku.organisations import services as organisations
from kaiku.organisations.models import Role, Team
from kaiku.people import selectors
from kaiku.people.models import PulseAnswer, PulseResponse
from kaiku.people.pulse import submit_pulse
from kaiku.responses.models import Response
from kaiku.responses.services import Submission
from kaiku.surveys import services as surveys
from kaiku.surveys.starters import employee_pulse
from tests.factories import (
    PASSWORD,
    make_api_key,
    make_journey,
    make_member,
    make_organisation,
    owner_actor,
)

pytestmark = pytest.mark.django_db

LAST_MONTH = timezone.localdate().replace(day=1) - timedelta(days=1)


@pytest.fixture(autouse=True)
def _quick_people(settings: Any) -> None:
    settings.KAIKU_MIN_FILL_SECONDS = 0
    settings.KAIKU_MIN_N = 5
    cache.clear()


def _pulse(organisation):  # type: ignore[no-untyped-def]
    journey = make_journey(organisation)
    actor = owner_actor(organisation)
    spec = employee_pulse(name="Pulssi", journey_id=journey.pk, languages=["fi", "en"])
    survey = surveys.create_survey(actor=actor, spec=spec)
    surveys.set_status(actor=actor, survey=survey, status="open")
    return survey


def _teams(organisation, *names: str) -> list[Team]:  # type: ignore[no-untyped-def]
    actor = owner_actor(organisation)
    return [organisations.create_team(actor=actor, name=name) for name in names]


def _answer(survey, team: Team | None, month: date, **answers: Any) -> PulseResponse:  # type: ignore[no-untyped-def]
    response = submit_pulse(
        Submission(survey=survey, answers=answers, source="web", team_id=team.pk if team else None)
    )
    PulseResponse.objects.filter(pk=response.pk).update(month=month.replace(day=1))
    return response


def _many(survey, team, n: int, month: date = LAST_MONTH, **answers: Any) -> None:  # type: ignore[no-untyped-def]
    for _ in range(n):
        _answer(survey, team, month, **{"wellbeing": 4, **answers})


def _signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


# Anonymous by design ------------------------------------------------------------


def test_a_pulse_answer_keeps_only_the_team_and_the_month() -> None:
    organisation, _ = make_organisation()
    survey = _pulse(organisation)
    (team,) = _teams(organisation, "Hoito")
    client = Client()
    html = client.get(f"/s/{survey.public_token}/").content.decode()
    assert "anonymous" in html.lower() or "nimettöm" in html
    assert 'name="contact_email"' not in html
    fields = dict(re.findall(r'name="(started|csrfmiddlewaretoken)" value="([^"]+)"', html))
    page = client.post(
        f"/s/{survey.public_token}/",
        {**fields, "team": str(team.pk), "q_wellbeing": "2", "q_words": "Kiirettä on."},
        REMOTE_ADDR="10.1.2.3",
        HTTP_USER_AGENT="Tunnistettava selain",
    )
    assert page.status_code == 302
    assert not Response.objects.filter(survey=survey).exists()
    stored = PulseResponse.objects.get(survey=survey)
    names = {f.name for f in PulseResponse._meta.concrete_fields}
    assert names == {"id", "organisation", "survey", "team", "month", "language", "is_demo"}
    assert stored.team == team and stored.month == timezone.localdate().replace(day=1)
    assert PulseAnswer.objects.get(response=stored, kind="wellbeing").number == 2


def test_the_pulse_form_asks_for_a_team() -> None:
    organisation, _ = make_organisation()
    survey = _pulse(organisation)
    _teams(organisation, "Hoito")
    client = Client()
    html = client.get(f"/s/{survey.public_token}/").content.decode()
    fields = dict(re.findall(r'name="(started|csrfmiddlewaretoken)" value="([^"]+)"', html))
    page = client.post(f"/s/{survey.public_token}/", {**fields, "q_wellbeing": "3"})
    assert page.status_code == 400
    assert "Choose your team" in page.content.decode() or "Valitse tiimisi" in page.content.decode()
    assert not PulseResponse.objects.exists()


def test_no_identified_channel_takes_pulse_answers(client: Client) -> None:
    organisation, _ = make_organisation()
    survey = _pulse(organisation)
    _key, token = make_api_key(organisation)
    answer = client.post(
        "/api/v1/responses",
        data={"survey_id": survey.pk, "answers": {"wellbeing": 3}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 422
    assert "anonymous" in str(answer.json())
    assert not PulseResponse.objects.exists() and not Response.objects.exists()


def test_a_pulse_cannot_ask_for_consent_to_contact() -> None:
    organisation, _ = make_organisation()
    survey = _pulse(organisation)
    with pytest.raises(Exception, match="anonymous"):
        surveys.add_question(
            actor=owner_actor(organisation),
            survey=survey,
            spec=surveys.QuestionSpec(kind="consent_contact", text={"fi": "Saako?"}),
        )


# The threshold -------------------------------------------------------------------


def test_a_small_team_is_hidden_and_so_is_the_team_it_could_be_worked_out_from() -> None:
    organisation, _ = make_organisation()
    survey = _pulse(organisation)
    small, large = _teams(organisation, "Pieni", "Suuri")
    _many(survey, small, 3, wellbeing=1)
    _many(survey, large, 6, wellbeing=5)
    report = selectors.pulse_report(survey, [small, large], today=timezone.localdate())
    month = report.months[-1]
    assert month.cells[0].shown and month.cells[0].n == 9
    # The whole (9) minus the large team (6) would tell the small team's 3 answers.
    assert not month.cells[small.pk].shown
    assert not month.cells[large.pk].shown


def test_a_skipped_question_does_not_reveal_the_others_answers() -> None:
    organisation, _ = make_organisation()
    survey = _pulse(organisation)
    a, b = _teams(organisation, "A", "B")
    _many(survey, a, 5, wellbeing=5, workload=5)
    _many(survey, b, 4, wellbeing=1, workload=1)
    _answer(survey, b, LAST_MONTH, wellbeing=1)  # B has 5 answers, only 4 on workload
    month = selectors.pulse_report(survey, [a, b], today=timezone.localdate()).months[-1]
    assert month.cells[a.pk].shown and month.cells[b.pk].shown
    assert month.cells[b.pk].measures["workload"] is None
    # The whole's workload (9) minus A's (5) would be B's four: A's is hidden too.
    assert month.cells[a.pk].measures["workload"] is None
    assert month.cells[0].measures["workload"] is not None
    assert month.cells[a.pk].measures["wellbeing"] is not None


def test_no_comments_are_quoted_below_the_threshold() -> None:
    organisation, _ = make_organisation()
    survey = _pulse(organisation)
    (team,) = _teams(organisation, "Hoito")
    _many(survey, team, 4, words="Esihenkilö ei kuuntele.")
    _many(survey, team, 3)
    from kaiku.people.services import analyse_pulse

    analyse_pulse(response_ids=list(PulseResponse.objects.values_list("pk", flat=True)))
    report = selectors.pulse_report(survey, [team], today=timezone.localdate())
    detail = report.detail
    assert detail.cells[team.pk].shown and detail.cells[team.pk].texts is None
    assert detail.cells[team.pk].quotes == [] and detail.cells[0].quotes == []
    client = _signed_in(organisation.memberships.get(role="owner").user)
    html = client.get(f"/people/pulse/?survey={survey.pk}").content.decode()
    assert "kuuntele" not in html


def test_comments_are_quoted_redacted_from_the_threshold_on() -> None:
    organisation, _ = make_organisation()
    survey = _pulse(organisation)
    (team,) = _teams(organisation, "Hoito")
    _many(survey, team, 5, words="Soita minulle 040 123 4567, kiire on kova.")
    from kaiku.people.services import analyse_pulse

    analyse_pulse(response_ids=list(PulseResponse.objects.values_list("pk", flat=True)))
    cell = selectors.pulse_report(survey, [team], today=timezone.localdate()).detail.cells[team.pk]
    assert cell.texts == 5 and cell.quotes
    assert all("040" not in quote for quote in cell.quotes)


def _world_for_differencing():  # type: ignore[no-untyped-def]
    organisation, owner = make_organisation()
    survey = _pulse(organisation)
    small, large = _teams(organisation, "Pieni", "Suuri")
    _many(survey, small, 3, wellbeing=1)
    _many(survey, large, 6, wellbeing=5)
    return organisation, owner, survey, small, large


def test_differencing_two_filters_in_the_api_finds_nothing() -> None:
    organisation, _owner, survey, small, large = _world_for_differencing()
    _key, token = make_api_key(organisation, scope="read")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    month = LAST_MONTH.strftime("%Y-%m")

    def cells(query: str) -> list[dict]:
        answer = client.get(f"/api/v1/pulse?survey_id={survey.pk}{query}")
        assert answer.status_code == 200
        return [c for m in answer.json()["months"] for c in m["cells"]]

    whole = next(c for c in cells(f"&month={month}") if c["team_id"] is None)
    large_only = next(c for c in cells(f"&month={month}&team_id={large.pk}") if c["team_id"])
    small_only = next(c for c in cells(f"&month={month}&team_id={small.pk}") if c["team_id"])
    assert whole["shown"] and whole["answers"] == 9
    assert small_only == {"team_id": small.pk, "team": "Pieni", "shown": False}
    # The attack: the whole month minus the large team. Its figures are not there.
    assert large_only == {"team_id": large.pk, "team": "Suuri", "shown": False}


def test_differencing_two_filters_on_the_page_and_in_the_export() -> None:
    _organisation, owner, survey, small, large = _world_for_differencing()
    client = _signed_in(owner)
    for team in (small, large):
        html = client.get(f"/people/pulse/?survey={survey.pk}&team={team.pk}").content.decode()
        assert "hidden" in html or "piilotettu" in html
        assert ">6<" not in html and ">3<" not in html
        export = client.get(f"/people/pulse.csv?survey={survey.pk}&team={team.pk}")
        rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
        team_rows = [r for r in rows[1:] if r[1] == team.name]
        assert team_rows and all(r[2] == "no" and r[3] == "" for r in team_rows)
        whole = [r for r in rows[1:] if r[1] == ""]
        assert whole[-1][3] == "9"


def test_who_sees_which_team() -> None:
    organisation, _owner = make_organisation()
    survey = _pulse(organisation)
    a, b = _teams(organisation, "A", "B")
    _many(survey, a, 5)
    _many(survey, b, 5)
    viewer, _m = make_member(organisation, Role.VIEWER)
    lead, membership = make_member(organisation, Role.VIEWER)
    membership.leads.add(a)
    admin, _m = make_member(organisation, Role.ADMIN)
    url = f"/people/pulse/?survey={survey.pk}"
    assert ">A<" not in _signed_in(viewer).get(url).content.decode()
    as_lead = _signed_in(lead).get(url).content.decode()
    assert ">A<" in as_lead and ">B<" not in as_lead
    as_admin = _signed_in(admin).get(url).content.decode()
    assert ">A<" in as_admin and ">B<" in as_admin
    assert _signed_in(lead).get(f"{url}&team={b.pk}").status_code == 404


def test_another_organisations_pulse_is_not_found() -> None:
    organisation, _owner = make_organisation()
    survey = _pulse(organisation)
    _other, stranger = make_organisation()
    assert _signed_in(stranger).get(f"/people/pulse/?survey={survey.pk}").status_code == 404


# Every published number together ---------------------------------------------------


def _published(client: Client, survey_id: int, team_ids: list[int], months: list[str]) -> list:
    """Every figure the API gives, for every combination of its two filters, as
    (month, team or None, answers, wellbeing n, wellbeing mean)."""
    found = set()
    for team, month in itertools.product([None, *team_ids], ["", *months]):
        query = f"/api/v1/pulse?survey_id={survey_id}"
        query += f"&team_id={team}" if team else ""
        query += f"&month={month}" if month else ""
        for each in client.get(query).json()["months"]:
            for cell in each["cells"]:
                if cell["shown"]:
                    wellbeing = cell["measures"].get("wellbeing")
                    found.add(
                        (
                            each["month"],
                            cell["team_id"],
                            cell["answers"],
                            wellbeing["n"] if wellbeing else None,
                            wellbeing["value"] if wellbeing else None,
                        )
                    )
    return sorted(found, key=str)


def test_no_combination_of_published_figures_singles_out_a_small_group() -> None:
    """Random teams and months; collect every figure the API publishes under every
    filter combination; then check, with linear algebra, that no group of fewer than
    KAIKU_MIN_N people has a count or a wellbeing sum that follows from them."""
    organisation, _owner = make_organisation()
    survey = _pulse(organisation)
    teams = _teams(organisation, "A", "B", "C", "D")
    rng = random.Random(7)
    today = timezone.localdate()
    months = []
    start = today.replace(day=1)
    for _ in range(3):
        start = (start - timedelta(days=1)).replace(day=1)
        months.append(start)
    truth: dict[tuple[date, int], list[int]] = {}
    for month, team in itertools.product(months, teams):
        scores = [rng.randint(1, 5) for _ in range(rng.choice([0, 1, 2, 3, 4, 5, 6, 8]))]
        truth[(month, team.pk)] = scores
        for score in scores:
            _answer(survey, team, month, wellbeing=score)
    _key, token = make_api_key(organisation, scope="read")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    keys = [m.strftime("%Y-%m") for m in months]
    published = _published(client, survey.pk, [t.pk for t in teams], keys)
    cells = list(truth)
    index = {(m.strftime("%Y-%m"), team): i for i, (m, team) in enumerate(cells)}
    equations = []
    for month, team, _answers, _n, _mean in published:
        row = np.zeros(len(cells))
        if team is None:
            for (key, _t), i in index.items():
                if key == month:
                    row[i] = 1
        else:
            row[index[(month, team)]] = 1
        equations.append(row)
    known = np.array(equations) if equations else np.zeros((0, len(cells)))
    rank = np.linalg.matrix_rank(known) if len(known) else 0
    small = [i for i, cell in enumerate(cells) if 0 < len(truth[cell]) < 5]
    assert small, "the random world should have small groups to protect"
    # Any union of small cells (within a month) whose total is under the threshold
    # must not be a combination of the published rows.
    for size in (1, 2, 3):
        for group in itertools.combinations(small, size):
            total = sum(len(truth[cells[i]]) for i in group)
            if total >= 5:
                continue
            target = np.zeros(len(cells))
            target[list(group)] = 1
            stacked = np.vstack([known, target]) if len(known) else target[None, :]
            assert np.linalg.matrix_rank(stacked) > rank, [cells[i] for i in group]
