"""Canonical JSON and SHA-256 hashing of the tamper-evident chain."""

import datetime
import hashlib

import pytest

from conftest import load_tool

chain_hash = load_tool("chain_hash")


def test_canonical_json_sorts_keys_and_writes_iso_dates():
    value = {"b": datetime.date(2026, 3, 2), "a": datetime.datetime(2026, 3, 2, 8, 30, 15, 999), "c": "张伟"}
    assert chain_hash.canonical_json(value) == '{"a":"2026-03-02T08:30:15","b":"2026-03-02","c":"张伟"}'


def test_canonical_json_is_independent_of_key_order():
    first = chain_hash.canonical_json({"x": 1, "y": [1, {"b": 2, "a": 1}]})
    second = chain_hash.canonical_json({"y": [1, {"a": 1, "b": 2}], "x": 1})
    assert first == second == '{"x":1,"y":[1,{"a":1,"b":2}]}'


def test_canonical_json_rejects_nan():
    with pytest.raises(ValueError):
        chain_hash.canonical_json({"score": float("nan")})


def test_entry_hash_by_hand():
    header = {"sequence": 1}
    content = {"theory_score": "80.0"}
    payload = '{"content":{"theory_score":"80.0"},"header":{"sequence":1},"previous_hash":"' + "0" * 64 + '"}'
    expected = hashlib.sha256(payload.encode()).hexdigest()
    assert chain_hash.entry_hash(header, content, chain_hash.GENESIS_HASH) == expected


def test_entry_hash_changes_with_any_part():
    base = chain_hash.entry_hash({"sequence": 1}, {"score": "80.0"}, "a" * 64)
    assert chain_hash.entry_hash({"sequence": 2}, {"score": "80.0"}, "a" * 64) != base
    assert chain_hash.entry_hash({"sequence": 1}, {"score": "80.1"}, "a" * 64) != base
    assert chain_hash.entry_hash({"sequence": 1}, {"score": "80.0"}, "b" * 64) != base
