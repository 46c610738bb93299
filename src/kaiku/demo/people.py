"""The demo's employee pulse: made-up answers from each team over the last six
months, labelled as demo, saved through the real pulse path and analysed for real.

A team's wellbeing leans with how its customers feel in the demo feedback, so that the
team view has something to find; a few team-months are small, so that the threshold
has something to hide."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db.models import Avg
from django.utils import timezone

from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Organisation, Role
from kaiku.people.models import PulseResponse
from kaiku.people.pulse import submit_pulse
from kaiku.responses.models import Answer
from kaiku.responses.services import Submission
from kaiku.surveys import services as surveys
from kaiku.surveys.models import Survey, SurveyMode
from kaiku.surveys.starters import employee_pulse

SEED = 20261202
MONTHS = 6
COMMENTS = {
    "good": [
        "Tiimissä autetaan toisia, vaikka olisi kiire.",
        "Esihenkilö kuuntelee ja asioihin tartutaan.",
        "Uusi perehdytysmalli on auttanut paljon.",
        "Työvuorot saa sovittua joustavasti.",
    ],
    "bad": [
        "Jatkuva kiire ja jonot kuormittavat, taukoja ei ehdi pitää.",
        "Vaikeat puhelut jäävät mieleen eikä niitä ehdi purkaa kenenkään kanssa.",
        "Järjestelmä kaatuilee ja asiakkaat purkavat kiukkunsa meihin.",
        "Tieto muutoksista tulee aina viimeisenä, asiakkaat tietävät ennen meitä.",
        "Työmäärä on kasvanut mutta väkeä ei ole lisätty.",
    ],
}


def seed_demo_pulse(organisation: Organisation) -> int:
    """The demo pulse and its answers, once; returns how many answers were made."""
    if Survey.objects.filter(organisation=organisation, mode=SurveyMode.EMPLOYEE).exists():
        return 0
    owner = organisation.memberships.filter(role=Role.OWNER).select_related("user").first()
    assert owner is not None
    actor = Actor(organisation=organisation, role=Role.OWNER, user=owner.user)
    journey = organisation.journeys.order_by("pk").first()
    assert journey is not None
    spec = employee_pulse(
        name="Henkilöstön pulssi (demo)", journey_id=journey.pk, languages=["fi", "sv", "en"]
    )
    survey = surveys.create_survey(actor=actor, spec=spec)
    surveys.set_status(actor=actor, survey=survey, status="open")
    rng = random.Random(SEED)
    made = 0
    for team, lean in _team_leans(organisation).items():
        for month in _months():
            # Most team-months have enough answers; some are small on purpose.
            for _ in range(rng.choice([2, 3, 6, 7, 8, 9, 10, 12])):
                _answer(survey, team.pk, month, lean + rng.gauss(0, 0.15), rng)
                made += 1
    return made


def _team_leans(organisation: Organisation) -> dict:
    """Each team's lean (−0.6…0.6): how far its customers' mean NPS answer in the demo
    feedback is from the whole organisation's."""
    answers = Answer.objects.filter(
        response__organisation=organisation, kind="nps", number__isnull=False
    )
    overall = answers.aggregate(mean=Avg("number"))["mean"] or 0.0
    found = {}
    for team in organisation.teams.order_by("name"):
        mean = answers.filter(response__team=team).aggregate(mean=Avg("number"))["mean"]
        lean = 0.0 if mean is None else (mean - overall) / 2.5
        found[team] = max(-0.6, min(0.6, lean))
    return found


def _months() -> list[date]:
    months, end = [], timezone.localdate().replace(day=1)
    for _ in range(MONTHS):
        end = (end - timedelta(days=1)).replace(day=1)
        months.append(end)
    return months


def _answer(survey: Survey, team_id: int, month: date, mood: float, rng: random.Random) -> None:
    def scale(low: int, high: int, lean: float) -> int:
        value = low + (lean + 1) / 2 * (high - low) + rng.gauss(0, (high - low) * 0.12)
        return max(low, min(high, round(value)))

    # A lean of 0 is an ordinary team: eNPS about 0, wellbeing about 3.6.
    answers: dict[str, object] = {
        "enps": scale(0, 10, mood + 0.5),
        "wellbeing": scale(1, 5, mood + 0.3),
        "workload": scale(1, 5, mood),
        "goals": scale(1, 5, mood + 0.35),
        "values": scale(1, 5, mood + 0.4),
        "emotional_load": scale(1, 5, -mood + 0.1),
    }
    if rng.random() < 0.35:
        answers["words"] = rng.choice(COMMENTS["bad" if mood < -0.05 else "good"])
    response = submit_pulse(
        Submission(survey=survey, answers=answers, source="web", team_id=team_id, is_demo=True)
    )
    PulseResponse.objects.filter(pk=response.pk).update(month=month)
