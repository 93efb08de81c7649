"""Request bodies whose content is data, documented from that data (web.api.form_schemas):

- POST /cases: one schema per process a case may start with (`oneOf`, told apart by `process`), each from
  the start form deployed for it (engine.queries.startable), so a designer's new start form shows up in
  the document at its deployment;
- POST /assessments and /assessments/temporary: the request forms the services validate with.

Each builder returns the components it adds and the schema of the body.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.context import Context
from engine.queries import startable
from engine.services import assessment, temporary
from forms import FormDefinition
from web.api.form_schemas import openapi_schema

Components = dict[str, dict[str, Any]]
BodyDocument = Callable[[Context], tuple[Components, dict[str, Any]]]

_REGION = {"type": "string", "minLength": 1, "maxLength": 32, "description": "地区，如 default、yantai"}
# A process without a start form takes only the village (engine.services.cases._start_data).
_VILLAGE_ONLY: dict[str, Any] = {
    "title": "启动数据",
    "type": "object",
    "required": ["village"],
    "properties": {"village": {"type": "string", "format": "org_unit", "title": "村/社区"}},
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _with_region(form: Mapping[str, Any]) -> dict[str, Any]:
    schema = openapi_schema(form)
    schema["properties"] = {"region": _REGION, **schema["properties"]}
    schema["required"] = ["region", *schema.get("required", [])]
    return schema


def start_case_body(ctx: Context) -> tuple[Components, dict[str, Any]]:
    components: Components = {}
    mapping: dict[str, str] = {}
    for process_id, forms in sorted(startable.start_forms(ctx).items()):
        variants = [openapi_schema(form) for form in forms] or [openapi_schema(_VILLAGE_ONLY)]
        data = variants[0] if len(variants) == 1 else {"anyOf": variants, "description": "各地区的启动表单"}
        name = f"StartCase_{process_id}"
        components[name] = {
            "type": "object",
            "required": ["process", "data"],
            "additionalProperties": False,
            "properties": {
                "process": {"type": "string", "enum": [process_id], "description": "流程 ID"},
                "data": data,
                "confirm_duplicate": {
                    "type": "boolean",
                    "description": "身份证号与在办案件或在保记录重复时确认仍然登记；省略或 false 时得到 409",
                },
            },
        }
        mapping[process_id] = _ref(name)["$ref"]
    body = {
        "description": (
            "登记案件：process 为流程 ID，data 为该流程启动表单的数据（地区由 data.village 所属地区决定）。"
            "由其他流程调用的子流程（如公示、民主评议、渐退）不能单独登记，得到 404。"
        ),
        "oneOf": [{"$ref": ref} for ref in mapping.values()],
        "discriminator": {"propertyName": "process", "mapping": mapping},
    }
    components["StartCaseRequest"] = body
    return components, _ref("StartCaseRequest")


def assessment_body(ctx: Context) -> tuple[Components, dict[str, Any]]:
    form = FormDefinition.from_dict("assessment_request", assessment.REQUEST_FORM, ctx.settings.forms_dir)
    schema = _with_region(form.schema)
    schema["description"] = (
        "家庭经济状况评估：评估日期须有该地区生效的参数（全国默认参数自 2021-07-01 起），否则得到 422。"
    )
    return {"AssessmentRequest": schema}, _ref("AssessmentRequest")


def temporary_body(ctx: Context) -> tuple[Components, dict[str, Any]]:
    schema = _with_region(FormDefinition.from_dict("temporary_request", temporary.REQUEST_FORM).schema)
    schema["description"] = "临时救助测算：测算日期须有该地区生效的参数，否则得到 422。"
    return {"TemporaryRequest": schema}, _ref("TemporaryRequest")
