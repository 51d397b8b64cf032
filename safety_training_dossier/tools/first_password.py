"""First passwords that a safety officer hands over on paper."""

import secrets

# Letters and digits that cannot be misread on paper: no 0/O and no 1/l/I.
PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
PASSWORD_LENGTH = 10


def generate_first_password():
    """Return a random password of PASSWORD_LENGTH characters from PASSWORD_ALPHABET (about 58 bits)."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _index in range(PASSWORD_LENGTH))
