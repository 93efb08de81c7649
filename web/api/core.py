"""The API blueprint and the one decorator every route goes through.

`operation(...)` registers a view on the blueprint and records what the OpenAPI document needs (method,
path, schemas, security), so no route can exist without being documented. Around the view it does the
HTTP mapping and nothing else: the bearer token → the user, the JSON body and the query through their
marshmallow schemas (InvalidData with Chinese field messages), the result through the response schema.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from flask import Blueprint, Response, g, jsonify, request
from marshmallow import Schema, ValidationError

from engine.context import Context
from engine.errors import InvalidData
from engine.results import SignedInUser
from engine.services import tokens
from web.api.bodies import BodyDocument
from web.api.errors import ApiError, init_blueprint
from web.kit.current import context

bp = Blueprint("api", __name__, url_prefix="/api/v1")
init_blueprint(bp)

BEARER_SCHEME = "bearerAuth"
COMMON_ERRORS = (400, 401, 403, 404, 422)
# JSON bodies stay small although the app admits a page's file upload (MAX_CONTENT_LENGTH, web/__init__).
MAX_JSON_BODY = 2 * 1024 * 1024


@dataclass(frozen=True)
class Operation:
    """One route as the OpenAPI document shows it."""

    method: str
    rule: str  # Flask's form: /tasks/<id:task_id>
    endpoint: str
    summary: str
    tag: str
    public: bool
    roles: str | None  # who may call it beyond holding a token, for the document
    body: type[Schema] | None
    body_optional: bool
    query: type[Schema] | None
    response: type[Schema] | None
    status: int
    errors: tuple[int, ...]
    description: str
    # The body as the document shows it, where its content is data (web.api.bodies); else `body`'s schema.
    body_document: BodyDocument | None
    # OpenAPI links of the success response: name → {"operationId", "parameters"}.
    links: Mapping[str, Mapping[str, Any]]
    # The success response's media type; any but JSON is a binary body the view returns as a Response.
    media_type: str = "application/json"


OPERATIONS: list[Operation] = []


def ctx() -> Context:
    return context()


def me() -> str:
    """The token's user name; only inside a view that is not public."""
    return cast(SignedInUser, g.api_user).username


def remote_addr() -> str | None:
    return request.remote_addr


def bearer_token() -> str | None:
    """The token of `Authorization: Bearer <token>`; None for no header or another scheme."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def _flatten(messages: Any, prefix: str, out: dict[str, list[str]]) -> dict[str, list[str]]:
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = "_body" if key == "_schema" else str(key)
            _flatten(value, f"{prefix}.{name}" if prefix else name, out)
    elif isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        out.setdefault(prefix or "_body", []).extend(messages)
    elif isinstance(messages, list | tuple):
        for index, value in enumerate(messages):
            _flatten(value, f"{prefix}.{index}" if prefix else str(index), out)
    else:
        out.setdefault(prefix or "_body", []).append(str(messages))
    return out


def _load(schema: Schema, data: Any, message: str) -> dict[str, Any]:
    try:
        return cast(dict[str, Any], schema.load(data))
    except ValidationError as exc:
        raise InvalidData(message, _flatten(exc.messages, "", {})) from None


def _refuse_constant(name: str) -> Any:
    # NaN and Infinity are not JSON (RFC 8259), though Python's parser takes them: refused like any typo.
    raise ValueError(name)


def _json_body(optional: bool) -> Any:
    request.max_content_length = MAX_JSON_BODY
    raw = request.get_data(cache=False)  # past MAX_JSON_BODY: 413
    if optional and not raw.strip():
        return {}
    if not request.is_json:
        raise ApiError(400, "bad_request", "请求体必须是 JSON，并设置请求头 Content-Type: application/json")
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise ApiError(400, "bad_request", "请求体不是合法的 JSON，请检查括号、引号和逗号") from None


@contextmanager
def fields_under(prefix: str) -> Iterator[None]:
    """A service's field errors about a part of the body, named by their path in the body ("data.decision")."""
    try:
        yield
    except InvalidData as exc:
        raise InvalidData(exc.message, {f"{prefix}.{k}": v for k, v in exc.fields.items()}) from None


def _reply(result: Any, response: Schema | None, status: int) -> Response:
    if isinstance(result, Response):  # a binary body (media_type), sent as the view made it
        return result
    reply = jsonify(response.dump(result) if response is not None else result)
    reply.status_code = status
    return reply


def _handler(view: Callable[..., Any], op: Operation) -> Callable[..., Response]:
    """The view wrapped: the token checked, query and body loaded, the result dumped with its schema."""
    # One instance of each schema per route: building a marshmallow schema costs more than using it,
    # and a schema keeps no state between load/dump calls.
    query_schema, body_schema = op.query() if op.query else None, op.body() if op.body else None
    response_schema = op.response() if op.response else None

    @functools.wraps(view)
    def handler(**kwargs: Any) -> Response:
        if not op.public:
            g.api_user = tokens.verify_token(ctx(), bearer_token())
        if query_schema is not None:
            kwargs["query"] = _load(query_schema, request.args.to_dict(), "查询参数有误")
        if body_schema is not None:
            kwargs["body"] = _load(body_schema, _json_body(op.body_optional), "请求数据有误")
        return _reply(view(**kwargs), response_schema, op.status)

    return handler


def operation(
    method: str,
    rule: str,
    *,
    summary: str,
    tag: str,
    response: type[Schema] | None,
    body: type[Schema] | None = None,
    body_optional: bool = False,
    query: type[Schema] | None = None,
    public: bool = False,
    roles: str | None = None,
    status: int = 200,
    errors: tuple[int, ...] = COMMON_ERRORS,
    description: str = "",
    body_document: BodyDocument | None = None,
    links: Mapping[str, Mapping[str, Any]] | None = None,
    media_type: str = "application/json",
) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    def decorate(view: Callable[..., Any]) -> Callable[..., Response]:
        endpoint = f"{view.__module__.rsplit('.', 1)[-1]}_{view.__name__}"
        OPERATIONS.append(
            Operation(
                method,
                rule,
                endpoint,
                summary,
                tag,
                public,
                roles,
                body,
                body_optional,
                query,
                response,
                status,
                errors,
                description,
                body_document,
                links or {},
                media_type,
            )
        )

        handler = _handler(view, OPERATIONS[-1])
        bp.add_url_rule(rule, endpoint=endpoint, view_func=handler, methods=[method])
        return handler

    return decorate
