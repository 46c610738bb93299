"""Case deadlines in business hours: Finnish working days, office hours, safe across DST.

Why it is built this way:

- Office hours are wall-clock hours in the business time zone, so each day's opening and
  closing are built from that day's date and converted to UTC. Adding a timedelta to a local
  time instead would drift by an hour across a daylight-saving switch.
- All arithmetic and comparisons are done in UTC. Python compares and subtracts two aware
  datetimes that share a tzinfo by their wall-clock fields alone, which is wrong in the
  repeated hour of an autumn switch.
- A working day's hours include both ends, opening and closing: a deadline that uses up a
  day's last hour is that day's closing time, not the next morning.
- The loops step a whole day at a time, so even a year of business hours is a few hundred
  steps; nothing counts hour by hour.
- Settings are read on every call, not at import, so tests and deployments can change them.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

ONE_DAY = timedelta(days=1)
ONE_HOUR = timedelta(hours=1)


def is_working_day(day: date) -> bool:
    """Monday to Friday, unless it is a Finnish public holiday."""
    if isinstance(day, datetime):
        # A datetime never equals a date, so the holiday lookup would silently miss.
        raise TypeError("is_working_day() takes a date; pass datetime.date() in local time")
    return day.weekday() < 5 and day not in _finnish_holidays(day.year)


def add_business_hours(start: datetime, hours: float) -> datetime:
    """The moment `hours` business hours after `start`, in the business time zone.

    A start outside business hours counts from the next opening.
    """
    if not math.isfinite(hours) or hours < 0:
        raise ValueError(f"business hours must be a finite number >= 0, got {hours!r}")
    zone = _business_zone()
    remaining = timedelta(hours=hours)
    cursor = _as_utc(start)
    day = cursor.astimezone(zone).date()
    while True:
        if is_working_day(day):
            opening, closing = _office_hours(day, zone)
            if cursor <= closing:
                cursor = max(cursor, opening)
                if remaining <= closing - cursor:
                    return (cursor + remaining).astimezone(zone)
                remaining -= closing - cursor
        day += ONE_DAY


def business_hours_between(start: datetime, end: datetime) -> float:
    """Business hours from `start` to `end`; 0 when `end` is not after `start`."""
    start_utc, end_utc = _as_utc(start), _as_utc(end)
    if end_utc <= start_utc:
        return 0.0
    zone = _business_zone()
    total = timedelta(0)
    day = start_utc.astimezone(zone).date()
    last_day = end_utc.astimezone(zone).date()
    while day <= last_day:
        if is_working_day(day):
            opening, closing = _office_hours(day, zone)
            overlap = min(closing, end_utc) - max(opening, start_utc)
            total += max(overlap, timedelta(0))
        day += ONE_DAY
    return total / ONE_HOUR


@cache
def _finnish_holidays(year: int) -> frozenset[date]:
    # The library already lists Midsummer Eve (Juhannusaatto) and Christmas Eve (Jouluaatto)
    # among FI public holidays, so nothing is added here; tests/loop/test_sla.py pins that.
    return frozenset(holidays.country_holidays("FI", years=year))


def _business_zone() -> ZoneInfo:
    return ZoneInfo(getattr(settings, "KAIKU_BUSINESS_TIMEZONE", "Europe/Helsinki"))


def _office_hours(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Opening and closing on `day`, as UTC instants."""
    opening_hour, closing_hour = getattr(settings, "KAIKU_BUSINESS_HOURS", (8, 16))
    if not 0 <= opening_hour < closing_hour <= 24:
        raise ValueError("KAIKU_BUSINESS_HOURS must be (start, end) with 0 <= start < end <= 24")
    opening = datetime.combine(day, time(opening_hour), tzinfo=zone)
    # Closing at 24 is the next day's midnight, which time() cannot express.
    extra_days, closing_hour = divmod(closing_hour, 24)
    closing = datetime.combine(day + extra_days * ONE_DAY, time(closing_hour), tzinfo=zone)
    return opening.astimezone(UTC), closing.astimezone(UTC)


def _as_utc(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError("business-hour arithmetic needs a timezone-aware datetime")
    return moment.astimezone(UTC)
