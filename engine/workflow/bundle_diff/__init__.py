"""A readable diff between two deployed versions of a bundle (issue 6: "not a raw XML diff").

Input is two `ProcessDefinition.files` dicts as catalog._bundle builds them: "bpmn/<file>.bpmn",
"dmn/<file>.dmn", "parameters/<n>.toml" (layered, default first) and "forms/<key>.json". The result is a
list of `Change`s, each with a Chinese sentence, grouped by kind for the designer's diff page.

What is compared, and by what key (ids are what a designer keeps stable; names are what they edit):
- BPMN, per process id (bpmn.py): tasks (name, lane, form key, type, due days, script), sequence flows
  (source, target, condition), lanes (by id: added, removed, renamed), timers (element, expression),
  call activities (called process).
- DMN, per decision id (dmn.py): input/output columns and rules (by rule id, or position when a rule
  has none).
- Forms, per form key (form_schemas.py): fields by dotted path (title, type, required, options).
- Parameters (parameters.py): the merged effective parameters, per name and effective date.
- Document templates (documents.py), per file: a line diff, titled with the document's title.

Each file kind only reads its files into small models and says, per element kind, how an added,
removed or changed element reads (a `Kind`); compare.py walks the keys once for all of them.

Pure: lxml via the hardened parser, no database. A file that no longer parses is reported as one change
instead of failing the whole page (deployment refused such files, so it only happens with old data).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.domain.vocabulary import DIFF_KIND_LABELS
from engine.workflow.bundle_diff.bpmn import diff_bpmn
from engine.workflow.bundle_diff.changes import ADDED, CHANGED, REMOVED, BundleDiff, Change, ChangeGroup
from engine.workflow.bundle_diff.dmn import diff_dmn
from engine.workflow.bundle_diff.documents import diff_documents
from engine.workflow.bundle_diff.form_schemas import diff_forms
from engine.workflow.bundle_diff.parameters import diff_parameters, parameter_labels
from engine.workflow.catalog import BPMN_PREFIX, DMN_PREFIX, FORM_PREFIX, PARAM_PREFIX
from engine.workflow.documents import TEMPLATE_PREFIX

__all__ = [
    "ADDED",
    "CHANGED",
    "DIFF_KIND_LABELS",
    "REMOVED",
    "BundleDiff",
    "Change",
    "ChangeGroup",
    "diff_bundles",
    "parameter_labels",
]


def diff_bundles(old: Mapping[str, Any], new: Mapping[str, Any]) -> BundleDiff:
    """Everything that changed from the files `old` to the files `new`."""
    changes: list[Change] = []
    changes += diff_bpmn(_texts(old, BPMN_PREFIX), _texts(new, BPMN_PREFIX))
    changes += diff_dmn(_texts(old, DMN_PREFIX), _texts(new, DMN_PREFIX))
    changes += diff_forms(_texts(old, FORM_PREFIX), _texts(new, FORM_PREFIX))
    changes += diff_parameters(_texts(old, PARAM_PREFIX), _texts(new, PARAM_PREFIX))
    changes += diff_documents(_texts(old, TEMPLATE_PREFIX), _texts(new, TEMPLATE_PREFIX))
    return BundleDiff(changes)


def _texts(files: Mapping[str, Any], prefix: str) -> dict[str, str]:
    return {name: str(text) for name, text in sorted(files.items()) if name.startswith(prefix)}
