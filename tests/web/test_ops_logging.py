"""The process's logging (web/ops/logs.py, docs/monitoring.md): JSON lines or text on standard error, the
access logs that print raw paths silenced, and 身份证号 and mobile numbers masked in any message or
traceback; a failed delivery's log line leaves out the recipient's address."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import datetime

import pytest

from engine.services.notification_delivery import Outgoing, attempt
from engine.settings import PROJECT_ROOT, Settings
from tests.scenarios.households import id_number
from web.ops.logs import logging_config, redact

ID_NUMBER = id_number("19660101")

SCRIPT = f"""
import logging
from engine.settings import Settings
from web.ops.logs import configure
configure(Settings(log_format=__import__("sys").argv[1]))
logging.getLogger("dibao.test").info("登记 %s 电话 %s", "{ID_NUMBER}", "13800138000", extra={{"route": "/cases"}})
logging.getLogger("werkzeug").info("GET /cases?name={ID_NUMBER} HTTP/1.1 200")
logging.getLogger("gunicorn.access").info("GET /cases?name={ID_NUMBER}")
logging.getLogger("sqlalchemy.engine").info("SELECT 1")  # libraries below WARNING stay quiet
try:
    raise ValueError("duplicate {ID_NUMBER}")
except ValueError:
    logging.getLogger("dibao.test").exception("failed")
"""


def _run(log_format: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, log_format], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    assert ID_NUMBER not in done.stderr
    assert "13800138000" not in done.stderr
    return done.stderr.splitlines()


def test_json_lines_masked() -> None:
    lines = _run("json")
    records = [json.loads(line) for line in lines]
    assert [r["logger"] for r in records] == ["dibao.test", "dibao.test"]
    first, failure = records
    assert first["message"] == f"登记 {ID_NUMBER[:6]}********{ID_NUMBER[14:]} 电话 138****8000"
    assert first["level"] == "INFO"
    assert first["route"] == "/cases"
    assert datetime.fromisoformat(first["time"]).utcoffset() is not None
    assert failure["level"] == "ERROR"
    assert "ValueError: duplicate 110105********" in failure["exc_info"]


def test_text_lines_masked() -> None:
    lines = _run("text")
    assert lines[0].endswith(f"INFO dibao.test: 登记 {ID_NUMBER[:6]}********{ID_NUMBER[14:]} 电话 138****8000")
    assert any("ValueError: duplicate 110105********" in line for line in lines)
    assert not any("werkzeug" in line or "gunicorn" in line for line in lines)


def test_gunicorn_gets_the_same_config() -> None:
    config = logging_config(Settings(log_format="json"), debug=True)
    assert config["root"]["level"] == "DEBUG"
    assert config["loggers"]["gunicorn.access"]["level"] == "WARNING"
    assert config["loggers"]["gunicorn.error"]["propagate"] is True
    assert config["handlers"]["stderr"]["filters"] == ["redact"]
    assert "format" in logging_config(Settings(log_format="text"))["formatters"]["dibao"]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (ID_NUMBER, f"{ID_NUMBER[:6]}********{ID_NUMBER[14:]}"),
        ("11010519800101123X 与 13912345678", "110105********123X 与 139****5678"),
        ("订单 123456789012345678901", "订单 123456789012345678901"),  # a longer number is not a 身份证号
        ("案件 2026-0000001", "案件 2026-0000001"),
    ],
)
def test_redact(text: str, shown: str) -> None:
    assert redact(text) == shown


def test_a_refused_address_stays_out_of_the_log(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(smtp_host="smtp.invalid")
    item = Outgoing(7, "email", "zhang san@example.org", "key", 0, "主题", "正文", "w", datetime(2026, 1, 1))
    with caplog.at_level(logging.WARNING, logger="dibao.delivery"):
        failure = attempt(settings, item)
    assert failure is not None
    assert "zhang san@example.org" in failure.error  # the delivery row keeps it for the admin page
    assert "发送记录 7" in caplog.text
    assert "zhang san@example.org" not in caplog.text
