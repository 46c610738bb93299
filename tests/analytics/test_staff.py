"""Staff and team feedback: who sees what, and that no two figures reveal a hidden one."""

from __future__ import annotations

import csv
import io
import itertools
import json
import random
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaiku.analytics import staff
from kaiku.organisations import services as organisations
from kaiku.organisations.models import Role
from tests.factories import (
    make_api_key,
    make_member,
    make_organisation,
    make_survey,
    owner_actor,
    submit,
)

MIN_N = 5
# Each person's comments, told apart by a word (a first name would be redacted).
WORDS = {"Aino": "Ystävällinen", "Ville": "Kiireinen", "": "Tavallinen"}


# --- the suppression rule --------------------------------------------------------


def _derivable(total: int, parts: dict[int, int], total_shown: bool, hidden: set[int]) -> set[int]:
    """Every response count a viewer can work out as a sum: each shown slice, and the
    total less any set of shown parts."""
    shown = [n for key, n in parts.items() if key not in hidden]
    found = set(shown)
    if total_shown:
        for size in range(len(shown) + 1):
            for chosen in itertools.combinations(shown, size):
                found.add(total - sum(chosen))
    return found


def test_a_part_under_the_threshold_is_hidden_and_so_is_the_part_that_would_reveal_it():
    # 9 responses: A 6, B 3. B is too small; showing A beside the total gives B away.
    assert staff.hide(9, {1: 6, 2: 3}, MIN_N) == (True, {1, 2})
    # With 5 more from someone the viewer sees no part of, A can be shown.
    assert staff.hide(14, {1: 6, 2: 3}, MIN_N) == (True, {2})
    # Nothing hidden, nothing to protect.
    assert staff.hide(12, {1: 6, 2: 6}, MIN_N) == (True, set())
    # A total under the threshold hides everything; an empty part reveals nothing.
    assert staff.hide(4, {1: 4, 2: 0}, MIN_N) == (False, {1})


def test_the_smallest_shown_part_goes_first():
    total_shown, hidden = staff.hide(30, {1: 2, 2: 5, 3: 9, 4: 14}, MIN_N)
    assert total_shown and hidden == {1, 2}


@pytest.mark.parametrize("seed", range(400))
def test_no_two_figures_a_viewer_sees_reveal_a_group_under_the_threshold(seed: int):
    rng = random.Random(seed)
    parts = {key: rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12]) for key in range(1, rng.randint(2, 6))}
    total = sum(parts.values()) + rng.choice([0, 0, 1, 2, 3, 4, 5, 7])
    total_shown, hidden = staff.hide(total, parts, MIN_N)
    for n in _derivable(total, parts, total_shown, hidden):
        assert n == 0 or n >= MIN_N, (total, parts, hidden)
    # And nothing is hidden that the rule did not need to hide: every part under the
    # threshold is hidden, and a shown total means at least MIN_N.
    assert all(key in hidden for key, n in parts.items() if 0 < n < MIN_N)
    assert total_shown == (total >= MIN_N)


