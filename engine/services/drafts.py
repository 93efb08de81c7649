"""The old import path of the designer's draft commands, kept only so that web/ (moving into workspace
packages at the same time, issue 12) needs no edit. Everything lives in engine.services.designer; the
engine and the tests import it from there. Delete this module once web/ does too.
"""

from engine.context import Context
from engine.results import DeployedVersion
from engine.services.designer import (
    MAX_DRAFT_BYTES,
    DraftReport,
    DryRunReport,
    ParameterForm,
    delete_file,
    deploy,
    discard_draft,
    draft_files,
    dry_run,
    effective_file,
    parameters_form,
    preview,
    process_ids,
    save_file,
    save_parameters,
    validate_draft,
)

__all__ = [
    "MAX_DRAFT_BYTES",
    "DraftReport",
    "DryRunReport",
    "ParameterForm",
    "delete_file",
    "deploy_draft",
    "discard_draft",
    "draft_files",
    "dry_run",
    "effective_file",
    "parameters_form",
    "preview",
    "process_ids",
    "save_file",
    "save_parameters",
    "validate_draft",
]


def deploy_draft(ctx: Context, username: str, region: str) -> list[DeployedVersion]:
    """designer.deploy(ctx, region, username, drafts=True), under its old name."""
    return deploy(ctx, region, username, drafts=True)
