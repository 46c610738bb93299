"""What customers tell each team and each staff member, behind the anonymity threshold.

The slices are fixed, so that no two of them can be subtracted to reveal a smaller one:

- periods are completed calendar months: disjoint, and no longer growing once shown,
  so watching a slice from one day to the next tells nothing new (a month opens the
  day after it ends);
- a team's month is split only by the staff member who served, with no other filter;
- a slice is shown only with at least KAIKU_MIN_N responses; and because a viewer who
  sees a team's total and some of its parts could subtract them, a part is hidden too
  whenever the rest of the total, of which the viewer sees no part, would come to
  between 1 and KAIKU_MIN_N − 1 responses (complementary suppression, `hide`).

A hidden slice says only that it is hidden, not even its count.

Who sees what: a team's totals are for its members, its leads, and analysts and
above; a member's part is for that member and the team's leads, whatever anyone's
role. Single responses never name the staff member (not in the response views, the
API or the exports), so these slices are the only way to per-person feedback.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Model, Q

from kaiku.analytics.models import ResponseFact, ResponseTheme
from kaiku.analytics.rollups import touchpoint_measures
from kaiku.analytics.selectors import Summary, add_sums, minimum_n, summarise
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Membership, Role, Team
from kaiku.textanalysis import engine
from kaiku.textanalysis.models import TextAnalysis

MONTHS = 12
TOP_THEMES = 3
QUOTES = 3
TOTAL = 0  # the key of a team's own slice among its members' (user ids are > 0)


class NotAllowed(Exception):
    """The viewer may not see this team's feedback."""


@dataclass
class Slice:
    shown: bool
    summary: Summary | None = None
    themes: list[tuple[str, int]] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        if not self.shown or self.summary is None:
            return {"shown": False}
        return {
            "shown": True,
            **self.summary.as_dict(),
            "themes": [{"name": name, "responses": n} for name, n in self.themes],
            "quotes": self.quotes,
        }


@dataclass
class Month:
    start: date
    end: date
    slices: dict[int, Slice]  # TOTAL and user ids

    @property
    def key(self) -> str:
        return self.start.strftime("%Y-%m")


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str


@dataclass
class Report:
    """One team's months, or one person's months outside their teams (team None)."""

    team: Team | None
    min_n: int
    with_total: bool
    people: list[Person]
    months: list[Month]  # oldest first
    detail: Month  # the chosen month, with its themes and comments

    def rows(self) -> list[tuple[Month, Person | None, Slice]]:
        """Every slice, month by month: the team's first, then each person's."""
        found: list[tuple[Month, Person | None, Slice]] = []
        for month in self.months:
            if self.with_total:
                found.append((month, None, month.slices[TOTAL]))
            found.extend((month, p, month.slices[p.user_id]) for p in self.people)
        return found


@dataclass(frozen=True)
class Scope:
    """Which facts a report counts: one team's, or one person's outside some teams."""

    team_id: int | None = None
    served_by_id: int | None = None
    not_teams: tuple[int, ...] = ()

    def sql(self) -> tuple[str, list]:
        """A condition over the fact table aliased f, and its parameters."""
        parts, params = ["1 = 1"], []
        if self.team_id is not None:
            parts.append("f.team_id = %s")
            params.append(self.team_id)
        if self.served_by_id is not None:
            parts.append("f.served_by_id = %s")
            params.append(self.served_by_id)
        if self.not_teams:
            parts.append(f"f.team_id NOT IN ({', '.join(['%s'] * len(self.not_teams))})")
            params.extend(self.not_teams)
        return " AND ".join(parts), params

    def q(self, prefix: str) -> Q:
        """The same condition as lookups over `prefix` + a fact's fields."""
        found = Q()
        if self.team_id is not None:
            found &= Q(**{f"{prefix}team_id": self.team_id})
        if self.served_by_id is not None:
            found &= Q(**{f"{prefix}served_by_id": self.served_by_id})
        if self.not_teams:
            found &= ~Q(**{f"{prefix}team_id__in": self.not_teams})
        return found


def completed_months(today: date, count: int = MONTHS) -> list[tuple[date, date]]:
    """The last `count` calendar months that have ended, oldest first."""
    months = []
    end = today.replace(day=1) - timedelta(days=1)
    for _ in range(count):
        start = end.replace(day=1)
        months.append((start, end))
        end = start - timedelta(days=1)
    return months[::-1]


def hide(
    total: int, parts: Mapping[int, int], min_n: int, hidden_already: Iterable[int] = ()
) -> tuple[bool, set[int]]:
    """Whether a total of `total` responses may be shown, and which of the `parts` (the
    slices of it a viewer sees, key → responses) must be hidden.

    A part under `min_n` is hidden, and so is every part in `hidden_already` (hidden
    for another reason: a measure of a slice that is itself hidden); then, while the
    rest of the total that the viewer sees no part of holds 1 to min_n − 1 responses,
    the smallest part still shown is hidden as well. A part with no responses is shown
    (as none): it reveals nothing.
    """
    if total < min_n:
        return False, {key for key, n in parts.items() if n > 0}
    hidden = {key for key, n in parts.items() if 0 < n < min_n} | set(hidden_already)
    while True:
        rest = total - sum(n for key, n in parts.items() if key not in hidden)
        if rest == 0 or rest >= min_n:
            return True, hidden
        shown = [(n, key) for key, n in parts.items() if key not in hidden and n > 0]
        hidden.add(min(shown)[1])


