"""Resident ID numbers (居民身份证号) as defined by GB 11643-1999."""

import unicodedata

# Weights of the first 17 digits: 2**(17 - i) mod 11 for position i (0-based).
_WEIGHTS = tuple(pow(2, 17 - position, 11) for position in range(17))
# Check character indexed by (weighted sum mod 11).
_CHECK_CHARACTERS = "10X98765432"


def compute_check_character(first_17_digits):
    """Return the GB 11643 check character ("0"-"9" or "X") for 17 digits.

    Raises ValueError when the argument is not exactly 17 ASCII digits.
    """
    if len(first_17_digits) != 17 or not (first_17_digits.isascii() and first_17_digits.isdigit()):
        raise ValueError(f"expected 17 digits, got {first_17_digits!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first_17_digits, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def normalize_id_number(value):
    """Return the number with full-width characters made ASCII, spaces removed and a lowercase x as X."""
    return unicodedata.normalize("NFKC", value).strip().replace(" ", "").upper()


def is_valid_id_number(value):
    """Return True when ``value`` is 18 characters whose last one is the right check character."""
    number = normalize_id_number(value)
    if len(number) != 18:
        return False
    try:
        return compute_check_character(number[:17]) == number[17]
    except ValueError:
        return False
