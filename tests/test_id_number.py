"""GB 11643 check character: known numbers and properties over random ones."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import load_tool

id_number = load_tool("id_number")

seventeen_digits = st.text(alphabet=string.digits, min_size=17, max_size=17)


@pytest.mark.parametrize("number", [
    "11010519491231002X",  # the example printed in GB 11643-1999
    "440524188001010014",
    "110101199003071234"[:17] + id_number.compute_check_character("11010119900307123"),
])
def test_known_valid_numbers(number):
    assert id_number.is_valid_id_number(number)


def test_lowercase_x_is_accepted():
    assert id_number.is_valid_id_number("11010519491231002x")
    assert id_number.normalize_id_number(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize("value", ["", "1101051949123100", "11010519491231002X1", "1101051949123100ZX"])
def test_malformed_numbers_are_invalid(value):
    assert not id_number.is_valid_id_number(value)


def test_full_width_digits_are_normalised():
    # Typed with a Chinese input method: full-width digits and spaces become ASCII first.
    assert id_number.normalize_id_number("１１０１０５１９４９１２３１００２Ｘ\u3000") == "11010519491231002X"
    assert id_number.is_valid_id_number("１１０１０５１９４９１２３１００２X")


@pytest.mark.parametrize("value", ["1234", "1101051949123100a", "１１０１０５１９４９１２３１００２"])
def test_compute_rejects_non_digits(value):
    with pytest.raises(ValueError):
        id_number.compute_check_character(value)


@given(seventeen_digits)
def test_computed_check_character_validates(digits):
    check = id_number.compute_check_character(digits)
    assert check in "0123456789X"
    assert id_number.is_valid_id_number(digits + check)


@given(seventeen_digits, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_any_single_digit_change_is_detected(digits, position, shift):
    number = digits + id_number.compute_check_character(digits)
    changed_digit = str((int(number[position]) + shift) % 10)
    changed = number[:position] + changed_digit + number[position + 1:]
    assert not id_number.is_valid_id_number(changed)


@given(seventeen_digits, st.integers(min_value=0, max_value=15))
def test_adjacent_transposition_is_detected(digits, position):
    number = digits + id_number.compute_check_character(digits)
    if number[position] == number[position + 1]:
        return
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2:]
    assert not id_number.is_valid_id_number(swapped)
