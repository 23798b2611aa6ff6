"""Sending email: SMTP when ``MAIL_SERVER`` is set, otherwise one ``.eml`` file per message in
``MAIL_OUTBOX`` (the embedded default), listed on the dev-only page ``/dev/courriels``.

Every email of the app is queued (:mod:`app.core.outgoing`) in the transaction of the change
that causes it, sent after the response and retried when the server refuses it: no answer waits
for the mail server. :func:`send_mail` (at once) is left for commands and tests.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import smtplib
import ssl
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    has_request_context,
    render_template,
    request,
    url_for,
)
from jinja2 import TemplateNotFound

from app.core.french import typeset_html, typography

log = logging.getLogger(__name__)
bp = Blueprint("mail", __name__)


class MailError(RuntimeError):
    """The message could not be handed to the mail server."""


def build_message(to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["Message-ID"] = make_msgid(domain="passerelle.localhost")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def compose(
    to: str,
    subject: str,
    template: str,
    extra_headers: dict[str, str] | None = None,
    **context,
) -> EmailMessage:
    """Render ``templates/emails/<template>.txt`` (and ``.html`` if present) into a message,
    in French typography like the pages (:func:`app.core.french.typography`). ``extra_headers``
    are added as they are (``List-Unsubscribe``, RFC 2369 and 8058)."""
    text = render_template(f"emails/{template}.txt", subject=subject, **context)
    try:
        html = typeset_html(render_template(f"emails/{template}.html", subject=subject, **context))
    except TemplateNotFound:  # plain text only
        html = None
    message = build_message(to, typography(subject, ours=False), typography(text, ours=False), html)
    for name, value in (extra_headers or {}).items():
        message[name] = value
    return message


def send_mail(to: str, subject: str, template: str, **context) -> EmailMessage:
    """Render and send now (inside the request: prefer :func:`app.core.outgoing.queue_mail`,
    which sends after the response)."""
    message = compose(to, subject, template, **context)
    deliver(message)
    return message


def deliver(message: EmailMessage) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        _write_to_outbox(message, Path(config["MAIL_OUTBOX"]))
        return
    try:
        if config.get("MAIL_SSL"):
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                config["MAIL_SERVER"],
                config["MAIL_PORT"],
                timeout=10,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10)
        with smtp:
            if config.get("MAIL_STARTTLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        # Not the error's text: a refused recipient's address would land in the logs.
        log.warning("mail not sent (%s %s)", type(error).__name__, getattr(error, "smtp_code", ""))
        raise MailError(str(error)) from error


_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def _write_to_outbox(message: EmailMessage, outbox: Path) -> None:
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    name = _SAFE.sub("_", f"{stamp}-{message['To']}")[:120] + ".eml"
    (outbox / name).write_bytes(bytes(message))


def _outbox() -> Path:
    """The outbox folder, for the page only: served by the embedded server of ``python3 -m app``
    (MAIL_OUTBOX_PAGE, never set by the environment) without a mail server, to a client on this
    machine that no proxy forwarded; anyone else gets a 404 (a reset link read there would hand
    over any account)."""
    config = current_app.config
    if (
        not config.get("MAIL_OUTBOX_PAGE")
        or config.get("MAIL_SERVER")
        or config.get("PASSERELLE_ENV") == "production"
        or not _is_loopback(request.remote_addr)
        or any(name in request.headers for name in FORWARDING_HEADERS)
    ):
        abort(404)
    return Path(config["MAIL_OUTBOX"])


FORWARDING_HEADERS = ("X-Forwarded-For", "X-Real-Ip", "Forwarded")


def _is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


@bp.get("/dev/courriels")
def outbox_list():
    """Dev only: the emails the embedded default wrote instead of sending them."""
    folder = _outbox()
    items = []
    for path in sorted(folder.glob("*.eml"), reverse=True)[:100]:
        parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        items.append(
            {
                "name": path.name,
                "to": parsed["To"],
                "subject": parsed["Subject"],
                "date": parsed["Date"],
            }
        )
    return render_template("dev/outbox.html", items=items)


@bp.get("/dev/courriels/<name>")
def outbox_message(name: str):
    folder = _outbox()
    if _SAFE.sub("_", name) != name or not name.endswith(".eml"):
        abort(404)
    path = folder / name
    if not path.is_file():
        abort(404)
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    body = parsed.get_body(preferencelist=("plain",))
    return render_template(
        "dev/message.html", message=parsed, text=body.get_content() if body else ""
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def mail_context() -> AbstractContextManager:
    """A request on ``PUBLIC_URL`` for emails rendered outside one (a command): links and
    templates as in a request. Inside a request, nothing more. Wrap a loop of many emails in
    one, rather than paying one per link."""
    if has_request_context():
        return nullcontext()
    return current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"])


def absolute_url(endpoint: str, **values) -> str:
    """An absolute link for an email, always on PUBLIC_URL (set by the configuration, or by
    ``python3 -m app`` to its own address): never on the request's Host or X-Forwarded-Host,
    which an attacker chooses."""
    base = current_app.config["PUBLIC_URL"]
    if has_request_context():
        return f"{base}{url_for(endpoint, **values)}"
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)
