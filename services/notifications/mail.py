"""Hand email to the SMTP server, or write it to the log when mail is off.

Only the outbox deliverer (services/notifications/outbox.py) calls this: a request or a sweep queues mail, it
never sends it.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 15


class DeliveryError(Exception):
    """A message was not accepted; `permanent` when trying again cannot help (the recipient was refused)."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


def message_id(settings: Mapping, key: str) -> str:
    """Return the Message-ID of an outbox message: the same on every attempt, so receivers can de-duplicate."""
    domain = str(settings.get("MAIL_FROM") or "").rpartition("@")[2].strip("<> ") or "pathway"
    return f"<outbox.{key}@{domain}>"


def build_message(settings: Mapping, *, to: str, subject: str, body: str, key: str) -> EmailMessage:
    """Return a plain-text message from the configured sender."""
    message = EmailMessage()
    message["From"] = settings["MAIL_FROM"]
    message["To"] = to
    # Header injection: a subject is one line, whatever it was built from.
    message["Subject"] = " ".join(str(subject).split())
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id(settings, key)
    message.set_content(body)
    return message


def log_mail(message: EmailMessage) -> None:
    """Write a message to the log instead of sending it (mail is off)."""
    log.info("Mail (not sent: mail is off) to %s: %s\n%s", message["To"], message["Subject"],
             message.get_content())


class SmtpSession:
    """One connection to the SMTP server for a delivery run, opened on first use and reused.

    When the server cannot be reached, every later message of the run fails at once with the same error:
    an unreachable server costs one connection timeout per run, not one per message.
    """

    def __init__(self, settings: Mapping):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self.unreachable: str = ""

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        try:
            smtp = smtplib.SMTP(settings["MAIL_HOST"], int(settings["MAIL_PORT"]), timeout=SMTP_TIMEOUT_SECONDS)
            try:
                if settings.get("MAIL_USE_TLS"):
                    smtp.starttls(context=ssl.create_default_context())
                if settings.get("MAIL_USERNAME"):
                    smtp.login(settings["MAIL_USERNAME"], settings.get("MAIL_PASSWORD", ""))
            except BaseException:
                smtp.close()
                raise
        except smtplib.SMTPException as exc:  # TLS or sign-in refused: the settings need changing
            self.unreachable = f"The mail server could not be reached or refused the mail settings: {exc}"
            raise DeliveryError(self.unreachable) from exc
        except OSError as exc:
            self.unreachable = f"The mail server could not be reached: {exc}"
            raise DeliveryError(self.unreachable) from exc
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server, or raise DeliveryError."""
        if self.unreachable:
            raise DeliveryError(self.unreachable)
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryError(f"The mail server refused the address: {exc.recipients}",
                                permanent=all(code >= 500 for code in codes)) from exc
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code == 421:  # the server closes the connection; the next message opens a new one
                self.close()
            raise DeliveryError(f"The mail server answered {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            # The connection broke mid-way: drop it; the next message tries a fresh one.
            self.close()
            raise DeliveryError(f"The connection to the mail server failed: {exc}") from exc

    def close(self) -> None:
        """Say goodbye to the server if connected."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
