"""SMS through a gateway over HTTP: a small adapter, so any provider can sit behind a thin proxy that
speaks this. One POST of JSON {to, text, idempotency_key} with `Authorization: Bearer <token>` and an
`Idempotency-Key` header (the gateway drops a repeat of a send whose outcome we lost); any 2xx is sent,
anything else — redirects included, since a POST is never followed — raises DeliveryFailed with the
status and the start of the body."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from engine.delivery import DeliveryFailed
from engine.domain.contacts import mobile_problem
from engine.settings import Settings

_BODY_SHOWN = 200


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # urllib then raises HTTPError with the 3xx status


_opener = urllib.request.build_opener(_NoRedirect)


def send_sms(settings: Settings, to: str, text: str, idempotency_key: str) -> None:
    if not settings.sms_url:
        raise DeliveryFailed("短信发送未配置：DIBAO_SMS_URL 为空")
    if problem := mobile_problem(to):
        raise DeliveryFailed(problem, permanent=True)
    payload = json.dumps({"to": to, "text": text, "idempotency_key": idempotency_key}, ensure_ascii=False)
    headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": idempotency_key}
    if settings.sms_token:
        headers["Authorization"] = f"Bearer {settings.sms_token}"
    request = urllib.request.Request(settings.sms_url, data=payload.encode("utf-8"), headers=headers, method="POST")  # noqa: S310 - the URL is the configured http(s) gateway
    try:
        with _opener.open(request, timeout=settings.delivery_timeout_seconds) as response:
            status = response.status
            body = response.read(_BODY_SHOWN)
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"短信网关返回 {exc.code}：{_shown(exc.read(_BODY_SHOWN))}") from exc
    except (urllib.error.URLError, OSError) as exc:  # refused, unreachable, timed out
        reason = getattr(exc, "reason", exc)
        raise DeliveryFailed(f"无法连接短信网关 {settings.sms_url}：{reason}"[:500]) from exc
    if not 200 <= status < 300:
        raise DeliveryFailed(f"短信网关返回 {status}：{_shown(body)}")


def _shown(body: bytes) -> str:
    return body[:_BODY_SHOWN].decode("utf-8", "replace").strip() or "（无内容）"
