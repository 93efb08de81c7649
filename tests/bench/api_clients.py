"""HTTP clients for the JSON API benchmark: keep-alive connections, bearer tokens, and the real 低保 steps
(dibao_application.bpmn) carried from registration to 公示 with the data the demo users would enter."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count
from typing import Any
from urllib.parse import urlsplit

from engine.domain.id_numbers import check_character

VILLAGE = "demo-village-1-1"
INVESTIGATORS = ["王调查", "李调查"]
# Each user step up to 公示: who works it and what they enter (as tests/scenarios/flow.py does).
STEPS: dict[str, tuple[str, dict[str, Any]]] = {
    "intake_review": (
        "clerk1",
        {
            "decision": "approve",
            "pledge_signed": True,
            "consent_signed": True,
            "relative_of_staff": False,
            "opinion": "材料齐全，予以受理",
        },
    ),
    "start_investigation": (
        "clerk1",
        {"investigators": INVESTIGATORS, "planned_visit_date": "2026-11-25", "verification_requested": True},
    ),
    "home_visit": (
        "clerk1",
        {
            "investigators": INVESTIGATORS,
            "visit_date": "2026-11-23",
            "method": "in_person",
            "members_present": "申请人本人及配偶",
            "signed_record": "RH-2026-001",
            "findings": "家庭实际居住情况与申报一致",
        },
    ),
    "data_verification": (
        "verify1",
        {"result": "consistent", "checked_items": ["tax", "real_estate", "vehicle"], "report": "未发现异常"},
    ),
    "first_review": ("head1", {"decision": "approve", "opinion": "经调查，家庭收入低于标准，拟予保障"}),
}
USERS = ("clerk1", "verify1", "head1")
_serial = count(1)
_serial_lock = threading.Lock()


def _id_number() -> str:
    """A checksum-valid 身份证号 (GB 11643), unique per call: 1,000 sequence numbers per birth date."""
    with _serial_lock:
        serial = next(_serial)
    born = date(1950, 1, 1) + timedelta(days=serial // 1000)
    first17 = f"110105{born:%Y%m%d}{serial % 1000:03d}"
    return first17 + check_character(first17)


def application(serial_name: str) -> dict[str, Any]:
    """A one-person urban household with a wage under the standard: a new, unique applicant each call."""
    return {
        "process": "dibao_application",
        "confirm_duplicate": True,
        "data": {
            "village": VILLAGE,
            "channel": "window",
            "household": {
                "registered_type": "urban",
                "existing_recipient": False,
                "poverty_alleviation_registered": False,
                "assets_pass": True,
                "last_year_total_income": "3600.00",
                "members": [
                    {
                        "name": serial_name,
                        "id_number": _id_number(),
                        "relation": "self",
                        "disability": None,
                        "major_illness": False,
                        "self_paid_medical_last_year": "0.00",
                        "employment": {"status": "none", "started": None},
                        "incomes": [{"kind": "wage", "monthly_amount": "300.00"}],
                    }
                ],
                "rigid_expenses": [],
            },
        },
    }


class Client:
    """One keep-alive connection, used by one thread."""

    IDLE_SECONDS = 1.0  # below the server's keep-alive timeout: an idle connection is replaced, not reused

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.connection = http.client.HTTPConnection(*self.address, timeout=60)
        self.last_used = time.monotonic()

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any, float]:
        if time.monotonic() - self.last_used > self.IDLE_SECONDS:
            self.connection.close()
            self.connection = http.client.HTTPConnection(*self.address, timeout=60)
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        started = time.perf_counter()
        self.connection.request(method, f"/api/v1{path}", payload, headers)
        response = self.connection.getresponse()
        raw = response.read()
        elapsed = time.perf_counter() - started
        self.last_used = time.monotonic()
        return response.status, json.loads(raw) if raw else None, elapsed

    def close(self) -> None:
        self.connection.close()


def sign_in(url: str, password: str) -> dict[str, str]:
    client = Client(url)
    try:
        tokens = {}
        for user in USERS:
            status, body, _ = client.call("POST", "/auth/token", {"username": user, "password": password})
            if status != 200:
                raise RuntimeError(f"sign-in of {user} answered {status}: {body}")
            tokens[user] = body["token"]
        return tokens
    finally:
        client.close()


@dataclass
class Tally:
    """What a phase measured: each request's latency by kind, and the failures."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)

    def fail(self, message: str) -> None:
        with self.lock:
            self.failures.append(message)


def run_clients(count_: int, work: Callable[[int], None]) -> float:
    """`work(i)` on `count_` threads at once; the wall time until the last one finished."""
    threads = [threading.Thread(target=work, args=(i,)) for i in range(count_)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def start_cases(client: Client, token: str, cases: int, tally: Tally) -> list[tuple[int, str]]:
    """Register `cases` applications; the (task id, task name) of each one's first open task."""
    opened: list[tuple[int, str]] = []
    for _ in range(cases):
        status, body, seconds = client.call("POST", "/cases", application("孙一"), token)
        if status != 201:
            tally.fail(f"POST /cases → {status}: {str(body)[:300]}")
            continue
        tally.add("start", seconds)
        opened += [(task["id"], task["task_name"]) for task in body["open_tasks"]]
    return opened


def carry_to_notice(client: Client, tokens: dict[str, str], first: list[tuple[int, str]], tally: Tally) -> None:
    """Complete every step from `first` on until the cases wait for their 公示 to end."""
    queue = deque(first)
    while queue:
        task_id, name = queue.popleft()
        user, data = STEPS[name]
        status, body, seconds = client.call("POST", f"/tasks/{task_id}/complete", {"data": data}, tokens[user])
        if status != 200:
            tally.fail(f"complete {name} → {status}: {str(body)[:300]}")
            continue
        tally.add(name, seconds)
        queue.extend((task["id"], task["task_name"]) for task in body["new_tasks"] if task["task_name"] in STEPS)
