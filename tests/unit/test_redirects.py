"""web.kit.redirects.local_target: a path on this site or None, for any string at all.

`browser_view` reads a Location value the way the URL standard tells browsers to, so the property
is about where a browser would really go, not about what the string looks like."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from web.kit.redirects import MAX_LENGTH, local_target

_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))


def browser_view(location: str) -> str:
    """WHATWG URL parsing, the steps that matter here: trim C0 controls and spaces at both ends, remove
    every tab and newline, and read a backslash as a slash."""
    return re.sub("[\t\n\r]", "", location.strip(_C0_OR_SPACE)).replace("\\", "/")


def assert_same_site_path(location: str) -> None:
    assert location.isascii()
    assert location.isprintable()
    assert " " not in location
    seen = browser_view(location)
    assert seen == location  # nothing for a browser to strip or reinterpret
    assert seen.startswith("/")
    assert not seen.startswith("//")
    parts = urlsplit(seen)
    assert (parts.scheme, parts.netloc) == ("", "")


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.com",  # the reported one: the tab vanishes in the browser, leaving //evil.com
        "/\n/evil.com",  # the reported 500
        "/\r\n/evil.com",
        "/\x00/evil.com",
        "/\x0b/evil.com",
        "/\x85/evil.com",  # C1 NEL
        "/\u3000/evil.com",  # ideographic space
        "/\u200b/evil.com",  # zero-width space (format character)
        "/\u202e/moc.live",  # right-to-left override
        " //evil.com",
        "//evil.com",
        "///evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "/%5Cevil.com",
        "/%2F/evil.com",
        "/%2f/evil.com",
        "/%09/evil.com",  # still encoded: the browser would not decode it, but a later hop might
        "/%0A/evil.com",
        "/%250A/evil.com",  # double-encoded
        "/%25252F/evil.com",  # encoded three times: still changing after the last decoding
        "https://evil.com/",
        "http:/evil.com",
        "javascript:alert(1)",
        "evil.com",
        "",
        "/" + "a" * MAX_LENGTH,
    ],
)
def test_foreign_or_hidden_targets_are_refused(target: str) -> None:
    assert local_target(target) is None


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/", "/"),
        ("/tasks/12", "/tasks/12"),
        ("/cases?village=demo-village-1-1&page=2", "/cases?village=demo-village-1-1&page=2"),
        ("/cases?q=张三", "/cases?q=%E5%BC%A0%E4%B8%89"),  # sent as ASCII: a raw header cannot carry it
        ("/cases?q=%E5%BC%A0%20%E4%B8%89", "/cases?q=%E5%BC%A0%20%E4%B8%89"),  # an encoded space in a query is data
        ("/cases/2026-0000001#timeline", "/cases/2026-0000001#timeline"),
        ('/a"<b>', "/a%22%3Cb%3E"),
    ],
)
def test_local_paths_pass_as_ascii(target: str, expected: str) -> None:
    assert local_target(target) == expected
    assert_same_site_path(expected)


@settings(max_examples=2000)
@given(st.text())
@example("/\t/evil.com")
@example("/\n/evil.com")
@example("/\ud800")  # a lone surrogate: UTF-8 cannot encode it
def test_any_string_gives_a_same_site_path_or_nothing(target: str) -> None:
    result = local_target(target)
    if result is not None:
        assert_same_site_path(result)


_URLISH = st.lists(
    st.sampled_from(["/", "//", "\\", "\t", "\n", "\r", " ", "%", "%2F", "%5C", "%09", "%0a", "%25", "?", "#", ":"])
    | st.sampled_from(["evil.com", "https:", "tasks", "1", "张", "\x00", "\x7f", "\u2028", "@"]),
    max_size=8,
).map("".join)


@settings(max_examples=2000)
@given(_URLISH)
def test_url_shaped_strings_give_a_same_site_path_or_nothing(target: str) -> None:
    result = local_target(target)
    if result is not None:
        assert_same_site_path(result)
