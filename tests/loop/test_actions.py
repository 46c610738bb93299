"""Improvement actions: their measured effect, where they show, and "you said, we
did" to the customers who asked to hear of changes."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from email.header import decode_header, make_header
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from kaiku.analytics import services as analytics
from kaiku.loop import actions, announcements
from kaiku.loop.models import ActionState, OutboxMessage
from kaiku.loop.models import Case as CaseModel
from kaiku.organisations.models import Role
from kaiku.responses.models import Contact
from kaiku.responses.services import ContactDetails
from kaiku.surveys import services as surveys
from tests.factories import make_member, make_organisation, make_survey, owner_actor, question_specs
from tests.factories import submit as submit_response
from tests.loop.servers import Inbox

pytestmark = pytest.mark.django_db


def _days_ago(days: int) -> datetime:
    moment = datetime.combine(timezone.localdate() - timedelta(days=days), time(12))
    return timezone.make_aware(moment)


def _world() -> dict[str, Any]:
    organisation, owner = make_organisation()
    questions = [
        *question_specs(),
        surveys.QuestionSpec(
            kind="consent_updates", key="tell_me", text={"fi": "Saammeko kertoa muutoksista?"}
        ),
    ]
    survey = make_survey(organisation, questions=questions)
    first, second = survey.touchpoints.order_by("pk")[:2]
    return {
        "organisation": organisation, "owner": owner, "actor": owner_actor(organisation),
        "survey": survey, "touchpoint": first, "other": second,
    }  # fmt: skip


def _done_action(world: dict, days_ago: int = 10, window: int = 10, **fields: Any) -> Any:
    action = actions.save_action(
        actor=world["actor"],
        title="Lisää puhelinpalvelijoita aamuun",
        touchpoints=[world["touchpoint"]],
        state=ActionState.DONE,
        window_days=window,
        **fields,
    )
    action.done_on = timezone.localdate() - timedelta(days=days_ago)
    action.save(update_fields=["done_on"])
    return action


def test_the_effect_compares_the_days_after_with_the_days_before():
    world = _world()
    for day in range(11, 21):  # before: unhappy
        for score in (1, 3):
            submit_response(
                world["survey"], {"nps": score, "feeling": {"anger": 3}},
                touchpoint_id=world["touchpoint"].pk, submitted_at=_days_ago(day),
            )  # fmt: skip
    for day in range(1, 11):  # after: happy
        for score in (9, 10):
            submit_response(
                world["survey"], {"nps": score, "feeling": {"joy": 3}},
                touchpoint_id=world["touchpoint"].pk, submitted_at=_days_ago(day),
            )  # fmt: skip
    submit_response(world["survey"], {"nps": 0}, touchpoint_id=world["other"].pk)
    analytics.roll_up_new_responses()
    effect = actions.effect(_done_action(world))
    assert effect is not None and effect.after is not None
    row = effect.row
    assert (row.n_b, row.n_a) == (20, 20)
    assert row.valence.difference.value > 1 and row.valence.p_value < 0.001
    assert row.nps.difference.value == pytest.approx(200)  # −100 → +100
    assert effect.complete


def test_before_it_is_done_the_action_shows_its_baseline():
    world = _world()
    for _ in range(6):
        submit_response(world["survey"], {"nps": 4}, touchpoint_id=world["touchpoint"].pk)
    analytics.roll_up_new_responses()
    action = actions.save_action(
        actor=world["actor"], title="Opasteet aulaan", touchpoints=[world["touchpoint"]]
    )
    effect = actions.effect(action)
    assert effect is not None and effect.after is None and effect.row.n_b == 6


def test_the_map_shows_the_action_and_the_pain_points_start_one():
    world = _world()
    for _ in range(6):
        submit_response(
            world["survey"], {"nps": 2, "feeling": {"anger": 3}},
            touchpoint_id=world["touchpoint"].pk,
        )  # fmt: skip
    _done_action(world)
    client = Client()
    client.force_login(world["owner"])
    journey_id = world["survey"].journey_id
    page = client.get(f"/analytics/journeys/{journey_id}/").content.decode()
    assert "Lisää puhelinpalvelijoita aamuun" in page
    pains = client.get(f"/analytics/journeys/{journey_id}/pain-points/").content.decode()
    assert f"/actions/add/?touchpoint={world['touchpoint'].pk}" in pains
    form = client.get(f"/actions/add/?touchpoint={world['touchpoint'].pk}&title=Puhelin")
    assert form.status_code == 200
    assert form.context["form"].initial["touchpoints"] == [str(world["touchpoint"].pk)]


def _respondent(world: dict, email: str, *, tell: bool, touchpoint: Any = None) -> Any:
    return submit_response(
        world["survey"],
        {"nps": 5, "tell_me": tell},
        touchpoint_id=(touchpoint or world["touchpoint"]).pk,
        contact=ContactDetails(email=email),
        submitted_at=_days_ago(20),
    )


def test_you_said_we_did_reaches_those_who_asked_once_each(
    django_capture_on_commit_callbacks: Any, inbox: Inbox
):
    world = _world()
    _respondent(world, "kertokaa@example.fi", tell=True)
    _respondent(world, "hiljaa@example.fi", tell=False)
    _respondent(world, "muualla@example.fi", tell=True, touchpoint=world["other"])
    grieving = _respondent(world, "suru@example.fi", tell=True)
    CaseModel.objects.create(
        organisation=world["organisation"], response=grieving, title="Suru", sensitive=True
    )
    action = _done_action(world)
    assert announcements.preview(action) == {"fi": 1, "sv": 0, "en": 0}
    texts = announcements.defaults(action)
    subject = {lang: t[0] for lang, t in texts.items()}
    body = {lang: t[1] for lang, t in texts.items()}
    with django_capture_on_commit_callbacks(execute=True):
        sent = announcements.send(actor=world["actor"], action=action, subject=subject, body=body)
    assert sent.recipients == 1
    message = OutboxMessage.objects.get(announcement=sent)
    assert message.recipient == "kertokaa@example.fi" and message.status == "sent"
    [mail] = inbox.messages
    subject_line = str(make_header(decode_header(mail["Subject"])))
    assert subject_line == "Palautteesi auttoi: Lisää puhelinpalvelijoita aamuun"
    link = mail["List-Unsubscribe"].strip().strip("<>")
    assert link in mail.get_payload(decode=True).decode()
    again = announcements.send(actor=world["actor"], action=action, subject=subject, body=body)
    assert again.recipients == 0  # one message per person per action
    # The link asks first; the POST stops the messages.
    path = link.split("://", 1)[1].split("/", 1)[1]
    client = Client()
    assert client.get(f"/{path}").status_code == 200
    assert Contact.objects.get(email="kertokaa@example.fi").may_tell_changes
    assert client.post(f"/{path}").status_code == 200
    assert not Contact.objects.get(email="kertokaa@example.fi").may_tell_changes
    assert announcements.preview(action) == {"fi": 0, "sv": 0, "en": 0}


def test_only_a_done_action_is_announced_and_every_language_is_written():
    world = _world()
    action = actions.save_action(actor=world["actor"], title="Kesken", touchpoints=[])
    with pytest.raises(ValidationError):
        announcements.send(actor=world["actor"], action=action, subject={}, body={})
    done = _done_action(world)
    with pytest.raises(ValidationError) as raised:
        announcements.send(
            actor=world["actor"], action=done,
            subject={"fi": "Otsikko", "sv": "", "en": "Subject"},
            body={"fi": "Teksti", "sv": "Text", "en": "Text"},
        )  # fmt: skip
    assert set(raised.value.message_dict) == {"subject_sv"}


def test_a_bad_unsubscribe_link_changes_nothing():
    assert Client().post("/u/not-a-token/").status_code == 400


def test_an_action_on_a_touchpoint_id_past_64_bits_answers_422():
    # A server error before (found by benchmarks/api_fuzz.py).
    world = _world()
    analyst, _ = make_member(world["organisation"], Role.ANALYST)
    client = Client()
    client.force_login(analyst)
    answer = client.post(
        "/api/v1/actions",
        json.dumps({"title": "Selkeämpi kirje", "touchpoint_ids": [2**70]}),
        content_type="application/json",
    )
    assert answer.status_code == 422 and "touchpoint_ids" in answer.content.decode()


def test_the_api_makes_an_action_and_measures_it():
    world = _world()
    analyst, _ = make_member(world["organisation"], Role.ANALYST)
    client = Client()
    client.force_login(analyst)
    made = client.post(
        "/api/v1/actions",
        json.dumps({"title": "Selkeämpi kirje", "touchpoint_ids": [world["touchpoint"].pk],
                    "state": "done", "window_days": 14}),
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201 and made.json()["done_on"] == timezone.localdate().isoformat()
    effect = client.get(f"/api/v1/actions/{made.json()['id']}/effect").json()
    assert effect["n_before"] == 0 and effect["measured"] is False
    bad = client.post(
        "/api/v1/actions",
        json.dumps({"title": "", "touchpoint_ids": [999999]}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "touchpoint_ids" in bad.content.decode()
