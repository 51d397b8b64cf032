"""Dates in the company's time zone: Odoo stores UTC, PRC law counts local days."""

import datetime

import pytz

DEFAULT_TIMEZONE = "Asia/Shanghai"


def _zone(tz_name):
    try:
        return pytz.timezone(tz_name or DEFAULT_TIMEZONE)
    except pytz.UnknownTimeZoneError:
        return pytz.timezone(DEFAULT_TIMEZONE)


def local_time_text(utc_datetime, tz_name=None):
    """Return a naive UTC datetime as local "YYYY-MM-DD HH:MM:SS" text followed by the zone's name."""
    if not utc_datetime:
        return ""
    zone = _zone(tz_name)
    local = utc_datetime.replace(tzinfo=datetime.timezone.utc).astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M:%S} ({zone.zone})"


def local_today(tz_name=None, now=None):
    """Return today's date in ``tz_name`` (Asia/Shanghai when empty or unknown).

    ``now`` is an aware or naive-UTC datetime; it defaults to the current time.
    """
    zone = _zone(tz_name)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=datetime.timezone.utc)
    return now.astimezone(zone).date()


def local_date_of(utc_datetime, tz_name=None):
    """Return the local calendar date of a naive UTC datetime as Odoo stores it."""
    return local_today(tz_name, now=utc_datetime)
