"""Reads for the employee pulse, behind the anonymity threshold on every slice.

The slices are fixed so that no two can be subtracted to reveal fewer than
KAIKU_MIN_N people (the same reasoning as customer feedback per team,
`kaiku.analytics.staff`):

- one pulse survey at a time: there is no total across surveys to subtract from;
- periods are completed calendar months: disjoint, and no longer growing once shown;
- a month is split only by team, with no other filter; the organisation's month is
  the total of its teams (and of answers with no team);
- a team's month is shown with at least KAIKU_MIN_N answers, and a team is hidden
  also when the rest of the month's total, of which no part is shown, would come to
  between 1 and KAIKU_MIN_N − 1 answers (complementary suppression, `hide`);
- each measure and the free text are suppressed the same way on their own counts (a
  question someone skipped must not reveal the others' answers), on top of the slice;
- free text (themes, quotes) only where at least KAIKU_MIN_N people wrote some.

The grid is the same for every viewer; who may see which team only picks rows of it,
so that what two viewers see together is still part of one safe grid.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.db.models import Count, F, Max, Q, QuerySet, Sum

from kaiku.analytics.selectors import minimum_n
from kaiku.analytics.staff import completed_months, hide
from kaiku.analytics.stats import Estimate, mean_ci, nps_ci, share_ci
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Organisation, Role, Team
from kaiku.people.models import PulseAnswer, PulseResponse
from kaiku.surveys.models import PULSE_KINDS, QuestionKind, Survey, SurveyMode
from kaiku.textanalysis import engine

ORGANISATION = 0  # the key of the whole organisation's cell (team ids are > 0)
NO_TEAM = -1  # answers whose team is gone: they count in the total, never shown alone
MONTHS = 12
QUOTES = 5
TOP_THEMES = 5
TEXT = "text"  # the key of the free-text counts beside the measures
COUNTS_SECONDS = 24 * 3600


@dataclass
class Cell:
    """One team's (or the organisation's) month: hidden, or its figures."""

    shown: bool
    n: int = 0
    measures: dict[str, Estimate | None] = field(default_factory=dict)  # kind → value
    texts: int | None = None  # None: hidden
    negative: Estimate | None = None  # share of the texts read as negative
    themes: list[tuple[str, int]] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        if not self.shown:
            return {"shown": False}
        return {
            "shown": True,
            "answers": self.n,
            "measures": {
                kind: (value.as_dict() if value is not None else None)
                for kind, value in self.measures.items()
            },
            "texts": self.texts,
            "negative_share": self.negative.as_dict() if self.negative else None,
            "themes": [{"name": name, "texts": n} for name, n in self.themes],
            "quotes": self.quotes,
        }


@dataclass
class Month:
    start: date
    cells: dict[int, Cell]  # ORGANISATION and team ids

    @property
    def key(self) -> str:
        return self.start.strftime("%Y-%m")


@dataclass
class PulseReport:
    survey: Survey
    min_n: int
    kinds: list[str]  # the survey's measures, in its order
    teams: list[Team]  # the teams this viewer sees
    months: list[Month]  # oldest first
    detail: Month  # the chosen month, with themes and quotes

    def rows(self) -> list[tuple[Month, Team | None, Cell]]:
        found: list[tuple[Month, Team | None, Cell]] = []
        for month in self.months:
            found.append((month, None, month.cells[ORGANISATION]))
            found.extend((month, team, month.cells[team.pk]) for team in self.teams)
        return found


def pulse_surveys(organisation: Organisation) -> QuerySet[Survey]:
    return Survey.objects.filter(organisation=organisation, mode=SurveyMode.EMPLOYEE).order_by(
        "-created_at", "-pk"
    )


def visible_teams(actor: Actor) -> list[Team]:
    """Admins and owners (the people leads) see every team; a team lead sees the teams
    they lead; everyone else sees the organisation's figures only."""
    teams = Team.objects.filter(organisation=actor.organisation).order_by("name")
    if actor.role.at_least(Role.ADMIN):
        return list(teams)
    if actor.user is None:
        return []
    return list(teams.filter(leads__user=actor.user).distinct())