def viewable_people(team: Team, actor: Actor) -> tuple[bool, list[Person]]:
    """Whether `actor` sees the team's totals, and whose parts they see.

    Raises NotAllowed for someone who is neither a member, a lead nor an analyst."""
    members = list(
        Membership.objects.filter(organisation_id=team.organisation_id, teams=team)
        .select_related("user")
        .order_by("user__first_name", "user__email")
    )
    user = actor.user
    is_lead = user is not None and team.leads.filter(user=user).exists()
    is_member = user is not None and any(m.user_id == user.pk for m in members)
    if is_lead:
        return True, [_person(m.user) for m in members]
    if is_member:
        assert user is not None
        return True, [_person(user)]
    if actor.role.at_least(Role.ANALYST):
        return True, []
    raise NotAllowed


def _person(user: User) -> Person:
    return Person(user.pk, user.get_full_name() or user.email or user.get_username())


def team_report(
    team: Team,
    actor: Actor,
    *,
    today: date,
    month: str = "",
    language: str = "fi",
    only_self: bool = False,
) -> Report:
    """A team's completed months for this viewer: the team's slice and the parts the
    viewer may see (with `only_self`, just the viewer's own)."""
    _with_total, people = viewable_people(team, actor)
    if only_self:
        people = [p for p in people if actor.user is not None and p.user_id == actor.user.pk]
    periods = completed_months(today)
    scope = Scope(team_id=team.pk)
    sums = _sums(team.organisation_id, periods, scope)
    months = []
    for index, (start, end) in enumerate(periods):
        by_person = sums.get(index, {})
        total = add_sums(by_person.values())
        parts = {p.user_id: int(by_person.get(p.user_id, {}).get("responses", 0)) for p in people}
        total_shown, hidden = hide(int(total.get("responses", 0)), parts, minimum_n())
        slices = {TOTAL: _slice(total, total_shown)}
        for person in people:
            shown = person.user_id not in hidden
            slices[person.user_id] = _slice(by_person.get(person.user_id, {}), shown)
        months.append(Month(start, end, slices))
    months = _from_first_feedback(months)
    detail = _chosen(months, month)
    _describe(detail, team.organisation_id, language, scope)
    return Report(team, minimum_n(), True, people, months, detail)


def elsewhere_report(actor: Actor, *, today: date, month: str = "", language: str = "fi") -> Report:
    """The viewer's own feedback from responses outside their teams (or with none):
    no total goes with it, so only the threshold applies."""
    assert actor.user is not None
    me = _person(actor.user)
    mine = list(
        Team.objects.filter(
            memberships__user=actor.user, organisation=actor.organisation
        ).values_list("pk", flat=True)
    )
    scope = Scope(served_by_id=me.user_id, not_teams=tuple(mine))
    periods = completed_months(today)
    sums = _sums(actor.organisation.pk, periods, scope)
    months = []
    for index, (start, end) in enumerate(periods):
        own = sums.get(index, {}).get(me.user_id, {})
        shown = int(own.get("responses", 0)) >= minimum_n() or not own.get("responses")
        months.append(Month(start, end, {me.user_id: _slice(own, shown)}))
    months = _from_first_feedback(months)
    detail = _chosen(months, month)
    _describe(detail, actor.organisation.pk, language, scope)
    return Report(None, minimum_n(), False, [me], months, detail)


def my_reports(actor: Actor, *, today: date, month: str = "", language: str = "fi") -> list[Report]:
    """The viewer's own feedback: their part in each team they belong to (beside the
    team's total), and their feedback from elsewhere if there is any."""
    if actor.user is None:
        raise NotAllowed
    teams = Team.objects.filter(organisation=actor.organisation, memberships__user=actor.user)
    found = [
        team_report(team, actor, today=today, month=month, language=language, only_self=True)
        for team in teams
    ]
    elsewhere = elsewhere_report(actor, today=today, month=month, language=language)
    if not found or any(
        (piece.summary and piece.summary.n) or not piece.shown
        for m in elsewhere.months
        for piece in m.slices.values()
    ):
        found.append(elsewhere)
    return found


def my_teams(actor: Actor) -> list[Team]:
    """The teams whose feedback the viewer may open: those they belong to or lead, and
    for analysts and above every team."""
    teams = Team.objects.filter(organisation=actor.organisation)
    if actor.role.at_least(Role.ANALYST):
        return list(teams)
    if actor.user is None:
        return []
    return list(
        (
            teams.filter(memberships__user=actor.user) | teams.filter(leads__user=actor.user)
        ).distinct()
    )


def team_months(team: Team, periods: list[tuple[date, date]]) -> list[Summary]:
    """What customers told the team in each period, whoever served them; a period
    under the threshold says only its count."""
    sums = _sums(team.organisation_id, periods, Scope(team_id=team.pk))
    return [
        summarise(add_sums(sums.get(index, {}).values()), minimum_n())
        for index in range(len(periods))
    ]


