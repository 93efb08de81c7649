"""The verification code printed on every official document (docs/documents.md#verify).

Twelve characters of Crockford's base32 (no I, L, O or U, so nothing reads as another character),
printed in three groups: 7K3M-9QXP-2D4F. 60 random bits: guessing a code that exists is hopeless, and a
citizen can still type it from paper. Typing is forgiving: case, spaces and dashes do not matter, and
O, I and L are read as 0, 1 and 1.
"""

from __future__ import annotations

import secrets

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LENGTH = 12
_GROUP = 4
_TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
    return _grouped(raw)


def normalise_code(typed: str) -> str | None:
    """The code as stored, or None when `typed` cannot be one."""
    raw = "".join(typed.split()).replace("-", "").upper().translate(_TYPOS)
    if len(raw) != _LENGTH or any(ch not in _ALPHABET for ch in raw):
        return None
    return _grouped(raw)


def _grouped(raw: str) -> str:
    return "-".join(raw[i : i + _GROUP] for i in range(0, _LENGTH, _GROUP))
