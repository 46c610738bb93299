"""Staff support: the sensitive (crisis) cases each handler carried, month by month,
for rotation, debriefing and supervision — counts and kinds only, never case texts.

A month's load is the number of sensitive cases a person *held open* in it: a case
counts in every month in which, at some moment, it was open (from its opening to its
resolution or closing) and assigned to them. A case that stays open from March to
May weighs on its handler in March, April and May; one handed over in April counts
for both handlers in April. Who held a case when is read from its history (the
assignee at opening, each reassignment, a handler taking an unassigned case);
"came in" counts the cases they got in the month. A reopened case counts as open
from its opening, the interval it was resolved included.

Who sees whom: owners and admins everyone in the organisation who handles sensitive
cases or held one in the period; a team's lead the members of the teams they lead
who do; everyone their own. Nobody else sees anyone's load, and an API key is no
person. People are listed in alphabetical order, never by load.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kaiku.loop.models import OPEN_STATES, Case, CaseEvent, CaseState, EventKind
from kaiku.loop.rules import CRISIS_FLAGS
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Membership, Role
from kaiku.textanalysis.models import TextAnalysis

PAST_MONTHS = 6  # completed months shown before the current one
SELF_HARM = "self_harm"
KIND_NAMES: dict[str, Promise] = {
    "death_grief": _("Death and grief"),
    "serious_illness": _("Serious illness"),
    "financial_crisis": _("Financial crisis"),
    "violence": _("Violence"),
    "self_harm": _("Self-harm"),
}
assert set(KIND_NAMES) == set(CRISIS_FLAGS)


@dataclass
class MonthLoad:
    month: date  # its first day
    carried: int = 0  # sensitive cases held open at some moment of the month
    came_in: int = 0  # of which assigned to the person during the month
    kinds: dict[str, int] = field(default_factory=dict)  # crisis kind → cases carried
    load_reached: bool = False  # carried ≥ the threshold
    self_harm: bool = False  # carried a case with a self-harm signal

    @property
    def support_to_consider(self) -> bool:
        return self.load_reached or self.self_harm


@dataclass
class PersonLoad:
    user_id: int
    name: str
    is_self: bool
    open_now: int
    months: list[MonthLoad]

    @property
    def support_months(self) -> list[MonthLoad]:
        return [m for m in self.months if m.support_to_consider]

    @property
    def by_kind(self) -> list[tuple[str, list[int]]]:
        """Each crisis kind's name and its cases month by month (a table's rows)."""
        return [(str(name), [m.kinds[k] for m in self.months]) for k, name in KIND_NAMES.items()]


@dataclass
class StaffSupport:
    months: list[date]  # oldest first; the last is the current month so far
    people: list[PersonLoad]  # alphabetical
    threshold: int
    sees_others: bool  # whether the actor may see anyone but themself


def staff_support(actor: Actor, *, now: datetime | None = None) -> StaffSupport:
    """The load of each person the actor may see, for the last completed months and
    the current month so far."""
    now = now or timezone.now()
    months = _months(timezone.localdate(now))
    window = _month_start(months[0])
    threshold = settings.KAIKU_CARE_LOAD_THRESHOLD
    everyone, user_ids = _scope(actor)
    members = Membership.objects.filter(organisation=actor.organisation).select_related("user")
    if not everyone:
        members = members.filter(user_id__in=user_ids)
    members_by_user = {m.user_id: m for m in members}
    # Sensitive cases are few: all of the period's, since a case now with someone
    # else may have been with one of these people before.
    cases = list(_sensitive_cases(actor, window, now)) if members_by_user else []
    held = _holdings(cases, now)
    kinds = _kinds_of(cases)
    bounds = [(_month_start(m), _month_start(_next(m))) for m in months]

    people = []
    for user_id, member in members_by_user.items():
        spans = [(case, start, end) for case, holder, start, end in held if holder == user_id]
        if not spans and not member.handles_sensitive:
            continue  # not one who handles sensitive cases
        loads = []
        for month, (first, last) in zip(months, bounds, strict=True):
            load = MonthLoad(month=month, kinds=dict.fromkeys(CRISIS_FLAGS, 0))
            carried = {
                c.pk for c, start, end in spans if start < last and (end > first or start >= first)
            }
            load.carried = len(carried)
            load.came_in = len({c.pk for c, start, _end in spans if first <= start < last})
            for case_id in carried:
                for kind in kinds.get(case_id, ()):
                    load.kinds[kind] += 1
            load.load_reached = load.carried >= threshold
            load.self_harm = load.kinds[SELF_HARM] > 0
            loads.append(load)
        people.append(
            PersonLoad(
                user_id=user_id,
                name=_name(member),
                is_self=actor.user is not None and actor.user.pk == user_id,
                open_now=sum(
                    1 for c in cases if c.assignee_id == user_id and c.state in OPEN_STATES
                ),
                months=loads,
            )
        )
    # Alphabetical, whatever the loads: this is care, not a ranking.
    people.sort(key=lambda p: (p.name.casefold(), p.user_id))
    return StaffSupport(
        months=months,
        people=people,
        threshold=threshold,
        sees_others=everyone or bool(user_ids - {getattr(actor.user, "pk", None)}),
    )


def has_something_to_see(membership: Membership) -> bool:
    """Whether the staff support page shows this member anyone (for the navigation);
    cheaper than building the page, and may say yes to a lead whose team handles no
    sensitive cases in the period."""
    if membership.has_role(Role.ADMIN) or membership.handles_sensitive:
        return True
    if membership.leads.exists():
        return True
    return Case.objects.filter(
        organisation_id=membership.organisation_id, sensitive=True, assignee=membership.user_id
    ).exists()


def _scope(actor: Actor) -> tuple[bool, set[int]]:
    """Whether the actor sees everyone, else the users whose load they may see."""
    if actor.api_key is not None:
        return False, set()
    if actor.user is None:
        return actor.role.at_least(Role.ADMIN), set()  # Kaiku itself: a task, the CLI
    member = Membership.objects.filter(organisation=actor.organisation, user=actor.user).first()
    if member is None:
        return False, set()
    if member.has_role(Role.ADMIN):
        return True, set()
    led = Membership.objects.filter(
        organisation=actor.organisation, teams__in=member.leads.all()
    ).values_list("user_id", flat=True)
    return False, {actor.user.pk, *led}


def _sensitive_cases(actor: Actor, window: datetime, now: datetime) -> QuerySet[Case]:
    """The organisation's sensitive cases that were open at some time since `window`."""
    return (
        Case.objects.filter(organisation=actor.organisation, sensitive=True, created_at__lte=now)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=window))
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=window))
        .only(
            "pk",
            "state",
            "assignee_id",
            "response_id",
            "created_at",
            "resolved_at",
            "closed_at",
            "updated_at",
        )
    )


