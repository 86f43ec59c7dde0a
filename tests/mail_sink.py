"""An SMTP sink on 127.0.0.1 for tests: the only place test mail can go."""

from __future__ import annotations

import email
import email.policy
import threading

from aiosmtpd.controller import Controller

from storage.embedded import free_port


class Sink:
    """Collect every message the SMTP server receives."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self._lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"


class SinkServer:
    """A sink on a fixed loopback port that can be started and stopped (a mail server outage)."""

    def __init__(self):
        self.sink = Sink()
        self.port = free_port()
        self._controller = None

    def start(self) -> None:
        """Start listening."""
        self._controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening: connections are refused from now on."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self, **overrides) -> dict:
        """Return mail settings that point at this sink."""
        return {"MAIL_ENABLED": True, "MAIL_HOST": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_USE_TLS": False,
                "MAIL_USERNAME": "", "MAIL_PASSWORD": "", "MAIL_FROM": "pathway@example.org",
                "BASE_URL": "https://pathway.example", "HOLIDAY_REGION": "england_wales", **overrides}

    @property
    def messages(self) -> list:
        """Return the messages received so far."""
        return self.sink.messages
