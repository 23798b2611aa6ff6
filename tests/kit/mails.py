"""Emails as a person reads them: a real local SMTP server keeping what it receives, the app's
.eml outbox (when no SMTP server is set), the text of a message and the link it holds."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit


class SmtpSink:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) keeping the messages it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def last_to(self, address):
        found = [m for m in self.messages if address in m["To"]]
        assert found, f"no email to {address}: {[m['To'] for m in self.messages]}"
        return found[-1]

    @staticmethod
    def text(message):
        return text_of_mail(message)


def text_of_mail(message: EmailMessage) -> str:
    """The plain-text body of an email."""
    return message.get_body(preferencelist=("plain",)).get_content()


def readable(text: str) -> str:
    """An email's subject or body as read: no-break spaces as spaces, one kind of line break."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\r\n", "\n")


def link_in(message_text: str) -> str:
    """The path (and query, if any) of the first link of an email."""
    parts = urlsplit(re.search(r"https?://\S+", message_text).group(0))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def last_mail_to(app, address: str) -> EmailMessage:
    """The newest email to ``address`` in the app's .eml outbox."""
    outbox = Path(app.config["MAIL_OUTBOX"])
    for path in sorted(outbox.glob("*.eml"), reverse=True):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if address in message["To"]:
            return message
    raise AssertionError(f"no email to {address}")


def last_link_sent_to(app, address: str) -> str:
    """The first link in the newest email to ``address`` in the app's .eml outbox."""
    return link_in(text_of_mail(last_mail_to(app, address)))