def _holdings(cases: list[Case], now: datetime) -> list[tuple[Case, int, datetime, datetime]]:
    """Who held each case open when: (case, user id, from, until), from its history."""
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in CaseEvent.objects.filter(
        case__in=cases, kind__in=[EventKind.OPENED, EventKind.ASSIGNED, EventKind.STATE]
    ).order_by("created_at", "pk"):
        events[event.case_id].append(event)
    held = []
    for case in cases:
        opened, until = case.created_at, _ended(case) or now
        holder: int | None = case.assignee_id
        since = opened
        spans: list[tuple[int, datetime, datetime]] = []
        history = events.get(case.pk, [])
        if history:
            holder = None
        for event in history:
            data: dict[str, Any] = event.data or {}
            if event.kind == EventKind.OPENED:
                holder = data.get("assignee")
                continue
            if event.kind == EventKind.ASSIGNED:
                taken_by = data.get("after")
            elif (
                event.kind == EventKind.STATE
                and holder is None
                and data.get("after") == CaseState.IN_PROGRESS
            ):
                taken_by = event.actor_id  # a handler took the unassigned case
            else:
                continue
            at = min(max(event.created_at, opened), until)
            if taken_by != holder:
                if holder is not None and at > since:  # not handed on at once
                    spans.append((holder, since, at))
                holder, since = taken_by, at
        if holder != case.assignee_id:
            # History that does not end with the assignee (a case made without its
            # service): the assignee holds it from the last change known.
            holder = case.assignee_id
        if holder is not None:
            spans.append((holder, since, until))
        held += [(case, user, start, end) for user, start, end in spans]
    return held


def _ended(case: Case) -> datetime | None:
    ends = [t for t in (case.resolved_at, case.closed_at) if t is not None]
    if ends:
        return min(ends)
    if case.state not in OPEN_STATES:
        return case.updated_at  # ended, its time not recorded
    return None


def _kinds_of(cases: list[Case]) -> dict[int, set[str]]:
    """Each case's crisis kinds, from the flags of its response's comment analyses."""
    case_of = {c.response_id: c.pk for c in cases}
    kinds: dict[int, set[str]] = defaultdict(set)
    for response_id, flags in TextAnalysis.objects.filter(response_id__in=case_of).values_list(
        "response_id", "flags"
    ):
        for flag in flags or []:
            if flag.get("kind") in KIND_NAMES:
                kinds[case_of[response_id]].add(flag["kind"])
    return kinds


def _name(member: Membership) -> str:
    user = member.user
    return user.get_full_name() or user.email or user.get_username()


def _months(today: date) -> list[date]:
    found = [today.replace(day=1)]
    for _past in range(PAST_MONTHS):
        found.append((found[-1] - timedelta(days=1)).replace(day=1))
    return found[::-1]


def _next(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _month_start(month: date) -> datetime:
    return timezone.make_aware(datetime(month.year, month.month, 1))
