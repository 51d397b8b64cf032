"""Dates in the company's time zone: Odoo stores UTC, PRC law counts local days."""

import datetime

import pytz

DEFAULT_TIMEZONE = "Asia/Shanghai"


def local_today(tz_name=None, now=None):
    """Return today's date in ``tz_name`` (Asia/Shanghai when empty or unknown).

    ``now`` is an aware or naive-UTC datetime; it defaults to the current time.
    """
    try:
        zone = pytz.timezone(tz_name or DEFAULT_TIMEZONE)
    except pytz.UnknownTimeZoneError:
        zone = pytz.timezone(DEFAULT_TIMEZONE)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=datetime.timezone.utc)
    return now.astimezone(zone).date()


def local_date_of(utc_datetime, tz_name=None):
    """Return the local calendar date of a naive UTC datetime as Odoo stores it."""
    return local_today(tz_name, now=utc_datetime)
