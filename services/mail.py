"""Send email over SMTP, or write it to the log when mail is off."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 15


def build_message(settings: Mapping, *, to: str, subject: str, body: str) -> EmailMessage:
    """Return a plain-text message from the configured sender."""
    message = EmailMessage()
    message["From"] = settings["MAIL_FROM"]
    message["To"] = to
    # Header injection: a subject is one line, whatever it was built from.
    message["Subject"] = " ".join(str(subject).split())
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=str(settings["MAIL_FROM"]).rpartition("@")[2] or "pathway")
    message.set_content(body)
    return message


def send_mail(settings: Mapping, *, to: str, subject: str, body: str) -> bool:
    """Send one email; return whether it was handed to the SMTP server (False when only logged or failed)."""
    if not settings.get("MAIL_ENABLED"):
        log.info("Mail (not sent: mail is off) to %s: %s\n%s", to, subject, body)
        return False
    message = build_message(settings, to=to, subject=subject, body=body)
    try:
        server = (settings["MAIL_HOST"], int(settings["MAIL_PORT"]))
        with smtplib.SMTP(*server, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if settings.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if settings.get("MAIL_USERNAME"):
                smtp.login(settings["MAIL_USERNAME"], settings.get("MAIL_PASSWORD", ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        # The in-app notification already exists; a mail server outage must not stop the sweep.
        log.warning("Could not send mail to %s (%s): %s", to, subject, exc)
        return False
    return True
