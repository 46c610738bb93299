"""Business-hour deadlines: Finnish holidays, office hours, DST, and the add/between inverse.

Expected datetimes are worked out by hand from the calendar with the default office hours,
08:00-16:00 Europe/Helsinki (EET +02:00 in winter, EEST +03:00 from the last Sunday of March
to the last Sunday of October).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from time import perf_counter
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest

from kaiku.loop.sla import add_business_hours, business_hours_between, is_working_day

HELSINKI = ZoneInfo("Europe/Helsinki")


def helsinki(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=HELSINKI)


def test_weekdays_are_working_days_and_weekends_are_not() -> None:
    assert is_working_day(date(2026, 3, 13))  # Friday
    assert not is_working_day(date(2026, 3, 14))  # Saturday
    assert not is_working_day(date(2026, 3, 15))  # Sunday


def test_holidays_library_lists_midsummer_eve_and_christmas_eve_for_finland() -> None:
    # sla.py relies on this instead of adding the two eves itself.
    finland = holidays.country_holidays("FI", years=[2026, 2027])
    assert date(2026, 6, 19) in finland  # Midsummer Eve, a Friday
    assert date(2027, 6, 25) in finland
    assert date(2026, 12, 24) in finland  # Christmas Eve
    assert date(2027, 12, 24) in finland


def test_is_working_day_rejects_a_datetime() -> None:
    with pytest.raises(TypeError):
        is_working_day(helsinki(2026, 3, 13, 9))


def test_friday_afternoon_rolls_over_the_weekend() -> None:
    # Fri 14:00-16:00 is 2 h, the other 2 h are Mon 08:00-10:00.
    assert add_business_hours(helsinki(2026, 3, 13, 14), 4) == helsinki(2026, 3, 16, 10)


def test_independence_day_on_a_monday_is_skipped() -> None:
    # Mon 6 Dec 2027 is Independence Day: Fri 12-16 (4 h), then Tue 08-12 (4 h).
    assert not is_working_day(date(2027, 12, 6))
    assert add_business_hours(helsinki(2027, 12, 3, 12), 8) == helsinki(2027, 12, 7, 12)


def test_christmas_week_skips_christmas_eve_and_the_holidays() -> None:
    # Thu 24 and Fri 25 Dec 2026 are holidays, 26-27 a weekend: Wed 15-16, then Mon 08-09.
    assert add_business_hours(helsinki(2026, 12, 23, 15), 2) == helsinki(2026, 12, 28, 9)


def test_easter_skips_good_friday_and_easter_monday() -> None:
    # Thu 25 Mar 2027 15:30-16:00, then Fri 26 (Good Friday) to Mon 29 (Easter Monday) are
    # off; DST starts on Sun 28, so Tue 30 08:30 is EEST.
    result = add_business_hours(helsinki(2027, 3, 25, 15, 30), 1)
    assert result == helsinki(2027, 3, 30, 8, 30)
    assert result.utcoffset() == timedelta(hours=3)


def test_midsummer_eve_is_skipped() -> None:
    # Fri 19 Jun 2026 is Midsummer Eve: Thu 14-16 (2 h), then Mon 22 Jun 08-09.
    assert not is_working_day(date(2026, 6, 19))
    assert add_business_hours(helsinki(2026, 6, 18, 14), 3) == helsinki(2026, 6, 22, 9)


def test_start_before_opening_counts_from_opening() -> None:
    assert add_business_hours(helsinki(2026, 3, 10, 3), 2) == helsinki(2026, 3, 10, 10)


def test_start_after_closing_counts_from_next_opening() -> None:
    assert add_business_hours(helsinki(2026, 3, 10, 19), 2) == helsinki(2026, 3, 11, 10)


def test_start_on_saturday_counts_from_monday_opening() -> None:
    assert add_business_hours(helsinki(2026, 3, 14, 11), 1.5) == helsinki(2026, 3, 16, 9, 30)


def test_start_in_utc_gives_result_in_helsinki_time() -> None:
    # 12:00 UTC is 14:00 EET: Tue 14-16, then Wed 08-09 Helsinki (07:00 UTC).
    result = add_business_hours(datetime(2026, 3, 10, 12, tzinfo=UTC), 3)
    assert result == helsinki(2026, 3, 11, 9)
    assert result == datetime(2026, 3, 11, 7, tzinfo=UTC)
    assert result.tzinfo == HELSINKI


def test_deadline_at_closing_time_stays_on_that_day() -> None:
    assert add_business_hours(helsinki(2026, 3, 9, 12), 4) == helsinki(2026, 3, 9, 16)


def test_start_at_closing_time_counts_from_next_opening() -> None:
    assert add_business_hours(helsinki(2026, 3, 9, 16), 1) == helsinki(2026, 3, 10, 9)


def test_zero_hours_inside_business_hours_returns_the_start() -> None:
    assert add_business_hours(helsinki(2026, 3, 9, 10, 15), 0) == helsinki(2026, 3, 9, 10, 15)


def test_zero_hours_outside_business_hours_returns_next_opening() -> None:
    assert add_business_hours(helsinki(2026, 3, 14, 11), 0) == helsinki(2026, 3, 16, 8)


def test_autumn_dst_weekend_keeps_wall_clock_office_hours() -> None:
    # Fri 23 Oct 2026 15-16 EEST, DST ends Sun 25 Oct, then Mon 26 Oct 08-10 EET.
    result = add_business_hours(helsinki(2026, 10, 23, 15), 3)
    assert result == helsinki(2026, 10, 26, 10)
    assert result.utcoffset() == timedelta(hours=2)


def test_hours_between_across_the_autumn_dst_weekend() -> None:
    assert business_hours_between(helsinki(2026, 10, 23, 15), helsinki(2026, 10, 26, 10)) == 3.0


def test_hours_between_is_zero_when_end_is_not_after_start() -> None:
    assert business_hours_between(helsinki(2026, 3, 10, 12), helsinki(2026, 3, 10, 12)) == 0.0
    assert business_hours_between(helsinki(2026, 3, 10, 12), helsinki(2026, 3, 9, 12)) == 0.0


def test_hours_between_over_a_whole_year() -> None:
    # 2027: 261 weekdays, of which 8 are holidays (1 and 6 Jan, 26 and 29 Mar, 6 May,
    # 25 Jun, 6 and 24 Dec), so 253 working days of 8 h.
    assert business_hours_between(helsinki(2027, 1, 1), helsinki(2028, 1, 1)) == 253 * 8


def test_a_year_of_hours_ends_at_the_last_closing_of_the_year() -> None:
    # Thu 31 Dec 2026 16:00 has nothing left that day; 2027 holds exactly 2024 h and ends
    # on Fri 31 Dec 2027, a working day.
    assert add_business_hours(helsinki(2026, 12, 31, 16), 253 * 8) == helsinki(2027, 12, 31, 16)


def test_ten_thousand_hours_is_fast_and_lands_on_a_closing_time() -> None:
    start = helsinki(2026, 3, 9, 8)  # a Monday opening
    began = perf_counter()
    result = add_business_hours(start, 10_000)
    elapsed = perf_counter() - began
    # 10,000 h is exactly 1,250 working days, so it ends at a closing time.
    assert (result.hour, result.minute) == (16, 0)
    assert is_working_day(result.date())
    assert business_hours_between(start, result) == 10_000
    assert elapsed < 1.0


def test_negative_hours_raise_value_error() -> None:
    with pytest.raises(ValueError):
        add_business_hours(helsinki(2026, 3, 9, 12), -1)


def test_naive_start_raises_value_error() -> None:
    with pytest.raises(ValueError):
        add_business_hours(datetime(2026, 3, 9, 12), 1)


def test_business_hours_come_from_settings(settings: Any) -> None:
    settings.KAIKU_BUSINESS_HOURS = (9, 17)
    # Mon 16:30-17:00, then Tue 09:00-09:30.
    assert add_business_hours(helsinki(2026, 3, 9, 16, 30), 1) == helsinki(2026, 3, 10, 9, 30)


def test_business_timezone_comes_from_settings(settings: Any) -> None:
    settings.KAIKU_BUSINESS_TIMEZONE = "Europe/Stockholm"
    # 07:30 Helsinki is 06:30 in Stockholm: the office there opens at 08:00 Stockholm,
    # 09:00 Helsinki, and 1 h later is 09:00 Stockholm.
    result = add_business_hours(helsinki(2026, 3, 9, 7, 30), 1)
    assert result == datetime(2026, 3, 9, 9, tzinfo=ZoneInfo("Europe/Stockholm"))
    assert result.tzinfo == ZoneInfo("Europe/Stockholm")


def test_add_and_between_are_inverse_and_land_inside_business_hours() -> None:
    rng = random.Random(20260309)
    zones = [UTC, HELSINKI, ZoneInfo("America/New_York")]
    span_start = datetime(2026, 1, 1, tzinfo=UTC)
    span_seconds = int((datetime(2029, 1, 1, tzinfo=UTC) - span_start).total_seconds())
    for _ in range(200):
        start = (span_start + timedelta(seconds=rng.randrange(span_seconds))).astimezone(
            rng.choice(zones)
        )
        hours = rng.choice([rng.uniform(0, 200), float(rng.randint(0, 40))])
        result = add_business_hours(start, hours)
        assert business_hours_between(start, result) == pytest.approx(hours, abs=1e-6)
        local = result.astimezone(HELSINKI)
        assert is_working_day(local.date())
        assert time(8) <= local.time() <= time(16)
        assert result >= start
