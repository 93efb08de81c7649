"""Redirect targets that come from the request (the `next` of the sign-in form): a path on this site or nothing.

Browsers do not follow a Location header as written. The URL standard removes every tab, CR and LF
anywhere, trims C0 controls and spaces at both ends, and reads `\\` as `/`. So `/<TAB>/evil.com` passes a
naive "starts with one slash" test and then lands on //evil.com. Werkzeug also drops the tab when it
encodes the header, and a LF raises an error there (a 500). The rule is therefore strict. Any control,
format or whitespace character, or any backslash, refuses the target; so do such characters in the
percent-decoded path, or a decoded path that starts with `//`. Whatever remains is sent percent-encoded
as plain ASCII. A refused target means the caller's fallback (the inbox), never an error.

The query and fragment are checked raw but not decoded: a browser never decodes them into the
authority, and an encoded space in a search term (`?q=%E5%BC%A0%20`) is ordinary data.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote, unquote, urlsplit

MAX_LENGTH = 2048
_DECODE_ROUNDS = 3  # `%2509` is `%09` after one decoding: a proxy or a later hop might decode again
# RFC 3986 reserved and unreserved characters plus `%` (already-encoded octets stay as they are).
_URI_SAFE = "/?#[]@!$&'()*+,;=:-._~%"


def _unsafe_char(char: str) -> bool:
    # Category C: Cc (C0, DEL, C1), Cf (zero-width and bidi marks), Cs, Co, Cn.
    return char == "\\" or char.isspace() or unicodedata.category(char)[0] == "C"


def _unsafe(text: str) -> bool:
    return any(_unsafe_char(c) for c in text)


def _one_leading_slash(path: str) -> bool:
    return path.startswith("/") and not path.startswith("//")


def _path_is_local(path: str) -> bool:
    """The path, and each percent-decoding of it, is one rooted path without hidden characters."""
    current = path
    for _ in range(_DECODE_ROUNDS):
        if _unsafe(current) or not _one_leading_slash(current):
            return False
        decoded = unquote(current, errors="replace")
        if decoded == current:
            return True
        current = decoded
    return False  # still changing after several decodings: no page of this site needs that


def local_target(target: str | None) -> str | None:
    """`target` as an ASCII path (with its query) on this site, or None when it could lead anywhere else."""
    if not target or len(target) > MAX_LENGTH or _unsafe(target):
        return None
    path = target.split("#", 1)[0].split("?", 1)[0]
    if not _path_is_local(path):
        return None
    uri = quote(target, safe=_URI_SAFE)
    parts = urlsplit(uri)
    if parts.scheme or parts.netloc or not _one_leading_slash(uri):
        return None
    return uri


def safe_redirect_target(target: str | None, fallback: str) -> str:
    return local_target(target) or fallback
