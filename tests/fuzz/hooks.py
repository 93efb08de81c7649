"""Schemathesis hooks for `make fuzz-api` (loaded through tests/fuzz/schemathesis.toml).

- Counting: every request schemathesis sends, by phase, operation and status, is written as JSON to the
  file named by DIBAO_FUZZ_STATS when the run ends, so the runner can report what was generated and which
  operations the stateful phase reached (the figures issue 22 asks for).
"""

from __future__ import annotations

import atexit
import json
import os
import threading
from collections import Counter
from typing import Any

import schemathesis

_LOCK = threading.Lock()
_CALLS: Counter[tuple[str, str, int]] = Counter()


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    phase = case.meta.phase.name.value if case.meta is not None else "explicit"
    with _LOCK:
        _CALLS[(phase, f"{case.method.upper()} {case.operation.path}", response.status_code)] += 1


def _write_stats() -> None:
    target = os.environ.get("DIBAO_FUZZ_STATS")
    if not target:
        return
    rows = [{"phase": p, "operation": o, "status": s, "count": n} for (p, o, s), n in sorted(_CALLS.items())]
    with open(target, "w", encoding="utf-8") as sink:
        json.dump(rows, sink, ensure_ascii=False, indent=1)


atexit.register(_write_stats)
