"""The request log of a real `dibao serve` (docs/monitoring.md): JSON lines with time, level, request id,
user, route, method, status and duration — and no personal data. A clerk signs in, registers a household
with a valid 身份证号, a name and a mobile number, searches by the 身份证号 (query string and the JSON
duplicate check), and causes a 422, two 404s (one with the 身份证号 in the path) and a 400; then every line
of the server's log parses as JSON and none holds the 身份证号, the name or the mobile number."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from engine.services.bootstrap import DEMO_PASSWORD
from engine.settings import PROJECT_ROOT
from tests.scenarios.households import household, id_number, member
from tests.web.test_registration import as_form

NAME = "欧阳明轩"
ID_NUMBER = id_number("19750312")
MOBILE = "13912345678"
REQUEST_KEYS = {"time", "level", "request_id", "user", "route", "method", "status", "duration_ms"}
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 302 is an answer to look at, not to follow


@dataclass
class Client:
    url: str
    opener: urllib.request.OpenerDirector

    def send(self, path: str, data: dict[str, str] | None = None, **headers: str) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        return self.raw(path, body, headers)

    def raw(self, path: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, str]:
        request = urllib.request.Request(self.url + path, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def token(self, path: str) -> str:
        match = _TOKEN.search(self.send(path)[1])
        assert match, f"no CSRF token on {path}"
        return match.group(1)


def _dibao(env: dict[str, str], *args: str, **kwargs: Any) -> Any:
    command = [sys.executable, "-c", "from web.cli import main; main()", *args]
    if kwargs.pop("background", False):
        return subprocess.Popen(command, env=env, **kwargs)
    return subprocess.run(command, env=env, check=True, capture_output=True, timeout=600, **kwargs)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Client, Path]]:
    """`dibao init --demo` and `dibao serve` of this worktree on a temp SQLite file, JSON logs on stderr."""
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),  # this checkout's code, whatever the venv's `dibao` points at
        "DIBAO_DATABASE_URL": f"sqlite:///{tmp_path / 'dibao.sqlite3'}",
        "DIBAO_DEMO": "1",
        "DIBAO_FAST_PASSWORD_HASH": "1",
        "DIBAO_ATTACHMENTS_DIR": str(tmp_path / "attachments"),
        "DIBAO_DOCUMENTS_DIR": str(tmp_path / "documents"),
        "DIBAO_PROCESSES_DIR": str(shutil.copytree(PROJECT_ROOT / "processes", tmp_path / "processes")),
        "DIBAO_FORMS_DIR": str(shutil.copytree(PROJECT_ROOT / "forms" / "definitions", tmp_path / "forms")),
        "DIBAO_AUDIT_KEY_FILE": str(tmp_path / "audit-chain.key"),
        "DIBAO_LOG_FORMAT": "json",
    }
    env.pop("DIBAO_DEBUG", None)
    _dibao(env, "init", "--demo")
    port, log = _free_port(), tmp_path / "serve.log"
    with log.open("wb") as errors, (tmp_path / "serve.out").open("wb") as out:
        process = _dibao(env, "serve", "--port", str(port), background=True, stdout=out, stderr=errors)
    jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    client = Client(f"http://127.0.0.1:{port}", urllib.request.build_opener(jar, _NoRedirects()))
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if client.send("/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)  # polling a starting process
        assert process.poll() is None, log.read_text(encoding="utf-8")
        yield client, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def _registration(**member_fields: str) -> dict[str, str]:
    self_member = {**member(NAME, "self", ("wage", "1500.00")), **member_fields}
    data = {"village": "demo-village-1-1", "channel": "window", "household": household(self_member)}
    return {"process": "dibao_application", **as_form(data), "_op": "submit"}


def _use_the_site(client: Client) -> list[int]:
    statuses = []
    login = {"username": "clerk1", "password": DEMO_PASSWORD, "csrf_token": client.token("/login")}
    statuses.append(client.send("/login", login)[0])
    token = client.token("/cases/new")
    statuses.append(client.send("/cases/new", {**_registration(id_number=ID_NUMBER), "csrf_token": token})[0])
    bad_id = ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")  # a wrong check character: 422
    statuses.append(client.send("/cases/new", {**_registration(id_number=bad_id), "csrf_token": token})[0])
    query = urllib.parse.urlencode({"name": ID_NUMBER, "number": ID_NUMBER})
    statuses.append(client.send(f"/cases?{query}")[0])
    statuses.append(client.send("/cases?" + urllib.parse.urlencode({"name": NAME}))[0])
    check = json.dumps({"id_numbers": [ID_NUMBER]}).encode()
    headers = {"Content-Type": "application/json", "X-CSRFToken": token}
    statuses.append(client.raw("/cases/new/duplicates", check, headers)[0])
    statuses.append(client.send("/notifications/preferences", {"mobile": MOBILE, "csrf_token": token})[0])
    statuses.append(client.send(f"/cases/2026-9999999?q={ID_NUMBER}")[0])  # 404 on a route
    statuses.append(client.send(f"/people/{ID_NUMBER}/{MOBILE}")[0])  # 404 on no route at all
    statuses.append(client.send("/cases/new", _registration(id_number=ID_NUMBER))[0])  # no CSRF token: 400
    return statuses


def test_json_request_lines_without_personal_data(server: tuple[Client, Path]) -> None:
    client, log = server
    statuses = _use_the_site(client)
    assert statuses == [302, 302, 422, 200, 200, 200, 302, 404, 404, 400], statuses
    # No waiting: a request's line is written (and flushed) in after_request, before its response leaves.
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is JSON
    requests = [r for r in records if r.get("logger") == "dibao.request"]
    assert len(requests) >= len(statuses)
    for record in requests:
        assert record.keys() >= REQUEST_KEYS, record
        assert record["level"] == "INFO"
        assert re.fullmatch(r"[0-9a-f]{32}", record["request_id"])
    seen = {(r["method"], r["route"], r["status"]) for r in requests}
    assert ("POST", "/cases/new", 422) in seen
    assert ("GET", "<unmatched>", 404) in seen
    assert not [r for r in requests if r["status"] >= 500]
    assert all(r["duration_ms"] > 0 for r in requests)  # timed from the start, even when CSRF refuses (400)
    assert {r["user"] for r in requests if r["route"] == "/cases/new"} == {"clerk1"}
    assert any(r["user"] is None and r["route"] == "/login" for r in requests)
    everything = log.read_text(encoding="utf-8") + log.with_name("serve.out").read_text(encoding="utf-8")
    for secret in (ID_NUMBER, ID_NUMBER[:17], MOBILE, NAME, json.dumps(NAME)[1:-1], urllib.parse.quote(NAME)):
        assert secret not in everything, secret
