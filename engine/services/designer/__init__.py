"""流程设计 (issue 6): what a designer does to their region's process files, and deploying them.

A designer of region R works on R only (policy.designer_region); every change is an audit event
(designer.draft_saved, designer.draft_discarded, designer.draft_validated, designer.dry_run,
designer.deployed, process_deployed). The modules, each a step of the designer's work:
- sources.py: file kinds, where a file is deployed to, the region's files on disk and with drafts over them;
- files.py: the draft's files in the database: upload, list, read, discard;
- validation.py: the deploy-time checks on paths, on the region, on the region with its drafts;
- previews.py: a BPMN file to draw, the processes to offer for a dry run;
- document_previews.py: a document template as a PDF, against the sample or a case of the region;
- parameters.py (with parameter_text.py): the region's parameters as a form, saved as a draft file;
- dry_runs.py: a draft's process run in the engine host against a household, nothing stored;
- deployment.py: `deploy`, the one entry point of every deploy (CLI, JSON API, drafts page).
What the designer's pages only read (process set, versions, diffs) is engine.queries.designer.
"""

from engine.services.designer.deployment import Deployment, deploy, deploy_region
from engine.services.designer.document_previews import (
    DocumentPreview,
    TemplateRow,
    preview_document,
    region_documents,
)
from engine.services.designer.dry_runs import SAMPLE_HOUSEHOLD, DryRunReport, DryRunResult, dry_run
from engine.services.designer.files import (
    MAX_DRAFT_BYTES,
    DraftFileView,
    delete_file,
    discard_draft,
    draft_files,
    draft_texts,
    effective_file,
    save_file,
)
from engine.services.designer.parameters import ParameterForm, ParameterRow, parameters_form, save_parameters
from engine.services.designer.previews import PreviewSource, preview, process_ids, process_titles
from engine.services.designer.sources import DRAFT_ORIGIN, draft_name, file_kind, overlay_sources
from engine.services.designer.validation import (
    DraftReport,
    ValidationReport,
    ValidBundle,
    check_drafts,
    failed_deploy_report,
    file_problems,
    validate,
    validate_draft,
    validate_region,
)

__all__ = [
    "DRAFT_ORIGIN",
    "MAX_DRAFT_BYTES",
    "SAMPLE_HOUSEHOLD",
    "Deployment",
    "DocumentPreview",
    "DraftFileView",
    "DraftReport",
    "DryRunReport",
    "DryRunResult",
    "ParameterForm",
    "ParameterRow",
    "PreviewSource",
    "TemplateRow",
    "ValidBundle",
    "ValidationReport",
    "check_drafts",
    "delete_file",
    "deploy",
    "deploy_region",
    "discard_draft",
    "draft_files",
    "draft_name",
    "draft_texts",
    "dry_run",
    "effective_file",
    "failed_deploy_report",
    "file_kind",
    "file_problems",
    "overlay_sources",
    "parameters_form",
    "preview",
    "preview_document",
    "process_ids",
    "process_titles",
    "region_documents",
    "save_file",
    "save_parameters",
    "validate",
    "validate_draft",
    "validate_region",
]
