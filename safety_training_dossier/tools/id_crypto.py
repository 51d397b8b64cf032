"""Encryption, keyed hashing and masking of identity document numbers (PIPL Arts. 28 and 51).

One master key, 32 random bytes written as URL-safe base64, comes from the Odoo
configuration file (``safety_id_key``) or the environment (``SAFETY_ID_KEY``),
never from the database. HKDF-SHA256 derives two keys from it: one for AES-256-GCM
encryption and one for the HMAC-SHA256 that finds a number by exact value.
"""

import base64
import binascii
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_OPTION = "safety_id_key"
KEY_ENVIRONMENT = "SAFETY_ID_KEY"
CIPHERTEXT_PREFIX = "v1:"
# Bound to every ciphertext, so a value encrypted for another purpose does not decrypt here.
ASSOCIATED_DATA = b"safety_training_dossier identity number v1"
NONCE_BYTES = 12
VISIBLE_CHARACTERS = 4


class MissingKeyError(RuntimeError):
    """No master key is configured."""


class InvalidKeyError(ValueError):
    """The configured master key is not 32 bytes of URL-safe base64."""


def generate_key():
    """Return a new random master key as URL-safe base64 text."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def load_master_key(config):
    """Return the master key text from ``config`` (Odoo's tools.config) or the environment, or None."""
    return (config.get(KEY_OPTION) or os.environ.get(KEY_ENVIRONMENT) or "").strip() or None


class IdCipher:
    """Encrypt, decrypt and hash identity numbers with keys derived from one master key."""

    def __init__(self, master_key):
        if not master_key:
            raise MissingKeyError(
                f"No key for identity numbers: set {KEY_OPTION} in the Odoo configuration file "
                f"or the {KEY_ENVIRONMENT} environment variable.")
        try:
            raw = base64.urlsafe_b64decode(master_key.encode())
        except (binascii.Error, ValueError) as error:
            raise InvalidKeyError(f"The identity number key is not valid base64: {error}") from error
        if len(raw) != 32:
            raise InvalidKeyError(f"The identity number key must decode to 32 bytes, not {len(raw)}.")
        self._aead = AESGCM(self._derive(raw, b"encrypt"))
        self._search_key = self._derive(raw, b"search")

    @staticmethod
    def _derive(raw, purpose):
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                    info=b"safety_training_dossier id " + purpose).derive(raw)

    def encrypt(self, number):
        """Return ``number`` encrypted with a fresh nonce, as text for a Char column."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, number.encode(), ASSOCIATED_DATA)
        return CIPHERTEXT_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, ciphertext):
        """Return the number ``ciphertext`` holds; raise cryptography's InvalidTag on a wrong key or edit."""
        if not ciphertext.startswith(CIPHERTEXT_PREFIX):
            raise ValueError("not an identity number ciphertext of this addon")
        blob = base64.urlsafe_b64decode(ciphertext[len(CIPHERTEXT_PREFIX):].encode())
        return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], ASSOCIATED_DATA).decode()

    def search_hash(self, number):
        """Return the keyed hash that finds ``number`` by exact value without storing it."""
        return hmac.new(self._search_key, number.encode(), hashlib.sha256).hexdigest()


def mask(last_characters, length=18):
    """Return a masked number: asterisks, then the last four characters."""
    visible = (last_characters or "")[-VISIBLE_CHARACTERS:]
    return "*" * max(length - len(visible), 0) + visible if visible else ""
