"""The 文书 API with a real approved 低保 case: the case's list (scope), the PDF (binary, audited, 404 for an
unknown id) and the public verify look-up (no token, masked JSON only, codes typed from paper, 404)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.persistence import AuditEvent, IssuedDocument
from engine.records import blobs
from tests.api.conftest import Api
from tests.scenarios.approved import APPLICANT, applicant_id_number, approved_application, issued
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member


@pytest.fixture
def approved(ctx: Context) -> Application:
    return approved_application(ctx)


def test_the_case_documents_for_whoever_may_see_the_case(ctx: Context, approved: Application, api_as: Any) -> None:
    doc = issued(ctx, approved.number)
    reply = api_as("clerk1").get(f"/api/v1/cases/{approved.number}/documents")
    assert reply.status_code == 200
    body = reply.get_json()
    assert {"verification_consent", "approval_form", "confirmation_notice"} <= {
        d["template"] for d in body["documents"]
    }
    (listed,) = [d for d in body["documents"] if d["id"] == doc.id]
    assert body["case_number"] == approved.number
    assert (listed["id"], listed["code"], listed["template"], listed["title"]) == (
        doc.id,
        doc.code,
        "confirmation_notice",
        "最低生活保障确认通知书",
    )
    assert (listed["sha256"], listed["current"], listed["status_label"]) == (doc.sha256, True, "有效")
    assert listed["issued_event_seq"] is not None
    assert api_as("clerk2").get(f"/api/v1/cases/{approved.number}/documents").status_code == 403
    assert api_as(None).get(f"/api/v1/cases/{approved.number}/documents").status_code == 401
    missing = api_as("clerk1").get("/api/v1/cases/2026-9999999/documents")
    assert (missing.status_code, missing.get_json()["error"]) == (404, "not_found")


def test_the_pdf_is_the_stored_file_and_its_download_is_audited(
    ctx: Context, approved: Application, api_as: Any
) -> None:
    doc = issued(ctx, approved.number)
    reply = api_as("approver1").get(f"/api/v1/documents/{doc.id}")
    assert reply.status_code == 200
    assert reply.mimetype == "application/pdf"
    assert reply.data == blobs.read_blob(ctx.settings.documents_dir, doc.sha256)
    assert reply.headers["Content-Disposition"] == f"attachment; filename=document-{doc.code}.pdf"
    with ctx.db.read() as session:
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "document_downloaded"))
        assert (event.actor_name, event.details["document_id"]) == ("approver1", doc.id)
    refused = api_as("clerk2").get(f"/api/v1/documents/{doc.id}")
    assert (refused.status_code, refused.get_json()["error"]) == (403, "forbidden")
    assert api_as("clerk1").get("/api/v1/documents/99999").status_code == 404
    assert api_as(None).get(f"/api/v1/documents/{doc.id}").status_code == 401


def test_verify_is_public_and_masked(ctx: Context, approved: Application, anonymous: Api) -> None:
    doc = issued(ctx, approved.number)
    reply = anonymous.get(f"/api/v1/documents/verify/{doc.code.lower().replace('-', '')}")
    assert reply.status_code == 200
    body = reply.get_json()
    assert body == {
        "code": doc.code,
        "title": "最低生活保障确认通知书",
        "unit_name": doc.unit_name,
        "issued_on": "2026-11-30",
        "applicant_masked": "张*",
        "sha256": doc.sha256,
        "version": 1,
        "current": True,
        "status_label": "有效",
        "replaced_by_code": None,
        "replaces_code": None,
    }
    text = reply.get_data(as_text=True)
    assert APPLICANT not in text
    assert applicant_id_number(approved) not in text
    unknown = anonymous.get("/api/v1/documents/verify/ZZZZ-ZZZZ-ZZZZ")
    assert (unknown.status_code, unknown.get_json()["error"]) == (404, "not_found")
    assert "没有查到核验码" in unknown.get_json()["message"]
    assert anonymous.get("/api/v1/documents/verify/nonsense").status_code == 404


def test_the_openapi_document_declares_the_pdf_as_binary_and_verify_without_auth(anonymous: Api) -> None:
    paths = anonymous.get("/api/v1/openapi.json").get_json()["paths"]
    pdf = paths["/api/v1/documents/{document_id}"]["get"]
    assert pdf["responses"]["200"]["content"] == {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    assert set(pdf["responses"]) >= {"401", "403", "404"}
    verify = paths["/api/v1/documents/verify/{code}"]["get"]
    assert verify["security"] == []
    assert "404" in verify["responses"]


@freeze_time("2026-11-23 01:00:00")
def test_a_document_not_yet_printed_downloads_and_verifies_as_if_it_had_been(ctx: Context, api_as: Any) -> None:
    # No worker ran: the step stored the HTML only, and each reader that needs the PDF prints it.
    app = Application(ctx, household(member("张三", "self", ("wage", "500.00")))).start().accept()
    with ctx.db.read() as session:
        (row,) = session.scalars(select(IssuedDocument))
        document_id, code = row.id, row.code
        assert row.sha256 is None
    listed = api_as("clerk1").get(f"/api/v1/cases/{app.number}/documents").get_json()["documents"]
    assert [(d["sha256"], d["size"]) for d in listed] == [(None, None)]
    reply = api_as("clerk1").get(f"/api/v1/documents/{document_id}")
    assert reply.status_code == 200
    assert reply.data.startswith(b"%PDF")
    public = api_as(None).get(f"/api/v1/documents/verify/{code}").get_json()
    assert public["sha256"] == hashlib.sha256(reply.data).hexdigest()
    with ctx.db.read() as session:
        assert session.get(IssuedDocument, document_id).sha256 == public["sha256"]  # type: ignore[union-attr]
