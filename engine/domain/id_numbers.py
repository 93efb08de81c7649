"""Resident identity card numbers (居民身份证号码, GB 11643-1999).

An 18-character number: a 6-digit address code, an 8-digit birth date (YYYYMMDD), a 3-digit
sequence code and a check character computed by ISO 7064 MOD 11-2 over the first 17 digits.
The old 15-digit numbers carry no check character and are not accepted: every card in use
since 2013 has 18 characters.
"""

from __future__ import annotations

import re
from datetime import date

# Weight of position i (counted from the left, 0-based) is 2**(17 - i) mod 11.
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"[0-9]{17}[0-9Xx]")


def check_character(first17: str) -> str:
    """The check character (``0``-``9`` or ``X``) for the first 17 digits of a number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("身份证号本体码必须是 17 位数字")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def id_number_problem(s: str) -> str | None:
    """What is wrong with a number, in Chinese for the person who typed it; None when it is valid.

    A lowercase ``x`` is accepted as the check character: people type it that way, and it is the
    same number. Use `normalize_id_number` before storing.
    """
    if not isinstance(s, str) or _SHAPE.fullmatch(s) is None:
        return "必须是 18 位身份证号码（17 位数字加一位数字或 X）"
    if _birth_date_or_none(s) is None:
        return "出生日期不正确"
    if check_character(s[:17]) != s[17].upper():
        return "校验码不正确"
    return None


def is_valid_id_number(s: str) -> bool:
    """True for a well-formed 18-character number with a real birth date and a matching check character."""
    return id_number_problem(s) is None


def normalize_id_number(s: str) -> str:
    """The number as stored: surrounding blanks removed and the check character upper-case."""
    return s.strip().upper()


def mask_id_number(s: str) -> str:
    """The first 6 and last 4 characters with ``*`` between, for pages that may not show the number.

    A string of 10 characters or fewer would be shown whole by that rule, so it is masked entirely.
    """
    if len(s) <= 10:
        return "*" * len(s)
    return s[:6] + "*" * (len(s) - 10) + s[-4:]


def birth_date(s: str) -> date:
    """The birth date encoded in a valid number; ValueError if the number is not valid."""
    born = _birth_date_or_none(s) if is_valid_id_number(s) else None
    if born is None:
        raise ValueError("不是有效的身份证号")
    return born


def _birth_date_or_none(s: str) -> date | None:
    try:
        return date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return None
