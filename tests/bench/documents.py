"""Benchmark 9 (issue 15): official documents.

1. **Documents rendered per second**: the 确认通知书 of a real approved 低保 case issued N times through
   engine.records.documents.issue, each in its own transaction: context from the case record, the
   sandboxed template, WeasyPrint to PDF with the CJK font, the QR code, the file stored by sha256, the
   row and the audit event. What a step that issues one document pays, and what a correction costs.
2. **Time added to a completion that issues one**: `register` of the reference process completed through
   tasks.complete in two databases, one with processes/ as shipped and one where `register` declares
   `documents = confirmation_notice`; the pairs interleaved, so drift hits both alike.
"""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path
from tempfile import TemporaryDirectory

from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.lookups import get_case, get_user
from engine.persistence import IssuedDocument, ProcessInstance
from engine.records import audit
from engine.records.document_rendering import render_pending
from engine.records.documents import issue
from engine.services import cases, tasks
from engine.settings import PROJECT_ROOT
from tests.api.conftest import eligible_household
from tests.bench.common import Outcome, Result, bench_context, progress, scaled
from tests.scenarios.flow import Application

NAME = "9. documents"
REGISTER_DATA = {"applicant_name": "张三", "household_size": 3, "requested_amount": "1000"}
WARMUP = 3
_DECLARED = '<spiffworkflow:property name="formKey" value="reference_register" />'


def _approved_case(ctx: Context) -> str:
    with freeze_time("2026-11-23 01:00:00"):
        application = Application(ctx, eligible_household()).start().accept().investigate().first_review()
    with freeze_time("2026-11-30 02:00:00"):  # the 公示 is over; freezegun also freezes perf_counter
        application.end_notice()
        application.confirm()
    return application.number


def _issue_once(ctx: Context, number: str) -> float:
    started = time.perf_counter()
    with ctx.db.write() as session:
        case = get_case(session, number)
        row = session.scalars(select(IssuedDocument).where(IssuedDocument.case_id == case.id)).first()
        assert row is not None
        assert row.instance_id is not None
        instance = session.get(ProcessInstance, row.instance_id)
        assert instance is not None
        actor = audit.Actor.of(get_user(session, "approver1"), "county_approver")
        process = ctx.process(instance.definition)
        issue(ctx, session, case, instance, process, "confirmation_notice", actor, element="end_approved")
    return time.perf_counter() - started


def rendering(count: int) -> list[Result]:
    """Issuing in the step (HTML, row, audit) and printing off the step (the worker's render_pending: PDF,
    file, audit), each timed on its own: the step no longer waits for the PDF (docs/documents.md)."""
    with bench_context("documents") as ctx:
        number = _approved_case(ctx)
        render_pending(ctx, limit=1000)  # the approval's own documents, printed before timing
        progress(f"{NAME}: issuing the 确认通知书 of {number} {count + WARMUP} times")
        samples = [_issue_once(ctx, number) for _ in range(count + WARMUP)][WARMUP:]
        progress(f"{NAME}: printing the {count + WARMUP} issued documents as the worker does")
        started = time.perf_counter()
        printed = render_pending(ctx, limit=count + WARMUP)
        printing_s = time.perf_counter() - started
    assert printed == count + WARMUP, printed
    return [
        Result.of_samples(NAME, "issue one 确认通知书 in the step (HTML, row, audit; no PDF)", samples),
        Result(
            NAME,
            "print the issued documents (worker: PDF, file, audit), one process",
            printed,
            value=f"{printed / printing_s:.1f} /s ({printing_s / printed * 1000:.0f} ms each)",
        ),
    ]


def _variant(root: Path) -> Path:
    """processes/ with `register` of reference_review declaring the 确认通知书."""
    target = root / "processes"
    shutil.copytree(PROJECT_ROOT / "processes", target)
    bpmn = target / "default" / "reference_review.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    declared = f'{_DECLARED}\n          <spiffworkflow:property name="documents" value="confirmation_notice" />'
    assert _DECLARED in text
    bpmn.write_text(text.replace(_DECLARED, declared, 1), encoding="utf-8")
    return target


def _register_tasks(ctx: Context, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        case = cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"})
        (task,) = [t for t in case.tasks if t.state == "open"]
        ids.append(task.id)
    return ids


def _complete(ctx: Context, task_id: int) -> float:
    started = time.perf_counter()
    tasks.complete(ctx, task_id, "clerk1", REGISTER_DATA)
    return time.perf_counter() - started


def completion(count: int) -> list[Result]:
    with TemporaryDirectory(prefix="dibao-bench-documents-") as tmp:
        variant = _variant(Path(tmp))
        with bench_context("plain") as plain, bench_context("issuing", variant) as issuing:
            progress(f"{NAME}: starting {count + WARMUP} cases in each database")
            plain_ids, issuing_ids = _register_tasks(plain, count + WARMUP), _register_tasks(issuing, count + WARMUP)
            pairs = list(zip(plain_ids, issuing_ids, strict=True))
            progress(f"{NAME}: timing {count} pairs of completions, interleaved")
            without, with_document = [], []
            for index, (plain_id, issuing_id) in enumerate(pairs):
                measured = (_complete(plain, plain_id), _complete(issuing, issuing_id))
                if index >= WARMUP:
                    without.append(measured[0])
                    with_document.append(measured[1])
            with issuing.db.read() as session:
                issued = len(session.scalars(select(IssuedDocument.id)).all())
            assert issued == count + WARMUP, issued
    added = statistics.median(b - a for a, b in zip(without, with_document, strict=True)) * 1000
    return [
        Result.of_samples(NAME, "complete `register` (no document)", without),
        Result.of_samples(NAME, "complete `register` issuing the 确认通知书", with_document),
        Result(
            NAME,
            "time added by issuing one document (median of pair differences)",
            len(without),
            value=f"{added:.0f} ms",
        ),
    ]


def run() -> Outcome:
    return Outcome(rendering(scaled(100, minimum=10)) + completion(scaled(60, minimum=10)))
