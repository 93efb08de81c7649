"""`make fuzz-api`: Schemathesis against a real `dibao serve` (issue 22).

    python -m tests.fuzz.api [--examples N] [--seed S] [--keep]

Builds a temporary SQLite database with the demo data (`dibao init --demo`, on copies of processes/ and
forms/definitions/ so nothing the run does can touch the repository), serves it on a free loopback port,
signs in as clerk1 for a bearer token and runs `schemathesis run` on /api/v1/openapi.json with
tests/fuzz/schemathesis.toml: all phases (examples, coverage, fuzzing, stateful), all checks. It prints
how many requests were sent per phase and which operations the stateful phase reached, and exits with
Schemathesis's own status (0: no failure). The server is stopped whatever happens; its log is printed
when the run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from engine.services.bootstrap import DEMO_PASSWORD
from engine.settings import PROJECT_ROOT
from tests.running import free_port, server_environment, stop, wait_until_healthy

HERE = Path(__file__).parent
FUZZ_USER = "clerk1"


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def _token(url: str) -> str:
    body = json.dumps({"username": FUZZ_USER, "password": DEMO_PASSWORD}).encode()
    request = urllib.request.Request(  # noqa: S310 (our own server)
        f"{url}/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return str(json.load(response)["token"])


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Requests per phase, and the operations the stateful phase reached (any answer) and got a 2xx from."""
    per_phase: Counter[str] = Counter()
    stateful: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        per_phase[row["phase"]] += row["count"]
        if row["phase"] == "stateful":
            stateful[row["operation"]].add(row["status"])
    return {
        "requests": sum(per_phase.values()),
        "per_phase": dict(sorted(per_phase.items())),
        "stateful_reached": sorted(stateful),
        "stateful_succeeded": sorted(op for op, statuses in stateful.items() if any(200 <= s < 300 for s in statuses)),
    }


def _report(summary: dict[str, Any]) -> None:
    print(f"\n生成的请求：{summary['requests']}（按阶段：{summary['per_phase']}）")
    reached, succeeded = len(summary["stateful_reached"]), len(summary["stateful_succeeded"])
    print(f"有状态阶段到达的接口：{reached}，其中得到 2xx 的：{succeeded}")
    for operation in summary["stateful_reached"]:
        mark = "2xx" if operation in summary["stateful_succeeded"] else "   "
        print(f"  {mark} {operation}")


def run(examples: int, seed: int, base: Path) -> int:
    env = server_environment(base, f"sqlite:///{base / 'dibao.sqlite3'}")
    subprocess.run([_bin("dibao"), "init", "--demo"], env=env, check=True, capture_output=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = base / "serve.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            # The production server (gunicorn) as `make run` starts it: one process in demo mode, the worker in it.
            [_bin("dibao"), "serve", "--with-worker", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=sink,
        )
    try:
        wait_until_healthy(url, server, log)
        stats = base / "stats.json"
        fuzz_env = {
            **env,
            "DIBAO_FUZZ_TOKEN": _token(url),
            "DIBAO_FUZZ_STATS": str(stats),
            "PYTHONPATH": str(PROJECT_ROOT),
        }
        command = [
            _bin("schemathesis"),
            "--config-file",
            str(HERE / "schemathesis.toml"),
            "run",
            f"{url}/api/v1/openapi.json",
            f"--max-examples={examples}",
            f"--seed={seed}",
        ]
        status = subprocess.run(command, env=fuzz_env, cwd=PROJECT_ROOT, check=False).returncode
        if stats.exists():
            _report(summarize(json.loads(stats.read_text(encoding="utf-8"))))
    finally:
        stop(server)
    if status != 0:
        print("\n--- dibao serve log (last 20000 characters) ---")
        print(log.read_text(encoding="utf-8", errors="replace")[-20_000:])
    return status


def main() -> None:
    parser = argparse.ArgumentParser(description="Schemathesis against a temporary dibao server")
    parser.add_argument("--examples", type=int, default=int(os.environ.get("DIBAO_FUZZ_EXAMPLES", "50")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("DIBAO_FUZZ_SEED", "22")))
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, log, stats)")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="dibao-fuzz-"))
    try:
        status = run(args.examples, args.seed, base)
    finally:
        if args.keep:
            print(f"临时目录：{base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    raise SystemExit(status)


if __name__ == "__main__":
    main()
