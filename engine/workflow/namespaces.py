"""The XML namespaces of the files a designer deploys, written once for the whole engine.

Every reader of BPMN (the subset and structure checks, the catalog, the dry run, the bundle diff, the
read models that list processes and calls) looks elements up by these; a second copy of the string
would let one reader drift from the others. The web layer may not import engine.workflow, so the SVG
renderer (web/diagram.py) keeps its own copy.
"""

from __future__ import annotations

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# SpiffWorkflow's extension elements (properties, calledDecisionId): the only dialect the engine runs.
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
