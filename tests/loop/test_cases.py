"""From a response to a case and through it: who gets it, by when, what they may do."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from kaiku.journeys import services as journeys
from kaiku.loop import alerts, services
from kaiku.loop.models import Case, CaseState, Channel, EventKind, OutboxMessage, Priority
from kaiku.organisations import services as organisations
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Membership, Role
from kaiku.responses.services import ContactDetails
from tests.factories import make_api_key, make_member, make_organisation, make_survey, owner_actor
from tests.factories import submit as submit_response

pytestmark = pytest.mark.django_db


def _world() -> dict[str, Any]:
    """An organisation whose survey's first touchpoint belongs to a team of two
    handlers, with a rule for detractors."""
    organisation, owner = make_organisation()
    actor = owner_actor(organisation)
    team = organisations.create_team(actor=actor, name="Asiakaspalvelu")
    survey = make_survey(organisation)
    touchpoint = survey.touchpoints.order_by("pk").first()
    journeys.update_touchpoint(
        actor=actor,
        touchpoint=touchpoint,
        name=touchpoint.name,
        channel=touchpoint.channel,
        layer=touchpoint.layer,
        owner_team_id=team.pk,
    )
    handlers = []
    for _ in range(2):
        user, membership = make_member(organisation, Role.HANDLER)
        organisations.set_member_teams(actor=actor, membership=membership, teams=[team])
        handlers.append(user)
    lead, lead_membership = make_member(organisation, Role.HANDLER)
    organisations.set_member_teams(actor=actor, membership=lead_membership, teams=[], leads=[team])
    rule = services.save_rule(
        actor=actor,
        name="Arvostelija",
        conditions=[{"measure": "nps", "op": "lte", "value": 6}],
        deadline_hours=8,
    )
    return {
        "organisation": organisation, "actor": actor, "team": team, "survey": survey,
        "touchpoint": touchpoint, "handlers": handlers, "lead": lead, "rule": rule,
        "owner": owner,
    }  # fmt: skip


def _submit(world: dict, capture: Any, answers: dict, **fields: Any) -> Any:
    with capture(execute=True):
        return submit_response(
            world["survey"], answers, touchpoint_id=world["touchpoint"].pk, **fields
        )


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_detractors_open_cases_for_the_owner_team_in_turn_with_a_deadline(
    django_capture_on_commit_callbacks: Any,
):
    world = _world()
    before = timezone.now()
    responses = [
        _submit(world, django_capture_on_commit_callbacks, {"nps": score}) for score in (2, 5, 3)
    ]
    cases = [Case.objects.get(response=r) for r in responses]
    first, second = world["handlers"]
    assert [c.assignee for c in cases] == [first, second, first]
    assert all(c.team == world["team"] and c.state == CaseState.NEW for c in cases)
    assert all(c.deadline_at and c.deadline_at > before for c in cases)
    mail = OutboxMessage.objects.filter(case=cases[0], channel=Channel.EMAIL)
    assert [m.recipient for m in mail] == [first.email]
    assert cases[0].events.get().kind == EventKind.OPENED


def test_a_promoter_opens_no_case_and_nor_does_an_import(django_capture_on_commit_callbacks: Any):
    world = _world()
    _submit(world, django_capture_on_commit_callbacks, {"nps": 10})
    _submit(world, django_capture_on_commit_callbacks, {"nps": 0}, source="import")
    assert not Case.objects.exists()


def test_checking_a_response_again_opens_no_second_case(django_capture_on_commit_callbacks: Any):
    world = _world()
    response = _submit(world, django_capture_on_commit_callbacks, {"nps": 1})
    with django_capture_on_commit_callbacks(execute=True):
        alerts.check_responses(response_ids=[response.pk, response.pk])
    assert Case.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


def test_an_angry_comment_is_checked_once_it_is_analysed(django_capture_on_commit_callbacks: Any):
    world = _world()
    services.save_rule(
        actor=world["actor"],
        name="Vihainen",
        conditions=[
            {"measure": "emotion", "emotion": "anger", "op": "gte", "value": 0.2},
            {"measure": "valence", "op": "lte", "value": -0.2},
        ],
        priority=Priority.HIGH,
    )
    angry = "Olen todella vihainen, palvelu oli surkeaa ja henkilökunta töykeää!"
    response = _submit(
        world, django_capture_on_commit_callbacks, {"nps": 6, "what_happened": angry}
    )
    case = Case.objects.get(response=response)
    assert case.priority == Priority.HIGH
    assert set(case.matched_rules) == {"Arvostelija", "Vihainen"}


def test_self_harm_opens_an_urgent_sensitive_case_for_a_trained_handler_without_a_rule(
    django_capture_on_commit_callbacks: Any,
):
    world = _world()
    world["rule"].delete()
    trained, membership = make_member(world["organisation"], Role.HANDLER)
    Membership.objects.filter(pk=membership.pk).update(handles_sensitive=True)
    response = _submit(
        world,
        django_capture_on_commit_callbacks,
        {"nps": 5, "what_happened": "En jaksa elää enää, kun mikään ei etene."},
    )
    case = Case.objects.get(response=response)
    assert case.priority == Priority.URGENT and case.sensitive
    assert case.assignee == trained  # not the team's untrained handlers
    told = set(OutboxMessage.objects.filter(case=case).values_list("recipient", flat=True))
    assert {trained.email, world["lead"].email} <= told
    # Only people trained for it (and admins) see it.
    page = f"/cases/{case.pk}/"
    assert _client(world["handlers"][0]).get(page).status_code == 404
    shown = _client(trained).get(page)
    assert shown.status_code == 200 and "MIELI" in shown.content.decode()


def test_without_rules_only_a_comment_of_self_harm_is_checked(
    django_capture_on_commit_callbacks: Any, monkeypatch: Any
):
    world = _world()
    world["rule"].delete()
    alerts.forget_rules(world["organisation"].pk)
    checked: list[list[int]] = []
    monkeypatch.setattr(
        alerts, "check_responses", lambda response_ids: checked.append(list(response_ids)) or []
    )
    _submit(
        world, django_capture_on_commit_callbacks, {"nps": 4, "what_happened": "Jono oli pitkä."}
    )
    assert checked == []  # nothing a check could find: no task, no work
    urgent = _submit(
        world,
        django_capture_on_commit_callbacks,
        {"nps": 5, "what_happened": "En jaksa elää enää, kun mikään ei etene."},
    )
    assert checked == [[urgent.pk]]


def test_reaching_out_needs_consent_and_a_customer_call_is_only_recorded(
    django_capture_on_commit_callbacks: Any,
):
    world = _world()
    handler = world["handlers"][0]
    actor = Actor(organisation=world["organisation"], role=Role.HANDLER, user=handler)
    silent = Case.objects.get(
        response=_submit(world, django_capture_on_commit_callbacks, {"nps": 2})
    )
    with pytest.raises(ValidationError):
        services.log_contact(actor=actor, case=silent, method="phone", outcome="reached")
    services.log_contact(
        actor=actor, case=silent, method="phone", outcome="reached", customer_initiated=True
    )
    agreed = Case.objects.get(
        response=_submit(
            world,
            django_capture_on_commit_callbacks,
            {"nps": 2, "contact_ok": True},
            contact=ContactDetails(email="asiakas@example.fi"),
        )
    )
    event = services.log_contact(
        actor=actor, case=agreed, method="email", outcome="reached", text="Pahoittelin."
    )
    agreed.refresh_from_db()
    assert event.data["method"] == "email" and agreed.first_contact_at is not None
    assert agreed.state == CaseState.IN_PROGRESS


def test_a_case_is_resolved_closed_and_reopened_with_its_history(
    django_capture_on_commit_callbacks: Any,
):
    world = _world()
    handler = world["handlers"][0]
    actor = Actor(organisation=world["organisation"], role=Role.HANDLER, user=handler)
    case = Case.objects.get(response=_submit(world, django_capture_on_commit_callbacks, {"nps": 2}))
    services.change_state(actor=actor, case=case, state=CaseState.WAITING)
    with pytest.raises(ValidationError):
        services.change_state(actor=actor, case=case, state=CaseState.CLOSED)
    services.add_note(actor=actor, case=case, text="Odotetaan asiakkaan vastausta.")
    services.resolve(
        actor=actor,
        case=case,
        resolution="Lasku korjattiin.",
        root_cause="Väärä hinnasto",
        touchpoint=world["touchpoint"],
    )
    services.change_state(actor=actor, case=case, state=CaseState.CLOSED)
    services.reopen(actor=actor, case=case, text="Asiakas soitti uudelleen.")
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS and case.resolved_at is None
    kinds = list(case.events.values_list("kind", "data__after"))
    assert kinds == [
        ("opened", None),
        ("state", "waiting"),
        ("note", None),
        ("state", "resolved"),
        ("state", "closed"),
        ("state", "in_progress"),
    ]


def test_a_passed_deadline_escalates_once_to_the_handler_and_the_lead(
    django_capture_on_commit_callbacks: Any,
):
    world = _world()
    case = Case.objects.get(response=_submit(world, django_capture_on_commit_callbacks, {"nps": 2}))
    later = case.deadline_at + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=False):
        assert services.escalate_overdue(now=later) == 1
        assert services.escalate_overdue(now=later + timedelta(hours=1)) == 0
    case.refresh_from_db()
    assert case.escalated_at == later and case.priority == Priority.HIGH
    told = set(
        OutboxMessage.objects.filter(case=case, key__contains="escalated").values_list(
            "recipient", flat=True
        )
    )
    assert told == {case.assignee.email, world["lead"].email}


def test_the_sweep_finds_a_response_whose_check_was_lost():
    world = _world()
    response = submit_response(world["survey"], {"nps": 0}, touchpoint_id=world["touchpoint"].pk)
    assert not Case.objects.exists()  # the on-commit check never ran
    assert services.check_new_responses() == 1
    assert Case.objects.filter(response=response).exists()


def test_the_inbox_shows_my_cases_and_the_api_resolves_one(
    django_capture_on_commit_callbacks: Any,
):
    world = _world()
    case = Case.objects.get(response=_submit(world, django_capture_on_commit_callbacks, {"nps": 2}))
    handler = case.assignee
    page = _client(handler).get("/cases/")
    assert page.status_code == 200 and case.title in page.content.decode()
    client = _client(handler)
    listed = client.get("/api/v1/cases?box=mine").json()
    assert [c["id"] for c in listed] == [case.pk]
    note = client.post(
        f"/api/v1/cases/{case.pk}/notes", json.dumps({"text": "Soitan huomenna."}),
        content_type="application/json",
    )  # fmt: skip
    assert note.status_code == 201
    done = client.post(
        f"/api/v1/cases/{case.pk}/resolve",
        json.dumps({"resolution": "Hyvitys annettu.", "touchpoint_id": world["touchpoint"].pk}),
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["state"] == "resolved"
    assert [e["kind"] for e in done.json()["events"]] == ["opened", "note", "state"]


def test_the_inbox_refuses_a_negative_or_huge_offset(django_capture_on_commit_callbacks: Any):
    # Both were server errors (found by benchmarks/api_fuzz.py).
    world = _world()
    case = Case.objects.get(response=_submit(world, django_capture_on_commit_callbacks, {"nps": 2}))
    client = _client(case.assignee)
    assert client.get("/api/v1/cases", {"offset": -1}).status_code == 422
    assert client.get("/api/v1/cases", {"offset": 10**22}).status_code == 422
    assert [c["id"] for c in client.get("/api/v1/cases", {"offset": 0}).json()] == [case.pk]


def test_assigning_to_an_id_past_64_bits_answers_422(django_capture_on_commit_callbacks: Any):
    world = _world()
    case = Case.objects.get(response=_submit(world, django_capture_on_commit_callbacks, {"nps": 2}))
    answer = _client(world["owner"]).post(
        f"/api/v1/cases/{case.pk}/assign",
        json.dumps({"assignee_id": -(2**70)}),
        content_type="application/json",
    )
    assert answer.status_code == 422 and "assignee_id" in answer.content.decode()
    assert Case.objects.get(pk=case.pk).assignee == case.assignee


def test_a_bad_rule_from_the_api_is_refused_with_the_field_named():
    organisation, _owner = make_organisation()
    _key, secret = make_api_key(organisation, scope="write")  # acts as an analyst
    admin, _ = make_member(organisation, Role.ADMIN)
    client = _client(admin)
    answer = client.post(
        "/api/v1/alert-rules",
        json.dumps(
            {"name": "Huono", "conditions": [{"measure": "nps", "op": "below", "value": 6}],
             "assign_team_id": 999999}
        ),
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 422
    assert "assign_team_id" in answer.content.decode()
    good = client.post(
        "/api/v1/alert-rules",
        json.dumps({"name": "Hyvä", "conditions": [{"measure": "csat", "op": "lte", "value": 2}]}),
        content_type="application/json",
    )
    assert good.status_code == 201 and good.json()["conditions"][0]["measure"] == "csat"
    keyed = Client(headers={"Authorization": f"Bearer {secret}"})
    assert keyed.get("/api/v1/alert-rules").status_code == 200  # a write key reads them
    assert keyed.delete(f"/api/v1/alert-rules/{good.json()['id']}").status_code == 403


def test_an_admin_makes_a_rule_in_the_form(django_capture_on_commit_callbacks: Any):
    world = _world()
    client = _client(world["owner"])
    answer = client.post(
        "/cases/rules/add/",
        {
            "name": "Vihaiset laskusta",
            "active": "on",
            "emotion": "anger",
            "emotion_at_least": "0.5",
            "themes": ["billing"],
            "open_case": "on",
            "priority": "high",
            "deadline_hours": "16",
            "notify_emails": "laatu@example.fi, johto@example.fi",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    rule = world["organisation"].alert_rules.get(name="Vihaiset laskusta")
    assert rule.conditions == [
        {"measure": "emotion", "emotion": "anger", "op": "gte", "value": 0.5},
        {"measure": "theme", "any_of": ["billing"]},
    ]
    assert rule.notify_emails == ["laatu@example.fi", "johto@example.fi"]
    empty = client.post("/cases/rules/add/", {"name": "Tyhjä", "priority": "normal"})
    assert empty.status_code == 200 and "ehto" in empty.content.decode().lower()


def test_run_loop_does_what_beat_would(django_capture_on_commit_callbacks: Any):
    from io import StringIO

    from django.core.management import call_command

    world = _world()
    submit_response(world["survey"], {"nps": 1}, touchpoint_id=world["touchpoint"].pk)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=False):
        call_command("run_loop", stdout=out)
    assert "cases opened 1" in out.getvalue()


def test_the_metrics_tell_how_the_loop_closed_and_what_the_customer_said_next(
    django_capture_on_commit_callbacks: Any,
):
    from kaiku.loop import selectors

    world = _world()
    handler = world["handlers"][0]
    actor = Actor(organisation=world["organisation"], role=Role.HANDLER, user=handler)
    fields = {"respondent_ref": "asiakas-1"}
    first = _submit(world, django_capture_on_commit_callbacks, {"nps": 2}, **fields)
    _submit(world, django_capture_on_commit_callbacks, {"nps": 4})  # stays open
    case = Case.objects.get(response=first)
    services.log_contact(
        actor=actor, case=case, method="phone", outcome="reached", customer_initiated=True
    )
    services.resolve(actor=actor, case=case, resolution="Korjattu.")
    _submit(world, django_capture_on_commit_callbacks, {"nps": 8}, **fields)  # re-survey
    today = timezone.localdate()
    found = selectors.metrics(world["organisation"], today - timedelta(days=1), today)
    assert (found.opened, found.closed_loop) == (2, 1)  # the 8 opened no case
    assert found.closed_loop_rate == pytest.approx(1 / 2)
    assert found.first_contact_hours is not None and found.resolution_hours is not None
    assert found.with_deadline == 1 and found.on_time == 1 and found.deadline_adherence == 1
    assert found.resurvey_change is not None
    assert (found.resurvey_change.value, found.resurvey_change.n) == (6, 1)


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_a_notification_leaves_in_the_background(settings: Any, inbox: Any):
    import time

    settings.KAIKU_OUTBOX_INLINE = False
    world = _world()
    response = submit_response(world["survey"], {"nps": 1}, touchpoint_id=world["touchpoint"].pk)
    case = Case.objects.get(response=response)
    message = OutboxMessage.objects.get(case=case)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not inbox.messages:
        time.sleep(0.05)
    message.refresh_from_db()
    assert message.status == "sent" and len(inbox.messages) == 1


def test_in_production_a_webhook_may_not_point_into_the_private_network(settings: Any):
    settings.KAIKU_WEBHOOK_PRIVATE_ADDRESSES = False
    actor = owner_actor(make_organisation()[0])
    for url in ("http://127.0.0.1:8080/hook", "http://10.1.2.3/x", "http://[::1]/x"):
        with pytest.raises(ValidationError):
            services.save_webhook(actor=actor, name="Sisäinen", url=url)
    assert services.save_webhook(actor=actor, name="Julkinen", url="https://93.184.215.14/h")
