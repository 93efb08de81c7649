"""The sandbox contains what a script raises, refuses operations too big for one C call before they
run, and lets only storable values stay in task data (issue 11, items 1 to 4)."""

from __future__ import annotations

import pickle
import time
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from engine.errors import WorkflowFailed
from engine.workflow.host_protocol import Failure, StepResult, dump, load_reply
from engine.workflow.runtime import MAX_ENGINE_STEPS, LoadedProcess
from engine.workflow.sandbox import SandboxedEnvironment, ScriptRaisedBaseException, check_expression, check_script
from engine.workflow.sandbox_limits import SandboxLimitExceeded
from engine.workflow.sandbox_methods import guarded_getattr
from engine.workflow.storable import Unstorable, check_storable
from tests.conftest import BUNDLES, CALENDAR_DIR


def _raise(kind: type[BaseException]) -> Any:
    def helper() -> None:
        raise kind("from a helper")

    return helper


@pytest.mark.parametrize("kind", [BaseException, SystemExit, KeyboardInterrupt, GeneratorExit])
def test_any_base_exception_becomes_an_ordinary_failure(kind: type[BaseException]) -> None:
    env = SandboxedEnvironment({"boom": _raise(kind)})
    with pytest.raises(ScriptRaisedBaseException) as raised:
        env.evaluate("boom()", {})
    assert kind.__name__ in raised.value.message
    with pytest.raises(ScriptRaisedBaseException):
        env.execute("x = 1\nboom()", {})


def test_introspection_that_reaches_base_exception_is_refused() -> None:
    for source in ("Exception.mro()", "(x for x in []).throw(ValueError)", "ValueError('x').with_traceback(None)"):
        reason = check_expression(source)
        assert reason is not None
        assert "不允许访问属性" in reason
    with pytest.raises(AttributeError):  # and at run time too, should a source ever get past the check
        guarded_getattr(ValueError, "mro")


GUARDED = {
    "pow(3, 1 << 25000, (1 << 25000) + 1)": "模乘方",
    '"x".ljust(3 * 10 ** 9)': "填充对齐",
    'str.rjust("x", 10 ** 9)': "填充对齐",
    '"x".center(10 ** 9)': "填充对齐",
    '"7".zfill(10 ** 9)': "填充对齐",
    '("\\t" * 1000).expandtabs(10 ** 6)': "制表符展开",
    'f"{1:>999999999}"': "格式化",
    'f"{x:.{n}f}"': "格式化",
    '"%999999999s" % "x"': "格式化",
    '("x" * 1000).replace("", "y" * 1000)': "替换",
    '"-".join(["x" * 1000] * 2000)': "拼接",
    '"x" * 900000 + "y" * 900000': "拼接",
    "int(Decimal('1e999999'))": "转换为整数",
    "round(Decimal('1e999999'))": "转换为整数",
    "round(5, -10 ** 9)": "取整",
    '(1).to_bytes(10 ** 9, "big")': "转换为字节",
    'int.from_bytes(("x" * 10 ** 6).encode(), "big")': "由字节生成整数",
    "(1 << 60000) * (1 << 60000)": "乘法",
}


@pytest.mark.parametrize("source", sorted(GUARDED))
def test_operations_too_big_for_one_c_call_are_refused_before_they_run(source: str) -> None:
    env = SandboxedEnvironment()
    started = time.monotonic()
    with pytest.raises(SandboxLimitExceeded) as refused:
        env.evaluate(source, {"x": 1.5, "n": 10**8})
    assert time.monotonic() - started < 0.5
    assert GUARDED[source] in refused.value.message


