"""The system's words: code → Chinese label tables that pages, the CLI, exports and the dossier share."""

from __future__ import annotations

# 通知2022 四(一): the grounds for extending.
EXTENSION_GROUNDS = {
    "objection": "公示有异议",
    "separated_household": "人户分离",
    "remote_application": "异地申办",
    "hard_investigation": "家庭经济状况调查难度较大",
}
