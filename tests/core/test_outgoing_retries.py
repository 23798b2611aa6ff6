"""The outgoing queue's retries (issue 24, finding 9): a refused email is tried again after a
delay that doubles (5 minutes, 10, 20… at most 6 hours), each attempt counted, for about two
days before it is given up; it is never sent twice."""

from __future__ import annotations

from datetime import timedelta

from kit.mails import queued_mails

from app.core.mail import compose
from app.core.outgoing import (
    LONGEST_DELAY,
    MAX_ATTEMPTS,
    OutgoingMail,
    retry_delay,
    send_pending,
)
from app.db import utcnow


def test_the_delay_doubles_up_to_six_hours_and_the_attempts_last_about_two_days():
    assert [retry_delay(n) for n in (1, 2, 3)] == [
        timedelta(minutes=5),
        timedelta(minutes=10),
        timedelta(minutes=20),
    ]
    assert retry_delay(30) == LONGEST_DELAY == timedelta(hours=6)
    span = sum((retry_delay(n) for n in range(1, MAX_ATTEMPTS)), timedelta())
    assert timedelta(days=1) < span < timedelta(days=3)


def test_a_refused_mail_waits_its_delay_counts_its_attempts_and_is_given_up_at_last(
    app, session, smtp
):
    with app.test_request_context("/"):
        message = compose("lente@exemple.fr", "Patience", "reset_password", user=None, url="x")
    session.add(OutgoingMail(message=bytes(message)))
    session.commit()
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 9  # nothing listens there
    now = utcnow()
    assert send_pending(session, now).failed == 1
    (mail,) = queued_mails(session)
    assert (mail.status, mail.attempts) == ("pending", 1)
    assert send_pending(session, now + timedelta(minutes=4)).waiting == 1  # not yet
    for attempt in range(2, MAX_ATTEMPTS + 1):
        now += LONGEST_DELAY
        assert send_pending(session, now).failed == 1, attempt
    (mail,) = queued_mails(session)
    assert (mail.status, mail.attempts) == ("failed", MAX_ATTEMPTS)
    app.config["MAIL_PORT"] = port
    assert send_pending(session, now + LONGEST_DELAY).sent == 0
    assert smtp.messages == []
