"""The process's logging (docs/monitoring.md): JSON lines for a log collector (DIBAO_LOG_FORMAT=json, the
default) or readable text for a terminal, on standard error.

`configure` sets up this process (the `dibao` command calls it first); `logging_config` is the same thing as
a logging.config.dictConfig dict, for gunicorn's logconfig_dict. Every line passes `RedactPersonalData`
first: no log line may carry personal data, and although no log call here prints form values, an exception's
text can (a driver's error quoting a value) — 身份证号 and mobile numbers in it are masked.
"""

from __future__ import annotations

import logging
import logging.config
import re
import traceback
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from engine.settings import Settings

# 18-digit 身份证号 (last character a digit or X) and mainland mobile numbers, not inside a longer number.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def redact(text: str) -> str:
    """身份证号 → 110101********1234, mobile numbers → 138****5678 (the form the pages mask them in)."""
    return _PHONE.sub(r"\1****\2", _ID_NUMBER.sub(r"\1********\2", text))


class RedactPersonalData(logging.Filter):
    """Masks 身份证号 and mobile numbers in the message and the exception text of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and record.exc_info[0] is not None:
            # Formatted here once, so both formatters print the masked text (they reuse exc_text).
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class JsonLines(JsonFormatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message and whatever the call passed
    in `extra` (the request line's request_id, user, route, method, status, duration_ms)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("json_ensure_ascii", False)  # Chinese messages stay readable
        super().__init__("%(levelname)s %(name)s %(message)s", *args, **kwargs)

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        log_data["time"] = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        super().add_fields(log_data, record, message_dict)


def logging_config(settings: Settings, *, debug: bool = False) -> dict[str, Any]:
    """The dictConfig of this process's logging: root to standard error through the redaction filter,
    `dibao.*` at INFO (the request lines), everything else at WARNING. The access logs of werkzeug and
    gunicorn are silenced: they print the raw path and query string (a search for a 身份证号), and the
    request line of web/ops/access.py replaces them."""
    formatter = {"()": JsonLines} if settings.log_format == "json" else {"format": _TEXT_FORMAT}
    quiet = {"level": "WARNING", "handlers": [], "propagate": True}  # their warnings still reach the root
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": RedactPersonalData}},
        "formatters": {"dibao": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "dibao",
                "filters": ["redact"],
            }
        },
        "root": {"level": "DEBUG" if debug else "WARNING", "handlers": ["stderr"]},
        "loggers": {
            "dibao": {"level": "DEBUG" if debug else "INFO", "handlers": [], "propagate": True},
            "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            "werkzeug": quiet,
            "gunicorn.access": quiet,
        },
    }


def configure(settings: Settings, *, debug: bool = False) -> None:
    logging.config.dictConfig(logging_config(settings, debug=debug))
    logging.captureWarnings(True)  # a library's warning becomes a log line in the same format
