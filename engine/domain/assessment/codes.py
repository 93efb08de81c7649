"""The codes a household JSON may hold, with the Chinese names the explanation lines use for them.

The household form (forms/definitions) offers exactly these codes (a test holds the two together), the
parser refuses any other, and the assessment's sentences name each one in Chinese. Kept apart from the
rules so that the form, the parser and the lines read one list.
"""

from __future__ import annotations

CATEGORIES = ("dibao", "marginal", "none")
RELATIONS = ("self", "spouse", "child", "parent", "grandparent", "grandchild", "sibling", "other")
EMPLOYMENT_STATUSES = ("employed", "self_employed", "unemployed", "retired", "student", "none")
