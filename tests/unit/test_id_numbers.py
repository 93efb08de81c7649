from datetime import date

import pytest

from engine.domain.id_numbers import (
    birth_date,
    check_character,
    id_number_problem,
    is_valid_id_number,
    mask_id_number,
    normalize_id_number,
)

# The example in GB 11643-1999. The weights of positions 1..17 are 2^(18-i) mod 11:
#   7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
# digits 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 give
#   7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167, 167 mod 11 = 2,
# and the check table 1 0 X 9 8 7 6 5 4 3 2 maps 2 to X.
STANDARD_EXAMPLE = "11010519491231002X"
# Sequence code 004 instead of 002: the last digit has weight 2, so the sum is 167 - 2*2 + 4*2 = 171,
# 171 mod 11 = 6, which the table maps to 6.
SECOND_EXAMPLE = "110105194912310046"


def test_check_character_of_the_standard_example() -> None:
    assert check_character(STANDARD_EXAMPLE[:17]) == "X"
    assert check_character(SECOND_EXAMPLE[:17]) == "6"


def test_valid_numbers() -> None:
    assert is_valid_id_number(STANDARD_EXAMPLE)
    assert is_valid_id_number(SECOND_EXAMPLE)
    # People type the check character in lowercase; it is the same number.
    assert is_valid_id_number(STANDARD_EXAMPLE.lower())


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("110105194912310020", "校验码不正确"),  # X replaced by 0
        ("11010519491231003X", "校验码不正确"),  # one sequence digit changed
        ("110105194913310028", "出生日期不正确"),  # month 13
        ("110105194902300028", "出生日期不正确"),  # 30 February
        ("11010519491231002", "必须是 18 位身份证号码（17 位数字加一位数字或 X）"),
        ("1101051949123100200", "必须是 18 位身份证号码（17 位数字加一位数字或 X）"),
        ("11010519491231002Y", "必须是 18 位身份证号码（17 位数字加一位数字或 X）"),
        ("X10105194912310020", "必须是 18 位身份证号码（17 位数字加一位数字或 X）"),
        ("１１０１０５１９４９１２３１００２X", "必须是 18 位身份证号码（17 位数字加一位数字或 X）"),
        ("", "必须是 18 位身份证号码（17 位数字加一位数字或 X）"),
    ],
)
def test_invalid_numbers(number: str, problem: str) -> None:
    assert not is_valid_id_number(number)
    assert id_number_problem(number) == problem


def test_old_fifteen_digit_numbers_are_refused() -> None:
    assert not is_valid_id_number("110105491231002")


def test_normalize() -> None:
    assert normalize_id_number(" 11010519491231002x ") == STANDARD_EXAMPLE


def test_mask_shows_first_six_and_last_four() -> None:
    assert mask_id_number(STANDARD_EXAMPLE) == "110105********002X"


def test_mask_of_a_short_string_hides_everything() -> None:
    assert mask_id_number("1234567890") == "**********"
    assert mask_id_number("") == ""


def test_birth_date() -> None:
    assert birth_date(STANDARD_EXAMPLE) == date(1949, 12, 31)


def test_birth_date_of_an_invalid_number_raises() -> None:
    with pytest.raises(ValueError, match="不是有效的身份证号"):
        birth_date("110105194912310020")


def test_check_character_needs_seventeen_digits() -> None:
    with pytest.raises(ValueError, match="17 位数字"):
        check_character("1101051949")
