"""Cost of the French typography of every HTML response (app.core.french.typeset_html, run by
app.core.filters after each page is rendered): milliseconds per page for a few pages of the
demo data.

Usage: python bench/bench_typography.py [--offers 300] [--rounds 200]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's app/

PAGES = ["/recherche?lieu=Toulon&rayon=30", "/", "/estimer-mes-aides", "/accessibilite"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    from app import create_app, migrate
    from app.cli import load_demo, rebuild_index
    from app.config import Settings
    from app.core.french import typeset_html

    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.db'}"
    migrate.upgrade(url)
    app = create_app(
        Settings(
            DATABASE_URL=url,
            SECRET_KEY="bench",
            SEARCH_INDEX_DIR=str(folder / "index"),
            MAIL_OUTBOX=str(folder / "mail"),
            MAIL_OUTBOX_PAGE=True,
            PAGE_SIZE=20,
        )
    )
    with app.app_context():
        load_demo(args.offers, 2022, echo=lambda *a, **k: None)
        rebuild_index(echo=lambda *a, **k: None)
    client = app.test_client()
    for page in PAGES:
        html = client.get(page).get_data(as_text=True)
        started = time.perf_counter()
        for _ in range(args.rounds):
            typeset_html(html)
        ms = (time.perf_counter() - started) / args.rounds * 1000
        print(f"{page:40} {len(html) / 1024:6.1f} Kio  {ms:5.2f} ms")


if __name__ == "__main__":
    main()
