"""What the dashboards read: one fact row per response, and rollups that add the
facts up per touchpoint and day (and per theme, and per journey stage).

Facts are derived from a response, its answers and its text analyses; rollups are
derived from facts. Both can be rebuilt at any time (`kaiku rollup --rebuild`).
A dimension that a response lacks is stored as 0 or "" rather than NULL, so that
a rollup cell has one key that an upsert can find.
"""

from __future__ import annotations

from django.db import models

from kaiku.organisations.models import Organisation
from kaiku.responses.models import Response

EMOTION_FIELDS = (
    "anger",
    "anticipation",
    "disgust",
    "fear",
    "joy",
    "sadness",
    "surprise",
    "trust",
    "neutral",
)
SCORES = ("nps", "csat", "ease", "effectiveness", "overall")
# The dimensions every rollup is cut by (the dashboards' filters), besides its own
# (touchpoint, theme or stage).
DIMENSIONS = (
    "organisation_id",
    "journey_id",
    "day",
    "segment_id",
    "channel",
    "team_id",
    "language",
)


class ResponseFact(models.Model):
    """A response as the dashboards count it."""

    response = models.OneToOneField(
        Response, on_delete=models.CASCADE, primary_key=True, related_name="fact"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    journey_id = models.IntegerField()
    touchpoint_id = models.IntegerField(default=0)
    day = models.DateField()
    segment_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=16, blank=True)
    team_id = models.IntegerField(default=0)
    served_by_id = models.IntegerField(default=0)
    respondent_id = models.IntegerField(default=0)
    language = models.CharField(max_length=8, blank=True)
    nps = models.SmallIntegerField(null=True)
    csat = models.SmallIntegerField(null=True)
    ease = models.SmallIntegerField(null=True)
    effectiveness = models.SmallIntegerField(null=True)
    overall = models.SmallIntegerField(null=True)
    # −1…1: the respondent's own emotion picks and the analysed free text.
    valence = models.FloatField(null=True)
    negative = models.BooleanField(default=False)
    intensity = models.FloatField(null=True)
    anger = models.BooleanField(default=False)
    anticipation = models.BooleanField(default=False)
    disgust = models.BooleanField(default=False)
    fear = models.BooleanField(default=False)
    joy = models.BooleanField(default=False)
    sadness = models.BooleanField(default=False)
    surprise = models.BooleanField(default=False)
    trust = models.BooleanField(default=False)
    neutral = models.BooleanField(default=False)
    is_demo = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "journey_id", "day"]),
            # The map's example quotes: a touchpoint's latest comments first.
            models.Index(fields=["touchpoint_id", "day"]),
            # Peak-end's respondents who answered more than once; most are anonymous.
            models.Index(
                fields=["journey_id", "respondent_id"],
                condition=~models.Q(respondent_id=0),
                name="fact_known_respondent",
            ),
            # Staff and team feedback: one team's months, one person's months.
            models.Index(
                fields=["organisation", "team_id", "day"],
                condition=~models.Q(team_id=0),
                name="fact_team_day",
            ),
            models.Index(
                fields=["organisation", "served_by_id", "day"],
                condition=~models.Q(served_by_id=0),
                name="fact_served_by_day",
            ),
        ]

    def __str__(self) -> str:
        return f"fact of response {self.response_id}"


class ResponseTheme(models.Model):
    fact = models.ForeignKey(ResponseFact, on_delete=models.CASCADE, related_name="themes")
    theme = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fact", "theme"], name="response_theme_once")
        ]

    def __str__(self) -> str:
        return self.theme


class ResponseCurve(models.Model):
    """One point of a journey-curve answer: how a stage felt, −3…+3."""

    fact = models.ForeignKey(ResponseFact, on_delete=models.CASCADE, related_name="curve")
    stage_id = models.IntegerField()
    score = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fact", "stage_id"], name="response_curve_once")
        ]

    def __str__(self) -> str:
        return f"stage {self.stage_id}: {self.score}"


class Cell(models.Model):
    """The dimensions and the measures every rollup cell has."""

    organisation_id = models.IntegerField()
    journey_id = models.IntegerField()
    day = models.DateField()
    segment_id = models.IntegerField()
    channel = models.CharField(max_length=16)
    team_id = models.IntegerField()
    language = models.CharField(max_length=8)
    responses = models.IntegerField(default=0)
    valence_n = models.IntegerField(default=0)
    valence_sum = models.FloatField(default=0)
    valence_sumsq = models.FloatField(default=0)
    negative = models.IntegerField(default=0)
    # −(sum of valence over the negative responses): how hard the negatives hurt.
    negative_weight = models.FloatField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day}: {self.responses}"


class TouchpointDay(Cell):
    touchpoint_id = models.IntegerField()  # 0: the response named no touchpoint
    nps_n = models.IntegerField(default=0)
    nps_sum = models.FloatField(default=0)
    nps_sumsq = models.FloatField(default=0)
    nps_promoters = models.IntegerField(default=0)
    nps_detractors = models.IntegerField(default=0)
    csat_n = models.IntegerField(default=0)
    csat_sum = models.FloatField(default=0)
    csat_sumsq = models.FloatField(default=0)
    ease_n = models.IntegerField(default=0)
    ease_sum = models.FloatField(default=0)
    ease_sumsq = models.FloatField(default=0)
    effectiveness_n = models.IntegerField(default=0)
    effectiveness_sum = models.FloatField(default=0)
    effectiveness_sumsq = models.FloatField(default=0)
    overall_n = models.IntegerField(default=0)
    overall_sum = models.FloatField(default=0)
    overall_sumsq = models.FloatField(default=0)
    anger = models.IntegerField(default=0)
    anticipation = models.IntegerField(default=0)
    disgust = models.IntegerField(default=0)
    fear = models.IntegerField(default=0)
    joy = models.IntegerField(default=0)
    sadness = models.IntegerField(default=0)
    surprise = models.IntegerField(default=0)
    trust = models.IntegerField(default=0)
    neutral = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[*DIMENSIONS, "touchpoint_id"], name="touchpoint_day_cell"
            )
        ]
        indexes = [models.Index(fields=["organisation_id", "journey_id", "day"])]


class ThemeDay(Cell):
    """Responses whose comments are about a theme; with the outcome scores, so that
    theme drivers need no pass over the facts."""

    touchpoint_id = models.IntegerField()
    theme = models.CharField(max_length=64)
    nps_n = models.IntegerField(default=0)
    nps_sum = models.FloatField(default=0)
    nps_sumsq = models.FloatField(default=0)
    csat_n = models.IntegerField(default=0)
    csat_sum = models.FloatField(default=0)
    csat_sumsq = models.FloatField(default=0)
    overall_n = models.IntegerField(default=0)
    overall_sum = models.FloatField(default=0)
    overall_sumsq = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[*DIMENSIONS, "touchpoint_id", "theme"], name="theme_day_cell"
            )
        ]
        indexes = [models.Index(fields=["organisation_id", "journey_id", "day"])]


class StageDay(Cell):
    """Journey-curve answers per stage: the valence columns hold the curve score
    scaled to −1…1, and `negative` the answers below zero."""

    stage_id = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=[*DIMENSIONS, "stage_id"], name="stage_day_cell")
        ]
        indexes = [models.Index(fields=["organisation_id", "journey_id", "day"])]


class RollupState(models.Model):
    """How far the catch-up has looked for responses that have no fact yet."""

    checked_up_to = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"checked up to response {self.checked_up_to}"