def pulse_report(
    survey: Survey,
    teams: list[Team],
    *,
    today: date,
    month: str = "",
    language: str = "fi",
    months: int = MONTHS,
) -> PulseReport:
    """The survey's completed months: the organisation's cell and the given teams'."""
    periods = [start for start, _end in completed_months(today, months)]
    kinds = _kinds(survey)
    counts = _remembered_counts(survey, periods[0], periods[-1])
    all_teams = list(
        Team.objects.filter(organisation_id=survey.organisation_id).values_list("pk", flat=True)
    )
    found = [_month(start, counts.get(start, {}), kinds, all_teams) for start in periods]
    found = _from_first_answer(found)
    for each in found:
        each.cells = {
            key: cell
            for key, cell in each.cells.items()
            if key == ORGANISATION or key in {t.pk for t in teams}
        }
    detail = next((m for m in found if m.key == month), found[-1])
    _describe(detail, survey, language)
    return PulseReport(survey, minimum_n(), kinds, teams, found, detail)


def _kinds(survey: Survey) -> list[str]:
    asked = list(survey.questions.order_by("position").values_list("kind", flat=True))
    return [kind for kind in asked if kind in PULSE_KINDS]


# month → team key → measure (or "answers", TEXT, "negative") → sums
Counts = dict[date, dict[int, dict[str, dict[str, float]]]]


def _remembered_counts(survey: Survey, first: date, last: date) -> Counts:
    """The counts, remembered until the survey's answers change. New answers land in the
    current month, which the report does not show, so a large organisation's report is
    read from its answers once a month, not on every page."""
    stamp = PulseResponse.objects.filter(survey=survey).aggregate(n=Count("pk"), top=Max("pk"))
    key = f"kaiku:pulse:{survey.pk}:{first}:{last}:{stamp['n']}:{stamp['top']}"
    found = cache.get(key)
    if found is None:
        found = _plain(_counts(survey, first, last))
        cache.set(key, found, COUNTS_SECONDS)
    return found


def _plain(counts: Counts) -> dict:
    """Plain dicts, which a cache can keep (defaultdicts with lambdas cannot be pickled)."""
    return {
        month: {
            team: {m: dict(sums) for m, sums in by_team.items()} for team, by_team in teams.items()
        }
        for month, teams in counts.items()
    }


def _counts(survey: Survey, first: date, last: date) -> Counts:
    """Answers, each measure's n / sum / sum of squares (eNPS: promoters and
    detractors), and texts with their negative ones, per month and team."""
    found: Counts = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
    responses = PulseResponse.objects.filter(survey=survey, month__range=(first, last))
    for row in responses.values("month", "team_id").annotate(n=Count("pk")):
        found[row["month"]][row["team_id"] or NO_TEAM]["answers"] = {"n": row["n"]}
    answers = PulseAnswer.objects.filter(
        response__survey=survey, response__month__range=(first, last)
    )
    numbers = (
        answers.filter(kind__in=PULSE_KINDS, number__isnull=False)
        .values("response__month", "response__team_id", "kind")
        .annotate(
            n=Count("pk"),
            sum=Sum("number"),
            sumsq=Sum(F("number") * F("number")),
            promoters=Count("pk", filter=Q(number__gte=9)),
            detractors=Count("pk", filter=Q(number__lte=6)),
        )
        .order_by()
    )
    for row in numbers:
        key = row["response__team_id"] or NO_TEAM
        found[row["response__month"]][key][row["kind"]] = {
            name: float(row[name]) for name in ("n", "sum", "sumsq", "promoters", "detractors")
        }
    texts = (
        answers.filter(kind=QuestionKind.TEXT)
        .exclude(text="")
        .values("response__month", "response__team_id")
        .annotate(n=Count("response", distinct=True), negative=Count("pk", Q(polarity="negative")))
    )
    for row in texts:
        key = row["response__team_id"] or NO_TEAM
        found[row["response__month"]][key][TEXT] = {"n": row["n"], "negative": row["negative"]}
    return found


