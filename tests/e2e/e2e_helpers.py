"""Helpers of the browser tests."""

from pathlib import Path

RESULTS = Path(__file__).resolve().parents[2] / "test-results"
PHONE = {"width": 390, "height": 844}


def screenshot(page, name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    suffix = "js" if page.js_enabled else "nojs"
    page.screenshot(path=str(RESULTS / f"{name}-{suffix}.png"), full_page=True)


def assert_no_horizontal_overflow(page) -> None:
    if page.js_enabled:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"page is {width}px wide at a {PHONE['width']}px viewport"


def last_link_sent_to(app, address: str) -> str:
    """The path of the first link in the newest email to ``address`` (the app's .eml outbox)."""
    import re
    from email import policy
    from email.parser import BytesParser
    from urllib.parse import urlsplit

    outbox = Path(app.config["MAIL_OUTBOX"])
    for path in sorted(outbox.glob("*.eml"), reverse=True):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        if address in message["To"]:
            text = message.get_body(preferencelist=("plain",)).get_content()
            return urlsplit(re.search(r"https?://\S+", text).group(0)).path
    raise AssertionError(f"no email to {address}")