def test_completed_months_end_before_this_month():
    months = staff.completed_months(date(2026, 3, 15), 3)
    assert months == [
        (date(2025, 12, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
    ]


# --- the team and the people in it -------------------------------------------------


def _last_month_noon() -> datetime:
    first = timezone.localdate().replace(day=1)
    return timezone.make_aware(datetime.combine(first - timedelta(days=3), time(12)))


def _team_world(django_capture_on_commit_callbacks: Any, shares: dict[str, int]) -> dict:
    """A team with a lead and members; `shares` is responses per member last month
    (key "" for responses that name nobody), plus two this month for the first one."""
    organisation, _owner = make_organisation()
    actor = owner_actor(organisation)
    team = organisations.create_team(actor=actor, name="Vastaanotto")
    survey = make_survey(organisation)
    lead, lead_membership = make_member(organisation, Role.HANDLER)
    organisations.set_member_teams(actor=actor, membership=lead_membership, teams=[], leads=[team])
    people = {}
    for name in shares:
        if not name:
            continue
        user, membership = make_member(organisation, Role.VIEWER)
        user.first_name = name
        user.save()
        organisations.set_member_teams(actor=actor, membership=membership, teams=[team])
        people[name] = user
    when = _last_month_noon()
    with django_capture_on_commit_callbacks(execute=True):
        for name, count in shares.items():
            served = people[name].pk if name else None
            for i in range(count):
                text = f"{WORDS[name]} palvelu {i}."
                submit(
                    survey,
                    {"nps": 6 if name == "Aino" else 2, "what_happened": text},
                    team_id=team.pk,
                    served_by_id=served,
                    submitted_at=when,
                )
        first = next(iter(people.values()))
        for i in range(2):
            submit(survey, {"nps": 0, "what_happened": f"Tämä kuu {i}."}, team_id=team.pk,
                   served_by_id=first.pk)  # fmt: skip
    return {"organisation": organisation, "team": team, "lead": lead, "people": people}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _latest(payload: dict) -> dict:
    return payload["months"][-1]


@pytest.mark.django_db
def test_the_lead_sees_each_member_and_a_differencing_attempt_finds_nothing(
    django_capture_on_commit_callbacks: Any,
):
    world = _team_world(django_capture_on_commit_callbacks, {"Aino": 6, "Ville": 3})
    url = f"/api/v1/teams/{world['team'].pk}/feedback"
    month = _latest(_client(world["lead"]).get(url).json())
    assert month["team"]["shown"] and month["team"]["n"] == 9
    # Ville has 3: hidden. Aino's 6 beside the team's 9 would give Ville's 3 away.
    assert [p["shown"] for p in month["people"]] == [False, False]
    assert all(set(p) == {"user_id", "name", "shown"} for p in month["people"])


@pytest.mark.django_db
def test_with_enough_from_others_the_lead_sees_the_member_with_comments(
    django_capture_on_commit_callbacks: Any,
):
    world = _team_world(django_capture_on_commit_callbacks, {"Aino": 6, "Ville": 3, "": 5})
    page = _client(world["lead"]).get(reverse("analytics:team_feedback", args=[world["team"].pk]))
    assert page.status_code == 200
    report = page.context["report"]
    month = report.detail
    aino, ville = world["people"]["Aino"], world["people"]["Ville"]
    assert month.slices[staff.TOTAL].summary.n == 14
    assert month.slices[aino.pk].shown and month.slices[aino.pk].summary.n == 6
    assert not month.slices[ville.pk].shown
    html = page.content.decode()
    assert "Ystävällinen palvelu" in html  # Aino's comments, as the analysis redacted them
    assert "Kiireinen palvelu" not in html
    # This month is not there yet: it is still growing.
    assert "Tämä kuu" not in html
    assert all(m.start < timezone.localdate().replace(day=1) for m in report.months)


@pytest.mark.django_db
def test_a_member_sees_only_their_own_part_beside_the_team(
    django_capture_on_commit_callbacks: Any,
):
    world = _team_world(django_capture_on_commit_callbacks, {"Aino": 6, "Ville": 6, "": 5})
    aino = world["people"]["Aino"]
    url = f"/api/v1/teams/{world['team'].pk}/feedback"
    month = _latest(_client(aino).get(url).json())
    assert month["team"]["n"] == 17
    assert [p["name"] for p in month["people"]] == ["Aino"]
    mine = _client(aino).get("/api/v1/me/feedback").json()["reports"]
    assert [r["team"]["name"] for r in mine] == ["Vastaanotto"]
    assert _latest(mine[0])["people"][0]["n"] == 6


@pytest.mark.django_db
def test_a_member_does_not_see_their_part_when_the_rest_would_be_too_few(
    django_capture_on_commit_callbacks: Any,
):
    # Aino 6 of the team's 9: Aino seeing both would know Ville's 3.
    world = _team_world(django_capture_on_commit_callbacks, {"Aino": 6, "Ville": 3})
    page = _client(world["people"]["Aino"]).get(reverse("analytics:my_feedback"))
    assert page.status_code == 200
    report = page.context["reports"][0][0]
    assert not report.detail.slices[world["people"]["Aino"].pk].shown
    assert "Ystävällinen palvelu" not in page.content.decode()


@pytest.mark.django_db
def test_an_analyst_sees_the_team_but_no_person_and_others_see_nothing(
    django_capture_on_commit_callbacks: Any,
):
    world = _team_world(django_capture_on_commit_callbacks, {"Aino": 6, "Ville": 6})
    analyst, _ = make_member(world["organisation"], Role.ANALYST)
    viewer, _ = make_member(world["organisation"], Role.VIEWER)
    owner_not_lead, _ = make_member(world["organisation"], Role.ADMIN)
    url = f"/api/v1/teams/{world['team'].pk}/feedback"
    for user in (analyst, owner_not_lead):
        month = _latest(_client(user).get(url).json())
        assert month["team"]["n"] == 12 and month["people"] == []
    assert _client(viewer).get(url).status_code == 404
    page_url = reverse("analytics:team_feedback", args=[world["team"].pk])
    assert _client(viewer).get(page_url).status_code == 404
    _key, secret = make_api_key(world["organisation"], scope="write")
    keyed = Client(headers={"Authorization": f"Bearer {secret}"})
    assert _latest(keyed.get(url).json())["people"] == []
    assert keyed.get("/api/v1/me/feedback").status_code == 403


@pytest.mark.django_db
def test_the_csv_hides_what_the_page_hides(django_capture_on_commit_callbacks: Any):
    world = _team_world(django_capture_on_commit_callbacks, {"Aino": 6, "Ville": 3, "": 5})
    response = _client(world["lead"]).get(
        reverse("analytics:team_feedback_csv", args=[world["team"].pk])
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {(r["month"], r["person"]): r for r in csv.DictReader(io.StringIO(text))}
    latest = max(month for month, _person in rows)
    assert rows[(latest, "")]["responses"] == "14"
    assert rows[(latest, "Aino")]["responses"] == "6"
    ville = rows[(latest, "Ville")]
    assert ville["shown"] == "False" and ville["responses"] == "" and ville["valence"] == ""


@pytest.mark.django_db
def test_a_single_response_never_names_who_served(django_capture_on_commit_callbacks: Any):
    world = _team_world(django_capture_on_commit_callbacks, {"Aino": 1})
    _key, secret = make_api_key(world["organisation"], scope="read")
    keyed = Client(headers={"Authorization": f"Bearer {secret}"})
    listed = keyed.get("/api/v1/responses").json()
    items = listed["items"] if isinstance(listed, dict) else listed
    assert items and all("served_by_id" not in item for item in items)
    assert "served_by" not in json.dumps(items)
