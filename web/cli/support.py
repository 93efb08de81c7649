"""What every `dibao` command shares: the engine context with errors turned into Chinese messages and exit
codes (no stack trace reaches the user), JSON output, the --as option, and reading a JSON data file."""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from engine.context import Context
from engine.errors import BundleInvalid, DibaoError, InvalidData

log = logging.getLogger("dibao.cli")


def json_default(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def print_json(value: Any) -> None:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    elif isinstance(value, list):
        value = [dataclasses.asdict(v) if dataclasses.is_dataclass(v) and not isinstance(v, type) else v for v in value]
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=json_default))


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


@contextmanager
def cli_context() -> Iterator[Context]:
    ctx = Context.from_settings()
    try:
        yield ctx
    except BundleInvalid as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        fail(f"共 {len(exc.problems)} 个问题，未做任何更改")
    except InvalidData as exc:
        click.echo(exc.message, err=True)
        for field, messages in exc.fields.items():
            for message in messages:
                click.echo(f"  {field}: {message}", err=True)
        fail("未做任何更改")
    except DibaoError as exc:
        fail(f"错误（{exc.code}）：{exc.message}")
    except Exception:
        # The trace goes to the log, not the user (DIBAO_DEBUG=1 shows it).
        log.exception("unexpected error")
        fail("内部错误：请查看日志，或确认已运行 dibao init")
    finally:
        ctx.close()


def as_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--as", "username", required=True, help="以该用户身份操作")(func)


def read_data(path: str) -> dict[str, Any]:
    """The JSON object in the file at `path` (`-`: standard input); a Chinese message and exit 1 otherwise."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"无法读取数据文件 {path}：{exc}")
    except json.JSONDecodeError as exc:
        fail(f"数据文件 {path} 不是合法的 JSON：第 {exc.lineno} 行 {exc.msg}")
    if not isinstance(data, dict):
        fail(f"数据文件 {path} 必须是 JSON 对象")
    return data
