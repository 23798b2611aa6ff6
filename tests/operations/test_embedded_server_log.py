"""The embedded server (``python3 -m app``) logs a malformed request without the client's
address or what was sent (issue 24, finding 11, in part): werkzeug's own lines would carry both."""

from __future__ import annotations

import logging
import socket
import threading

from werkzeug.serving import make_server

from app.__main__ import QuietRequestHandler


def test_a_malformed_request_is_logged_without_address_or_content(app, caplog):
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with (
            caplog.at_level(logging.INFO, logger="werkzeug"),
            socket.create_connection(("127.0.0.1", server.server_port), timeout=5) as sock,
        ):
            sock.sendall(b"GET /?courriel=amina.k@exemple.fr HTTP/9.9 extra\r\n\r\n")
            answer = sock.recv(1024)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
    assert answer.startswith(b"HTTP/1.0 400") or b" 400 " in answer.split(b"\r\n")[0]
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert any("malformed request refused (code 400)" in line for line in lines), lines
    logged = "\n".join(lines)
    assert "127.0.0.1" not in logged and "amina" not in logged


def test_the_embedded_handler_keeps_the_client_address_for_the_outbox_page(app):
    """Hiding the address from the log must not hide it from the app: the outbox page is served
    to this machine's clients only, and werkzeug builds REMOTE_ADDR from the handler."""
    app.config.update(MAIL_OUTBOX_PAGE=True, MAIL_SERVER="")
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=5) as sock:
            sock.sendall(
                b"GET /dev/courriels HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            )
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
    assert answer.split(b"\r\n")[0].endswith(b"200 OK"), answer[:200]
    assert "<h1>Courriels envoyés (développement)</h1>".encode() in answer
