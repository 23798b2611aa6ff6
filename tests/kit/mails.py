"""Emails as a person reads them: a real local SMTP server keeping what it receives, the app's
.eml outbox (when no SMTP server is set), the text of a message and the link it holds."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

from kit.pages import typography_faults


class SmtpSink:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) keeping the messages it receives, and the
    French typography faults of each (subject and text, :func:`kit.pages.typography_faults`):
    the ``smtp`` fixture fails a test whose emails have any."""

    def __init__(self):
        self.messages = []
        self.typography_faults: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        for fault in typography_faults(f"{message['Subject']}\n{text_of_mail(message)}"):
            self.typography_faults.append(f"{message['Subject']}: {fault}")
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


def retries_due(session) -> None:
    """Date the last attempt of every refused, queued email back beyond the longest retry delay:
    the next ``flask mail send-pending`` tries them again (the command reads the real clock)."""
    from sqlalchemy import update

    from app.core.outgoing import LONGEST_DELAY, OutgoingMail
    from app.db import utcnow

    session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.status == "pending", OutgoingMail.attempts > 0)
        .values(claimed_at=utcnow() - LONGEST_DELAY)
    )
    session.commit()


class HungSmtpServer:
    """A mail server that takes connections and never says a word, until :meth:`recover`:
    then the waiting connections are reset (the sends fail) and it is gone."""

    def __init__(self):
        import socket

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]

    def recover(self) -> None:
        self.socket.close()


def queued_mails(session) -> list:
    """The app's outgoing mails, oldest first, as the database has them now."""
    from sqlalchemy import select

    from app.core.outgoing import OutgoingMail

    session.expire_all()
    return session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()


def hang_then_recover(app, session, smtp, act) -> list:
    """Run ``act()`` (a request that owes emails) with the sender thread on and a mail server
    that hangs; check that the response came while the sends were still waiting (no attempt
    counted yet: a send inside the request would have timed out first), then let the server
    fail, then recover, and send the queue: each email arrives exactly once. Returns them."""
    from app.core.outgoing import sender

    app.config["MAIL_SEND_IN_BACKGROUND"] = True
    port, hung = app.config["MAIL_PORT"], HungSmtpServer()
    app.config["MAIL_PORT"] = hung.port
    before = len(smtp.messages)
    try:
        act()
        waiting = queued_mails(session)
        assert waiting, "no email queued"
        assert all(m.attempts == 0 and m.status in ("pending", "sending") for m in waiting)
    finally:
        hung.recover()
    sender(app).join()
    failed = queued_mails(session)
    assert [(m.status, m.attempts) for m in failed] == [("pending", 1)] * len(failed)
    assert len(smtp.messages) == before
    app.config["MAIL_PORT"] = port
    retries_due(session)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["mail", "send-pending"])
    assert f"Courriels : {len(failed)} envoyé(s), 0 en échec" in result.output, result.output
    assert "Courriels : 0 envoyé(s)" in runner.invoke(args=["mail", "send-pending"]).output
    assert [m.status for m in queued_mails(session)] == ["sent"] * len(failed)
    return smtp.messages[before:]
