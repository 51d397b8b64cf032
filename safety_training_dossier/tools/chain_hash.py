"""Canonical JSON and SHA-256 hashing of the tamper-evident chain's entries (no ORM)."""
import datetime
import hashlib
import json

# The previous hash of a company's first entry.
GENESIS_HASH = "0" * 64


def _plain(value):
    """Return ``value`` with dates and datetimes as ISO 8601 text, for JSON."""
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def canonical_json(value):
    """Return ``value`` as canonical JSON: sorted keys, no spaces, UTF-8 text, dates as ISO text."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def entry_hash(header, content, previous_hash):
    """Return the SHA-256 hex digest of one entry: its header fields, its content and the previous hash."""
    payload = canonical_json({"header": header, "content": content, "previous_hash": previous_hash})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
