"""The durable queue of the emails a request owes (:class:`OutgoingMail` rows), sent *after*
the response, so that no answer waits for the mail server and none takes a different time
whether an email goes out or not (no account enumeration by timing, issue 24).

A view renders the message with :func:`queue_mail` inside its transaction; the row exists only
if the transaction commits. Once the response is made, the ids the request committed are handed
to this process's sender thread (``MAIL_SEND_IN_BACKGROUND``, on from the environment), or sent
at once before the response leaves (off in a bare ``Settings()``: the tests read the mailbox
right after a request). A refused send stays « pending »; ``flask mail send-pending`` (cron,
every few minutes) retries it after a growing delay (:func:`retry_delay`: 5 minutes, doubling,
at most 6 hours; about two days in all), up to :data:`MAX_ATTEMPTS`, and takes back the mails
of a process that died while sending. Each send is claimed by one conditional UPDATE, so two
processes never send the same row.

The rendered message (with its link) is kept only until it is sent: then its body is blanked.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.parser import BytesParser

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import DateTime, Integer, LargeBinary, String, delete, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core.mail import MailError, compose, deliver, mail_context
from app.db import Base, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12
#: The delay before the first retry; it doubles at each failure, up to :data:`LONGEST_DELAY`.
FIRST_DELAY = timedelta(minutes=5)
LONGEST_DELAY = timedelta(hours=6)
#: A mail « sending » for longer than this belongs to a process that died: it is sent again.
STALE_AFTER = timedelta(minutes=10)
#: Sent mails (their body already blanked) and given-up ones are deleted after this.
KEEP_SENT = timedelta(days=30)


def retry_delay(attempts: int) -> timedelta:
    """How long after its last attempt a mail refused ``attempts`` times is tried again."""
    if attempts <= 0:
        return timedelta(0)
    return min(FIRST_DELAY * 2 ** min(attempts - 1, 20), LONGEST_DELAY)


class OutgoingMail(Base):
    """An email owed by a committed change, sent after the response; retried when refused."""

    __tablename__ = "outgoing_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    message: Mapped[bytes] = mapped_column(LargeBinary)  # the whole message; b"" once sent
    status: Mapped[str] = mapped_column(
        String(20), default="pending", index=True
    )  # pending, sending, sent, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # When the last attempt began: the next one waits retry_delay(attempts) from there.
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


def queue_mail(
    session: Session,
    to: str,
    subject: str,
    template: str,
    extra_headers: dict[str, str] | None = None,
    **context,
) -> None:
    """Render ``templates/emails/<template>`` now and queue it in the caller's transaction; it
    is sent after the response (or by ``flask mail send-pending``) once that is committed.
    Outside a request (a command), the templates render in one on ``PUBLIC_URL``."""
    with mail_context():
        message = compose(to, subject, template, extra_headers, **context)
    mail = OutgoingMail(message=bytes(message))
    session.add(mail)
    session.flush()
    session.info.setdefault(_UNCOMMITTED, []).append(mail.id)


_UNCOMMITTED = "outgoing_mails_uncommitted"


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    """Only committed mails are handed to the sender, after the request's response."""
    ids = session.info.pop(_UNCOMMITTED, None)
    if ids and has_request_context():
        g.setdefault("outgoing_mail_ids", []).extend(ids)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_UNCOMMITTED, None)


def _claim(session: Session, mail_id: int, now: datetime) -> OutgoingMail | None:
    claimed = session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == mail_id, OutgoingMail.status == "pending")
        .values(status="sending", claimed_at=now)
    )
    session.commit()
    if getattr(claimed, "rowcount", 0) != 1:
        return None  # not committed, sent already, or another process has it
    return session.get(OutgoingMail, mail_id)


def send_one(session: Session, mail_id: int) -> bool | None:
    """Send one pending mail: True sent, False refused (kept for a retry), None not ours."""
    mail = _claim(session, mail_id, utcnow())
    if mail is None:
        return None
    message = BytesParser(policy=policy.default).parsebytes(mail.message)
    mail.attempts += 1
    try:
        deliver(message)
    except MailError as error:
        # The class of the failure only: a server's message may quote the address.
        mail.last_error = type(error.__cause__ or error).__name__[:200]
        mail.status = "failed" if mail.attempts >= MAX_ATTEMPTS else "pending"
        log.warning("mail %s not sent (attempt %s)", mail.id, mail.attempts)
        session.commit()
        return False
    mail.status, mail.sent_at, mail.message = "sent", utcnow(), b""
    session.commit()
    return True


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    waiting: int = 0  # refused before, not yet due for another try


def send_pending(session: Session, now: datetime | None = None) -> SendReport:
    """Every pending mail whose retry delay is over (and those of a process that died while
    sending); sent and given-up rows older than :data:`KEEP_SENT` go."""
    now = now or utcnow()
    session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.status == "sending", OutgoingMail.claimed_at < now - STALE_AFTER)
        .values(status="pending")
    )
    session.execute(
        delete(OutgoingMail).where(
            OutgoingMail.status.in_(("sent", "failed")), OutgoingMail.created_at < now - KEEP_SENT
        )
    )
    session.commit()
    report = SendReport()
    pending = session.execute(
        select(OutgoingMail.id, OutgoingMail.attempts, OutgoingMail.claimed_at)
        .where(OutgoingMail.status == "pending")
        .order_by(OutgoingMail.id)
    ).all()
    for mail_id, attempts, last_try in pending:
        if attempts and last_try is not None and now < last_try + retry_delay(attempts):
            report.waiting += 1
            continue
        outcome = send_one(session, mail_id)
        if outcome is True:
            report.sent += 1
        elif outcome is False:
            report.failed += 1
    return report


def _send_ids(app: Flask, ids: list[int]) -> None:
    with app.app_context():
        session: Session = app.extensions["db_sessionmaker"]()
        try:
            for mail_id in ids:
                send_one(session, mail_id)
        except Exception:  # never lose the process for a mail: the command retries
            log.exception("queued mails not sent")
        finally:
            session.close()


class Sender:
    """One thread per process sending the mails the requests queued, in order."""

    def __init__(self, app: Flask):
        self.app = app
        self.pid = os.getpid()
        self.queue: queue.Queue[list[int]] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="mail-sender", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            ids = self.queue.get()
            try:
                _send_ids(self.app, ids)
            finally:
                self.queue.task_done()

    def submit(self, ids: list[int]) -> None:
        self.queue.put(ids)

    def join(self) -> None:
        """Wait until every submitted mail was tried (tests)."""
        self.queue.join()


_sender_lock = threading.Lock()


def sender(app: Flask) -> Sender:
    """This process's sender (a new one after a fork: threads do not survive it)."""
    with _sender_lock:
        current = app.extensions.get("mail_sender")
        if current is None or current.pid != os.getpid():
            current = app.extensions["mail_sender"] = Sender(app)
        return current


def init_app(app: Flask) -> None:
    @app.after_request
    def _send_after_response(response):
        ids = g.pop("outgoing_mail_ids", None)
        if ids:
            real_app = current_app._get_current_object()  # type: ignore[attr-defined]
            if real_app.config.get("MAIL_SEND_IN_BACKGROUND"):
                sender(real_app).submit(ids)
            else:
                _send_ids(real_app, ids)
        return response
