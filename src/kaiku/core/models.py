from django.db import models


class SweepMark(models.Model):
    """How far a sweep for lost background work had looked at its last run: the newest
    id of the work that waited then (kaiku.core.background.lost_work)."""

    name = models.CharField(max_length=64, unique=True)
    last_id = models.BigIntegerField(default=0)
    swept_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} ≤ {self.last_id}"
