"""A second application, moved to its 公示 quickly through the JSON API (/api/v1) of the same server, so the
browser test can object to a notice without typing a second household."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import APIRequestContext, Playwright

from engine.services.bootstrap import DEMO_PASSWORD


class Api:
    def __init__(self, playwright: Playwright, base_url: str) -> None:
        self._request: APIRequestContext = playwright.request.new_context(base_url=base_url)
        self._tokens: dict[str, str] = {}

    def _headers(self, username: str) -> dict[str, str]:
        if username not in self._tokens:
            response = self._request.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
            assert response.status == 200, response.text()
            self._tokens[username] = response.json()["token"]
        return {"Authorization": f"Bearer {self._tokens[username]}"}

    def start(self, username: str, data: dict[str, Any]) -> str:
        # The browser tests share one server and reuse their households across cases on purpose; the
        # duplicate warning itself is tested in test_duplicate_warning.py.
        body = {"process": "dibao_application", "data": data, "confirm_duplicate": True}
        response = self._request.post("/api/v1/cases", data=body, headers=self._headers(username))
        assert response.status == 201, response.text()
        number: str = response.json()["number"]
        return number

    def complete(self, username: str, number: str, task_name: str, data: dict[str, Any]) -> None:
        case = self._request.get(f"/api/v1/cases/{number}", headers=self._headers(username))
        assert case.status == 200, case.text()
        (task,) = [t for t in case.json()["open_tasks"] if t["task_name"] == task_name]
        done = self._request.post(
            f"/api/v1/tasks/{task['id']}/complete", data={"data": data}, headers=self._headers(username)
        )
        assert done.status == 200, done.text()

    def close(self) -> None:
        self._request.dispose()
