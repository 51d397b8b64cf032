"""Encryption, keyed hash and masking of identity numbers, without Odoo."""

import pytest
from cryptography.exceptions import InvalidTag

from conftest import load_tool

id_crypto = load_tool("id_crypto")


def test_round_trip_and_fresh_nonce():
    cipher = id_crypto.IdCipher(id_crypto.generate_key())
    first, second = cipher.encrypt("110101198503120017"), cipher.encrypt("110101198503120017")
    assert first != second
    assert "110101198503120017" not in first
    assert cipher.decrypt(first) == cipher.decrypt(second) == "110101198503120017"


def test_hash_is_stable_and_keyed():
    key = id_crypto.generate_key()
    assert id_crypto.IdCipher(key).search_hash("X1") == id_crypto.IdCipher(key).search_hash("X1")
    assert id_crypto.IdCipher(key).search_hash("X1") != id_crypto.IdCipher(id_crypto.generate_key()).search_hash("X1")


def test_wrong_key_or_edited_ciphertext_fails():
    cipher = id_crypto.IdCipher(id_crypto.generate_key())
    ciphertext = cipher.encrypt("110101198503120017")
    with pytest.raises(InvalidTag):
        id_crypto.IdCipher(id_crypto.generate_key()).decrypt(ciphertext)
    # One character changed inside the sealed part (after the prefix and the nonce).
    position = len(id_crypto.CIPHERTEXT_PREFIX) + 20
    edited = ciphertext[:position] + ("A" if ciphertext[position] != "A" else "B") + ciphertext[position + 1:]
    with pytest.raises(InvalidTag):
        cipher.decrypt(edited)
    with pytest.raises(ValueError, match="not an identity number ciphertext"):
        id_crypto.IdCipher(id_crypto.generate_key()).decrypt("110101198503120017")


@pytest.mark.parametrize(("key", "error"), [
    (None, id_crypto.MissingKeyError),
    ("", id_crypto.MissingKeyError),
    ("c2hvcnQ=", id_crypto.InvalidKeyError),  # 5 bytes
    ("not base64 at all!", id_crypto.InvalidKeyError),
])
def test_bad_keys_are_rejected(key, error):
    with pytest.raises(error):
        id_crypto.IdCipher(key)


def test_mask_keeps_the_last_four():
    assert id_crypto.mask("110101198503120017") == "**************0017"
    assert id_crypto.mask("0017") == "**************0017"
    assert id_crypto.mask("") == ""
    assert id_crypto.mask(None) == ""
