"""The company-local date that every legal deadline counts from."""

import datetime

from conftest import load_tool

local_dates = load_tool("local_dates")


def test_utc_evening_is_next_day_in_shanghai():
    now = datetime.datetime(2026, 6, 30, 23, 30)  # naive UTC, as Odoo stores it
    assert local_dates.local_today("Asia/Shanghai", now=now) == datetime.date(2026, 7, 1)


def test_utc_afternoon_is_same_day_in_shanghai():
    now = datetime.datetime(2026, 6, 30, 15, 59, 59)
    assert local_dates.local_today("Asia/Shanghai", now=now) == datetime.date(2026, 6, 30)
    one_second_later = now + datetime.timedelta(seconds=1)
    assert local_dates.local_today("Asia/Shanghai", now=one_second_later) == datetime.date(2026, 7, 1)


def test_empty_or_unknown_zone_falls_back_to_shanghai():
    now = datetime.datetime(2026, 6, 30, 20, 0)
    assert local_dates.local_today(None, now=now) == datetime.date(2026, 7, 1)
    assert local_dates.local_today("Mars/Olympus", now=now) == datetime.date(2026, 7, 1)


def test_aware_datetime_is_converted():
    now = datetime.datetime(2026, 1, 1, 7, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    assert local_dates.local_today("UTC", now=now) == datetime.date(2025, 12, 31)


def test_local_time_text_shows_shanghai_time():
    utc = datetime.datetime(2026, 6, 30, 23, 30)
    assert local_dates.local_time_text(utc, "Asia/Shanghai") == "2026-07-01 07:30:00 (Asia/Shanghai)"
    assert local_dates.local_time_text(utc, None) == "2026-07-01 07:30:00 (Asia/Shanghai)"
    assert local_dates.local_time_text(False) == ""
