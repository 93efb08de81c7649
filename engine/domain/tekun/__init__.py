"""The 特困 (extreme-poverty support) assessment (docs/tekun-assessment.md): pure functions over the request
JSON `{"as_of", "person", "supporters"}` and the region's effective-dated parameters.

shape (reading and checking the JSON), rules (the region's parameters), run (the three conditions, the care
tier and the standards, with Chinese explanation lines).
"""

from __future__ import annotations

from engine.domain.tekun.rules import PARAMETER_NAMES, TekunRules, read_tekun_rules, tekun_basic_standard
from engine.domain.tekun.run import age_on, assess_tekun
from engine.domain.tekun.shape import Supporter, TekunIncome, TekunRequest, parse_tekun_request

__all__ = [
    "PARAMETER_NAMES",
    "Supporter",
    "TekunIncome",
    "TekunRequest",
    "TekunRules",
    "age_on",
    "assess_tekun",
    "parse_tekun_request",
    "read_tekun_rules",
    "tekun_basic_standard",
]