def _slice(sums: Mapping[str, float], shown: bool) -> Slice:
    if not shown:
        return Slice(shown=False)
    if not sums.get("responses"):
        return Slice(shown=True, summary=Summary(n=0, enough=False))
    return Slice(shown=True, summary=summarise(sums, 1))


def _from_first_feedback(months: list[Month]) -> list[Month]:
    """The months from the first that has any response (an empty month tells nothing)."""
    for index, month in enumerate(months):
        if any(not s.shown or (s.summary and s.summary.n) for s in month.slices.values()):
            return months[index:]
    return months[-1:]


def _chosen(months: list[Month], key: str) -> Month:
    return next((m for m in months if m.key == key), months[-1])


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _sums(
    organisation_id: int, periods: list[tuple[date, date]], scope: Scope
) -> dict[int, dict[int, dict[str, float]]]:
    """month index → served_by id → the sums a touchpoint rollup keeps, from the facts."""
    where, params = scope.sql()
    measures = touchpoint_measures()
    bucket = " ".join(f"WHEN f.day BETWEEN %s AND %s THEN {i}" for i in range(len(periods)))
    sql = (
        f"SELECT CASE {bucket} END, f.served_by_id, "  # noqa: S608 - fixed names only
        f"{', '.join(expression for _, expression in measures)} "
        f"FROM {_table(ResponseFact)} f "
        f"WHERE f.organisation_id = %s AND f.day BETWEEN %s AND %s AND {where} "
        "GROUP BY 1, 2"
    )
    bounds = [day for period in periods for day in period]
    args = [*bounds, organisation_id, periods[0][0], periods[-1][1], *params]
    found: dict[int, dict[int, dict[str, float]]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        for month, served_by, *values in cursor.fetchall():
            found[month][served_by] = {
                name: value or 0 for (name, _), value in zip(measures, values, strict=True)
            }
    return found


def _describe(month: Month, organisation_id: int, language: str, scope: Scope) -> None:
    """Themes and the latest comments of each shown slice of the chosen month."""
    where, params = scope.sql()
    shown = {key for key, s in month.slices.items() if s.shown and s.summary and s.summary.n}
    if not shown:
        return
    sql = (
        "SELECT f.served_by_id, t.theme, COUNT(*) "  # noqa: S608 - fixed names only
        f"FROM {_table(ResponseTheme)} t JOIN {_table(ResponseFact)} f "
        "ON f.response_id = t.fact_id "
        f"WHERE f.organisation_id = %s AND f.day BETWEEN %s AND %s AND {where} "
        "GROUP BY 1, 2"
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with connection.cursor() as cursor:
        cursor.execute(sql, [organisation_id, month.start, month.end, *params])
        for served_by, theme, n in cursor.fetchall():
            counts[served_by][theme] += n
            counts[TOTAL][theme] += n
    taxonomy = engine.taxonomy_for(organisation_id)
    for key in shown:
        ranked = sorted(counts.get(key, {}).items(), key=lambda pair: (-pair[1], pair[0]))
        month.slices[key].themes = [
            (taxonomy.name(theme, language), n) for theme, n in ranked[:TOP_THEMES]
        ]
        month.slices[key].quotes = _quotes(organisation_id, month, key, scope)


def _quotes(organisation_id: int, month: Month, key: int, scope: Scope) -> list[str]:
    """The latest comments of a slice, as the analysis redacted them."""
    analyses = TextAnalysis.objects.filter(
        scope.q("response__fact__"),
        organisation_id=organisation_id,
        response__fact__day__range=(month.start, month.end),
    ).exclude(text="")
    if key != TOTAL:
        analyses = analyses.filter(response__fact__served_by_id=key)
    texts = analyses.order_by("-response__fact__day", "-pk").values_list("text", flat=True)
    return [" ".join(text.split())[:240] for text in texts[:QUOTES]]


TABLE_HEADER = [
    "month",
    "team",
    "person",
    "shown",
    "responses",
    "valence",
    "valence_low",
    "valence_high",
    "negative_share",
    "nps",
    "csat",
    "ease",
    "effectiveness",
    "overall",
]


def table(report: Report) -> list[list[object]]:
    """The report as rows for a file: the same slices, hidden the same way, as the page
    and the API (a hidden slice has only its month and names)."""
    team = report.team.name if report.team else ""
    found: list[list[object]] = [list(TABLE_HEADER)]
    for month, person, piece in report.rows():
        row: list[object] = [month.key, team, person.name if person else "", piece.shown]
        summary = piece.summary
        if piece.shown and summary is not None:
            valence = summary.valence
            row += [
                summary.n,
                *((valence.value, valence.low, valence.high) if valence else ("", "", "")),
                summary.negative.value if summary.negative else "",
                summary.nps.value if summary.nps else "",
                *(
                    (e.value if (e := summary.scores.get(s)) else "")
                    for s in ("csat", "ease", "effectiveness", "overall")
                ),
            ]
        found.append(row + [""] * (len(TABLE_HEADER) - len(row)))
    return found
