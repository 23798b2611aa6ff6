"""axe-core in the browser tests: the npm package (pinned in package.json, installed by
``npm ci`` into node_modules/, which ``make test`` does) is evaluated in the page through the
DevTools protocol, so the site's CSP needs no exception for it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.1 A and AA (what the RGAA maps to), plus axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = {"serious", "critical"}


def axe_source() -> str:
    if not AXE.exists():
        message = (
            f"axe-core is not installed ({AXE}): run `npm ci` at the repository root"
            " (`make test` does)"
        )
        if os.environ.get("PASSERELLE_REQUIRE_AXE"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text()


def installed_version() -> str:
    return json.loads((AXE.parent / "package.json").read_text())["version"]


def run_axe(page, source: str) -> list[dict]:
    """The violations of the page as it is now: [{id, impact, help, targets}]."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    result = page.evaluate(
        (
            "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: "
            "['violations']})"
        ),
        TAGS,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [" ".join(map(str, n["target"])) for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
