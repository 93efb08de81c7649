"""Sending one message out of the system: email over SMTP (email.py) and SMS through an HTTP gateway
(sms.py). No database and no workflow here: engine.services.notification_delivery decides what is due,
claims it and records the outcome; these modules only send, or raise DeliveryFailed saying why."""

from __future__ import annotations


class DeliveryFailed(Exception):
    """A send that did not (certainly) happen; `message` is Chinese and is kept as the delivery's last error.
    `permanent`: trying again cannot help (a malformed address), so the delivery is dead-lettered at once."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
