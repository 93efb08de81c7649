"""The one JSON text form the database stores: sorted keys, no spaces, UTF-8 kept.

Every JSON column is written with it (engine.persistence.db), so a value's stored text is a pure
function of the value. The audit chain hashes that text, and verifying can hash what it reads
without parsing and re-serialising a million documents.
"""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
