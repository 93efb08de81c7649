"""marshmallow field kinds of the JSON API with Chinese messages, and the strict schema base (unknown keys
are an error)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from marshmallow import RAISE, Schema, fields

# Chinese messages for every field kind used here (marshmallow's own are English).
_BASE_MESSAGES = {"required": "必填", "null": "不能为 null", "validator_failed": "取值无效"}


def _messages(kwargs: dict[str, Any], **own: str) -> dict[str, Any]:
    return {**_BASE_MESSAGES, **own, **(kwargs.pop("error_messages", None) or {})}


class Str(fields.String):
    def __init__(self, **kwargs: Any) -> None:
        messages = _messages(kwargs, invalid="必须是字符串", invalid_utf8="不是合法的 UTF-8 字符串")
        super().__init__(error_messages=messages, **kwargs)


class Int(fields.Integer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(error_messages=_messages(kwargs, invalid="必须是整数", too_large="数值过大"), **kwargs)


class Obj(fields.Dict):
    """Any JSON object, checked further by the service (form data, a household)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(error_messages=_messages(kwargs, invalid="必须是 JSON 对象"), **kwargs)


class Json(fields.Raw):
    """Any JSON value; its content is the service's to validate."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(error_messages=_messages(kwargs), **kwargs)


class UtcDateTime(fields.DateTime):
    """Stored timestamps are naive UTC: sent with their offset, so no client mistakes them for Beijing time."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


class Strict(Schema):
    """Unknown keys are an error, not silently dropped: a misspelt key must not look accepted."""

    error_messages: ClassVar[dict[str, str]] = {"type": "必须是 JSON 对象", "unknown": "未知字段"}  # type: ignore[misc]

    class Meta:
        unknown = RAISE


class Bool(fields.Boolean):
    """JSON true or false only: marshmallow's Boolean also takes "yes", "1" and 1, which the document's
    `type: boolean` does not allow (and Schemathesis sends to see them refused)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(error_messages=_messages(kwargs, invalid="必须是 true 或 false"), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value
