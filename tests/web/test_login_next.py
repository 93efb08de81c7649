"""After signing in, `next` leads only to a path on this site: the Location header a browser receives is
checked as the browser would read it (tests/unit/test_redirects.py), for the reported values and any
string hypothesis makes up. Never a 500."""

from __future__ import annotations

import re

from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.unit.test_redirects import assert_same_site_path
from tests.web.conftest import Browser

_NEXT_FIELD = re.compile(r'name="next" value="([^"]*)"')


def _signed_in_to(app: Flask, target: str) -> str:
    """Sign clerk1 in with `next=target` (as the login form posts it); the Location received."""
    response = Browser(app.test_client()).login("clerk1", next=target)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def test_a_tab_no_longer_leads_to_another_site(app: Flask) -> None:
    # The address /login?next=/%09/evil.com puts "/\t/evil.com" in the form; it answered Location: //evil.com.
    assert _signed_in_to(app, "/\t/evil.com") == "/"


def test_a_newline_is_no_longer_a_500(app: Flask) -> None:
    assert _signed_in_to(app, "/\n/evil.com") == "/"
    assert _signed_in_to(app, "/\r\nSet-Cookie: x=1") == "/"


def test_other_disguises_go_to_the_inbox(app: Flask) -> None:
    for target in ("/\\evil.com", "/%2F/evil.com", "/\u3000/evil.com", "https://evil.com/", "//evil.com"):
        assert _signed_in_to(app, target) == "/", target


def test_local_targets_are_kept(browser: Browser) -> None:
    refused = browser.get("/cases?q=张三")
    assert refused.status_code == 302
    login_url = refused.headers["Location"]
    assert login_url.startswith("/login?next=")
    page = browser.get(login_url).get_data(as_text=True)
    (kept,) = _NEXT_FIELD.findall(page)
    signed_in = browser.login("clerk1", next=kept)
    assert signed_in.headers["Location"] == "/cases?q=%E5%BC%A0%E4%B8%89"
    assert browser.get(signed_in.headers["Location"]).status_code == 200


def test_the_login_page_does_not_carry_a_foreign_target(browser: Browser) -> None:
    for query in ("next=/%09/evil.com", "next=//evil.com", "next=https://evil.com"):
        page = browser.get(f"/login?{query}")
        assert page.status_code == 200
        assert _NEXT_FIELD.findall(page.get_data(as_text=True)) == [""], query
    page = browser.get("/login?next=/tasks/7").get_data(as_text=True)
    assert _NEXT_FIELD.findall(page) == ["/tasks/7"]


# Each example signs in once more (a fresh browser); 60 of them keep this test at a few seconds.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(max_size=40)
    | st.lists(st.sampled_from(["/", "\\", "\t", "\n", "%09", "%2F", "evil.com", ":", "?", "张", "\x85"])).map("".join)
)
@example("/\t/evil.com")
@example("/\n/evil.com")
def test_any_next_gives_a_same_site_location(app: Flask, target: str) -> None:
    assert_same_site_path(_signed_in_to(app, target))
