"""The HTML forms fuzzed: random and near-valid form posts at the task form, 受理登记 (with its 试算 and 添加/删除
buttons) and the public objection form. Never a 500 or a stack trace; a refusal re-shows the page with the
field messages (422) or is a plain 400/404/409/429; and a refused post writes nothing."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.context import Context
from tests.api.conftest import application_in_notice, counts
from tests.web.conftest import Browser, open_task

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
REFUSALS = {400, 404, 409, 422, 429}
_FIELD_NAME = re.compile(r'name="(f\.[^"]+)"')

# Text that trips naive parsing: other scripts' digits pass str.isdigit() but not int().
texts = st.text(max_size=20) | st.sampled_from(
    ["", " ", "0", "-1", "²", "٣", "1e400", "9" * 30, "2026-02-30", "approve", "demo-village-1-1", "<script>", "张三"]
)


def _field_names(html: str) -> list[str]:
    return sorted(set(_FIELD_NAME.findall(html)))


def _ops(names: list[str]) -> st.SearchStrategy[str]:
    """The page's own 添加/删除 ops, mangled ones, and random text."""
    lists = sorted({n[2:].rsplit(".", 1)[0] for n in names if n.endswith("._n")})
    own = [f"add:{path}" for path in lists] + [f"remove:{path}.0" for path in lists]
    mangled = [f"{op}²" for op in own] + [f"remove:{path}.٣" for path in lists] + ["add:", "remove:", "add:x.y"]
    return st.sampled_from(["submit", *own, *mangled]) | st.text(max_size=12)


def _form(names: list[str]) -> st.SearchStrategy[dict[str, str]]:
    keys = st.sampled_from(names) | st.text(max_size=12)
    return st.dictionaries(keys, texts, max_size=8)


def _post(client: Any, url: str, token: str, form: dict[str, str]) -> Any:
    return client.post(url, data={**form, "csrf_token": token})


def _check(ctx: Context, reply: Any, before: tuple[int, int], ok: set[int]) -> None:
    status = reply.status_code
    html = reply.get_data(as_text=True)
    assert status < 500, html
    assert status in ok | REFUSALS, (status, html[:500])
    assert "Traceback" not in html
    if status >= 400:
        assert counts(ctx) == before
    if status == 422:
        assert "需要修改" in html or "field-error" in html  # the page says what to fix


def _token(browser: Browser) -> str:
    return browser.token()


def test_random_posts_of_a_task_form(ctx: Context, make_browser: Any) -> None:
    task_id = open_task(ctx)
    clerk1: Browser = make_browser("clerk1")
    page = clerk1.get(f"/tasks/{task_id}").get_data(as_text=True)
    names = _field_names(page)
    assert names, "the task form has fields"
    token = _token(clerk1)

    @FUZZ
    @given(form=_form(names), op=_ops(names))
    def run(form: dict[str, str], op: str) -> None:
        before = counts(ctx)
        reply = _post(clerk1.client, f"/tasks/{task_id}/complete", token, {**form, "_op": op})
        # 302: a random post that happens to be a valid registration completes the task; then 409 or 404 follow.
        _check(ctx, reply, before, {200, 302})

    run()


def test_random_posts_of_the_registration_form(ctx: Context, app: Flask, make_browser: Any) -> None:
    clerk1: Browser = make_browser("clerk1")
    page = clerk1.get("/cases/new?process=dibao_application").get_data(as_text=True)
    names = _field_names(page)
    assert "f.household.members._n" in names
    token = _token(clerk1)
    processes = st.sampled_from(["dibao_application", "temporary_assistance", "reference_review"]) | st.text(max_size=8)

    @FUZZ
    @given(form=_form(names), op=_ops(names) | st.just("assess"), process=processes)
    def run(form: dict[str, str], op: str, process: str) -> None:
        before = counts(ctx)
        reply = _post(clerk1.client, "/cases/new", token, {**form, "_op": op, "process": process})
        _check(ctx, reply, before, {200, 302})

    run()


@freeze_time("2026-11-23 01:00:00")
def test_random_posts_of_the_public_objection_form(ctx: Context, app: Flask) -> None:
    _application, notice = application_in_notice(ctx)
    visitor = Browser(app.test_client())
    board = f"/public/notices/{notice.village}"
    page = visitor.get(board).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "the objection form carries a CSRF token"
    fields = st.fixed_dictionaries({}, optional={"text": texts, "contact": texts})

    @FUZZ
    @given(form=fields, notice_id=st.sampled_from([notice.id, notice.id + 1000]))
    def run(form: dict[str, str], notice_id: int) -> None:
        before = counts(ctx)
        reply = _post(visitor.client, f"{board}/{notice_id}/objections", token.group(1), form)
        _check(ctx, reply, before, {302})

    run()


def test_digits_of_other_scripts_in_list_counts_ops_and_page_numbers_are_ignored(make_browser: Any) -> None:
    """str.isdigit() accepts "²" and "٣", which int() refuses: each of these was a 500."""
    clerk1: Browser = make_browser("clerk1")
    start = {"process": "dibao_application", "f.village": "demo-village-1-1"}
    count = clerk1.post("/cases/new", {**start, "f.household.members._n": "²", "_op": "assess"})
    assert count.status_code == 422  # no members: the 试算 says what is missing
    for op in ("remove:household.members.²", "remove:household.members.٣"):
        assert clerk1.post("/cases/new", {**start, "_op": op}).status_code == 400
    for page in ("/?page=²", "/cases?page=٣"):
        assert clerk1.get(page).status_code == 200