def test_the_guarded_forms_still_compute_what_procedures_need() -> None:
    env = SandboxedEnvironment()
    assert env.evaluate('f"{1234.5:>10.2f}|{name!r}|{name}"', {"name": "张三"}) == "   1234.50|'张三'|张三"
    assert env.evaluate('"%s：%05.2f" % ("金额", 1.5)', {}) == "金额：01.50"
    assert env.evaluate("17 % 5 + pow(2, 100, 7)", {}) == 2 + pow(2, 100, 7)
    assert (
        env.evaluate('"、".join(m["name"] for m in members)', {"members": [{"name": "甲"}, {"name": "乙"}]}) == "甲、乙"
    )
    assert env.evaluate("isinstance(3, int) and isinstance(True, (int, float)) and int('42') == 42", {}) is True
    assert env.evaluate('int.from_bytes(b"ab", "big") + int(Decimal("12.7"))', {}) == 24930 + 12
    assert env.evaluate('sum([Decimal("1.10"), Decimal("2.20")]) + round(Decimal("2.5"))', {}) == Decimal("5.30")
    data: dict[str, Any] = {"items": [1]}
    env.execute('items.extend([2, 3])\nitems += [4]\nlabel = "甲".ljust(3, "·")', data)
    assert (data["items"], data["label"]) == ([1, 2, 3, 4], "甲··")
    with pytest.raises(TypeError, match="数值"):
        env.evaluate("sum([[1], [2]], [])", {})
    assert check_script("x = f'{a!r:>{w}}'") is None


def test_a_script_may_leave_only_storable_values() -> None:
    env = SandboxedEnvironment()
    kept: dict[str, Any] = {}
    env.execute('when = today\nmoney = Decimal("1.50")\nrows = [{"a": (1, 2)}]', {**kept, "today": date(2026, 12, 4)})
    for script, words in (
        ("r = range(3)", "r"),
        ("c = {'ok': [1, complex(1, 2)]}", "c.ok[1]"),
        ("s = {'x': set([1])}", "s.x"),
        ("g = {'gen': (x for x in [])}", "g.gen"),
        ("f = [lambda: 1]", "f[0]"),
        ("k = {1: 'one'}", "k"),
        ("e = [ValueError('x')]", "e[0]"),
        ("n = float('nan')", "n"),
    ):
        with pytest.raises(Unstorable) as refused:
            env.execute(script, {})
        assert refused.value.path == words, script


def test_storable_bounds() -> None:
    check_storable({"household": {"members": [{"name": "张三", "incomes": []}]}, "when": date(2026, 1, 1)})
    deep: list[Any] = []
    for _ in range(60):
        deep = [deep]
    for data, reason in (
        ({"big": 10**5000}, "整数"),
        ({"text": "x" * 1_000_001}, "文字过长"),
        ({"deep": deep}, "嵌套过深"),
        ({"wide": [[0] * 1000] * 300}, "数据项过多"),
    ):
        with pytest.raises(Unstorable, match=reason):
            check_storable(data)


def test_replies_from_the_engine_child_may_rebuild_only_listed_classes() -> None:
    result = StepResult(b"state", False, (), {"amount": Decimal("1.00"), "on": date(2026, 1, 1)}, None, ())
    assert load_reply(dump(result)) == result
    assert load_reply(dump(Failure("workflow", "出错", "step"))) == Failure("workflow", "出错", "step")

    class Exploit:
        def __reduce__(self) -> tuple[Any, ...]:
            return (print, ("pwned",))

    with pytest.raises(pickle.UnpicklingError, match=r"builtins\.print"):
        load_reply(pickle.dumps(Exploit()))


def test_a_loop_of_automatic_steps_without_an_exit_fails_naming_its_step() -> None:
    # Spiff itself gives up after a few hundred rounds without a word, leaving an instance that waits
    # for nothing; the runtime stops it after MAX_ENGINE_STEPS and says where.
    source = (BUNDLES / "hostile_endless_loop" / "loop_forever.bpmn").read_text(encoding="utf-8")
    process = LoadedProcess("loop_forever", {"bpmn/loop_forever.bpmn": source}, calendar_dir=CALENDAR_DIR)
    started = time.monotonic()
    with pytest.raises(WorkflowFailed) as failed:
        process.start({"n": 0})
    assert time.monotonic() - started < 5
    assert failed.value.element == "count"
    assert f"{MAX_ENGINE_STEPS} 个自动步骤" in failed.value.message