def _month(
    start: date, counts: dict[int, dict[str, dict[str, float]]], kinds: list[str], teams: list[int]
) -> Month:
    min_n = minimum_n()

    def n_of(key: int, measure: str) -> int:
        return int(counts.get(key, {}).get(measure, {}).get("n", 0))

    def total(measure: str) -> dict[str, float]:
        added: dict[str, float] = defaultdict(float)
        for by_measure in counts.values():
            for name, value in by_measure.get(measure, {}).items():
                added[name] += value
        return added

    answers = {team: n_of(team, "answers") for team in teams}
    org_shown, hidden = hide(int(total("answers").get("n", 0)), answers, min_n)
    cells = {
        ORGANISATION: Cell(shown=org_shown, n=int(total("answers").get("n", 0))),
        **{team: Cell(shown=team not in hidden, n=answers[team]) for team in teams},
    }
    for measure in [*kinds, TEXT]:
        measure_total = total(measure)
        parts = {team: n_of(team, measure) for team in teams}
        whole_shown, hidden_here = hide(int(measure_total.get("n", 0)), parts, min_n, hidden)
        for key, cell in cells.items():
            if not cell.shown:
                continue
            if key == ORGANISATION:
                sums, shown = measure_total, whole_shown
            else:
                sums, shown = counts.get(key, {}).get(measure, {}), key not in hidden_here
            _fill(cell, measure, sums, shown)
    return Month(start, cells)


def _fill(cell: Cell, measure: str, sums: dict[str, float], shown: bool) -> None:
    n = int(sums.get("n", 0))
    if measure == TEXT:
        cell.texts = n if shown else None
        if shown and n:
            cell.negative = share_ci(int(sums.get("negative", 0)), n)
        return
    if not shown:
        cell.measures[measure] = None
    elif measure == QuestionKind.ENPS:
        cell.measures[measure] = nps_ci(
            int(sums.get("promoters", 0)), int(sums.get("detractors", 0)), n
        )
    else:
        cell.measures[measure] = mean_ci(n, sums.get("sum", 0.0), sums.get("sumsq", 0.0))


def _from_first_answer(months: list[Month]) -> list[Month]:
    for index, month in enumerate(months):
        if month.cells[ORGANISATION].n:
            return months[index:]
    return months[-1:]


def _describe(month: Month, survey: Survey, language: str) -> None:
    """Themes and a few comments for each cell whose free text is shown. The comments
    come in an order made from their text, not their arrival, so that nothing ties a
    comment to when it was written."""
    with_text = [key for key, cell in month.cells.items() if cell.shown and cell.texts]
    if not with_text:
        return
    rows = (
        PulseAnswer.objects.filter(
            response__survey=survey, response__month=month.start, kind=QuestionKind.TEXT
        )
        .exclude(text="")
        .values_list("response__team_id", "text", "themes", "analysed")
    )
    texts: dict[int, list[str]] = defaultdict(list)
    themes: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for team_id, text, keys, analysed in rows:
        # An answer not analysed yet is not redacted yet either: not shown.
        if not analysed:
            continue
        for key in (team_id or NO_TEAM, ORGANISATION):
            texts[key].append(" ".join(text.split())[:300])
            for theme in keys:
                themes[key][theme] += 1
    taxonomy = engine.taxonomy_for(survey.organisation_id)
    for key in with_text:
        cell = month.cells[key]
        ranked = sorted(themes[key].items(), key=lambda pair: (-pair[1], pair[0]))
        cell.themes = [(taxonomy.name(theme, language), n) for theme, n in ranked[:TOP_THEMES]]
        shuffled = sorted(texts[key], key=lambda t: hashlib.sha256(t.encode()).hexdigest())
        cell.quotes = shuffled[:QUOTES]


TABLE_HEADER = ["month", "team", "shown", "answers", "texts", "negative_share"]


def table(report: PulseReport) -> list[list[object]]:
    """The report as rows for a file, hidden exactly as on the page."""
    header: list[object] = [*TABLE_HEADER, *report.kinds]
    rows: list[list[object]] = [header]
    for month, team, cell in report.rows():
        name = team.name if team else ""
        if not cell.shown:
            rows.append([month.key, name, "no", *[""] * (len(header) - 3)])
            continue
        values = [
            "" if (v := cell.measures.get(kind)) is None else round(v.value, 2)
            for kind in report.kinds
        ]
        negative = "" if cell.negative is None else round(cell.negative.value, 3)
        texts = "" if cell.texts is None else cell.texts
        rows.append([month.key, name, "yes", cell.n, texts, negative, *values])
    return rows
