"""The real servers delivery is tested against: an aiosmtpd SMTP server and a small SMS gateway
(http.server), both on 127.0.0.1, started and stopped by the test; and what they received."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

SENDER = "dibao@example.org"


def free_port() -> int:
    """A port nothing listens on (closed again at once): an unreachable server, or one to start later."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Mailbox:
    """What the SMTP server accepted: (envelope recipients, parsed message), in order."""

    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        raw = envelope.original_content or b""
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [m for _, m in self.received]


def _authenticator(user: str, password: str) -> Any:
    def check(server: Any, session: Session, envelope: Envelope, mechanism: str, auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            user.encode(),
            password.encode(),
        )
        return AuthResult(success=ok)

    return check


@contextmanager
def smtp_server(port: int | None = None, login: tuple[str, str] | None = None) -> Iterator[tuple[int, Mailbox]]:
    """A real SMTP server (no TLS; with `login`, AUTH is required) on `port` or a free one."""
    mailbox, port = Mailbox(), port or free_port()
    kwargs: dict[str, Any] = {}
    if login is not None:
        kwargs = {
            "authenticator": _authenticator(*login),
            "auth_required": True,
            "auth_require_tls": False,
        }
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port, mailbox
    finally:
        controller.stop()


@dataclass
class Gateway:
    """What the SMS gateway received, and the status it answers with."""

    status: int = 200
    reply: bytes = b'{"ok": true}'
    requests: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)


@contextmanager
def sms_gateway() -> Iterator[tuple[str, Gateway]]:
    gateway = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            gateway.requests.append((dict(self.headers.items()), json.loads(body)))
            self.send_response(gateway.status)
            self.send_header("Content-Length", str(len(gateway.reply)))
            self.end_headers()
            self.wfile.write(gateway.reply)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/send", gateway
    finally:
        server.shutdown()
        server.server_close()
