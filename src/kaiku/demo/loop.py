"""The demo's close-the-loop story, made through the real services: alert rules, the
cases they open from the last weeks' (generated) feedback — the older ones resolved
and closed, as a team would have done — and improvement actions, one of them done
45 days ago at the appointment line, where the generated feedback got better."""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kaiku.demo.feedback import ACTION_DAYS_AGO, ACTION_TOUCHPOINT
from kaiku.journeys.models import Touchpoint
from kaiku.loop import actions, alerts
from kaiku.loop import services as loop
from kaiku.loop.models import (
    ActionState,
    AlertRule,
    Case,
    CaseState,
    Delivery,
    OutboxMessage,
    Priority,
)
from kaiku.loop.rules import CRISIS_FLAGS
from kaiku.organisations import services as organisations
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Membership, Organisation, Role, Team
from kaiku.responses.models import Response

PASSWORD = "kaiku-demo"  # noqa: S105 - the demo's printed password
# Handlers: e-mail, first and last name, trained for sensitive cases, teams. Both
# are trained, so that the front desk's lead sees Kaisa's load on the staff support
# page and each sees their own.
HANDLERS = [
    ("kasittelija@demo.kaiku.fi", "Kaisa", "Käsittelijä", True,
     ["Asiakaspalvelu", "Ajanvaraus", "Vastaanotto", "Laboratorio ja kuvantaminen",
      "IT ja digipalvelut", "Laskutus ja maksuliikenne"]),
    ("tukihenkilo@demo.kaiku.fi", "Tuula", "Tukihenkilö", True,
     ["Korvauskäsittely", "Asiakirjapalvelut"]),
]  # fmt: skip
RECENT_DAYS = 21  # responses this recent are checked against the rules
STILL_OPEN_DAYS = 8  # cases this recent are still being handled
RESOLUTIONS = [
    ("Soitin asiakkaalle ja pahoittelin. Asia korjattiin.", "Ruuhka-ajan miehitys"),
    ("Asiakkaalle lähetettiin selkeämmät ohjeet ja uusi aika.", "Epäselvät ohjeet"),
    ("Lasku oikaistiin ja asiakkaalle ilmoitettiin.", "Laskutusvirhe"),
    ("Käytiin tilanne läpi asiakkaan kanssa; palaute välitetty tiimille.", "Vuorovaikutus"),
]


@transaction.atomic
def seed_demo_loop(organisation: Organisation) -> int:
    """Rules, cases and actions for the demo organisation, once; returns the cases
    opened. Run after the demo's comments are analysed, so that crisis signals in
    them open their sensitive cases too."""
    if AlertRule.objects.filter(organisation=organisation).exists():
        return 0
    actor = Actor.system(organisation)
    _handlers(organisation, actor)
    loop.save_rule(
        actor=actor,
        name="Tyytymätön asiakas",
        conditions=[{"measure": "nps", "op": "lte", "value": 3}],
        assign_team=Team.objects.get(organisation=organisation, name="Asiakaspalvelu"),
        deadline_hours=16,
        notify_assignee=False,
    )
    loop.save_rule(
        actor=actor,
        name="Elämäntilanne tai kriisi",
        conditions=[{"measure": "flag", "any_of": ["crisis"]}],
        priority=Priority.HIGH,
        deadline_hours=8,
        notify_assignee=False,
    )
    now = timezone.now()
    responses = Response.objects.filter(organisation=organisation)
    recent = responses.filter(submitted_at__gte=now - timedelta(days=RECENT_DAYS))
    # Life events are rare: those of the whole half year show how they are handled.
    signals = responses.filter(text_analyses__flag_rows__kind__in=CRISIS_FLAGS)
    chosen = {*recent.values_list("pk", flat=True), *signals.values_list("pk", flat=True)}
    cases = alerts.check_responses(response_ids=sorted(chosen), imported=True)
    rng = random.Random(20261202)
    for case in cases:
        _as_if_handled(case, actor, now, rng)
    # What these cases would have sent went out back then; nothing is sent now.
    OutboxMessage.objects.filter(case__in=cases).update(
        status=Delivery.SENT, sent_at=F("created_at")
    )
    _actions(organisation, actor, cases)
    return len(cases)


def _handlers(organisation: Organisation, actor: Actor) -> None:
    User = get_user_model()
    teams = {t.name: t for t in Team.objects.filter(organisation=organisation)}
    for email, first, last, sensitive, team_names in HANDLERS:
        user = User.objects.filter(username=email).first() or User.objects.create_user(
            username=email, email=email, password=PASSWORD
        )
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
        membership, _created = Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": Role.HANDLER}
        )
        Membership.objects.filter(pk=membership.pk).update(handles_sensitive=sensitive)
        organisations.set_member_teams(
            actor=actor, membership=membership, teams=[teams[n] for n in team_names]
        )


def _as_if_handled(case: Case, actor: Actor, now: object, rng: random.Random) -> None:
    """A case from before the last few days was followed up: contacted, resolved, and
    mostly closed, with its times set back to when that would have happened."""
    opened = case.response.submitted_at + timedelta(hours=rng.uniform(0.5, 3))
    if case.response.submitted_at > now - timedelta(days=STILL_OPEN_DAYS):  # type: ignore[operator]
        Case.objects.filter(pk=case.pk).update(created_at=opened)
        return
    handler = Actor(organisation=actor.organisation, role=Role.HANDLER, user=case.assignee)
    loop.add_note(actor=handler, case=case, text="Otettu käsittelyyn.")
    resolution, cause = rng.choice(RESOLUTIONS)
    loop.resolve(
        actor=handler,
        case=case,
        resolution=resolution,
        root_cause=cause,
        touchpoint=case.response.touchpoint,
    )
    if rng.random() < 0.7:
        loop.change_state(actor=handler, case=case, state=CaseState.CLOSED)
    contacted = opened + timedelta(hours=rng.uniform(2, 20))
    resolved = contacted + timedelta(hours=rng.uniform(1, 40))
    Case.objects.filter(pk=case.pk).update(
        created_at=opened,
        first_contact_at=contacted,
        resolved_at=resolved,
        closed_at=resolved + timedelta(days=1) if case.state == CaseState.CLOSED else None,
    )


def _actions(organisation: Organisation, actor: Actor, cases: list[Case]) -> None:
    line = Touchpoint.objects.filter(
        stage__journey__organisation=organisation, name=ACTION_TOUCHPOINT
    ).first()
    if line is not None:
        done = actions.save_action(
            actor=actor,
            title="Takaisinsoittopalvelu ajanvaraukseen",
            problem="Asiakkaat jonottivat puhelimessa pitkään eivätkä tienneet, kauanko "
            "odotus kestää. Nyt järjestelmä tarjoaa takaisinsoittoa.",
            touchpoints=[line],
            themes=["waiting_time"],
            state=ActionState.DONE,
            window_days=ACTION_DAYS_AGO,
        )
        done.done_on = timezone.localdate() - timedelta(days=ACTION_DAYS_AGO)
        done.save(update_fields=["done_on"])
    letter = Touchpoint.objects.filter(
        stage__journey__organisation=organisation, name="Päätöskirje"
    ).first()
    if letter is not None:
        from_case = next((c for c in cases if c.response.touchpoint_id == letter.pk), None)
        actions.save_action(
            actor=actor,
            title="Päätöskirje selkokielelle",
            problem="Kirjeestä ei saa selvää, mitä seuraavaksi pitää tehdä.",
            touchpoints=[letter],
            themes=["communication"],
            state=ActionState.IN_PROGRESS,
            due_date=timezone.localdate() + timedelta(days=30),
            case=from_case,
        )
