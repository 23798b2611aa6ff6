"""A parent who uses only the keyboard (Tab, Enter, Space): she skips to the content, searches
Toulon, narrows to free places and opens an offer. Every element she reaches shows where the
focus is; with htmx the count is announced (aria-live) and the focus stays where she was when
the results are swapped — with and without JavaScript."""

from __future__ import annotations

from kit.browser import screenshot
from kit.factories import make_offer

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const text = (el.textContent || '').replace(/[\u00a0\u202f]/g, ' ').trim().slice(0, 40);
  return {id: el.id, tag: el.tagName, text: text,
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
          visible: el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().left >= 0}
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUS_STYLE)


def tab_to(page, matches, limit: int = 80) -> dict:
    """Press Tab until the focused element matches; each element on the way must show a
    visible focus indicator."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        assert element is not None, "the focus left the page"
        assert element["outline"] and element["visible"], f"focus not visible on {element}"
        if matches(element):
            return element
    raise AssertionError(f"not reached with {limit} Tab presses")


def test_parent_searches_and_opens_an_offer_with_the_keyboard_alone(
    page, live_server, session, index
):
    make_offer(session, title="Multi-accueil Les Lucioles", free_places=2, offset_km=(1.0, 0.0))
    make_offer(session, title="Crèche Les Petits Pas", free_places=0, offset_km=(2.0, 0.0))
    index.sync(session)
    page.goto(f"{live_server}/recherche")

    skip = tab_to(page, lambda e: True, limit=1)
    assert skip["text"] == "Aller au contenu"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "contenu"

    tab_to(page, lambda e: e["id"] == "champ-lieu")
    page.keyboard.type("Toulon")
    page.keyboard.press("Enter")
    results = page.locator("#resultats")
    results.get_by_text("2 résultats à moins de 10 km de Toulon").wait_for()
    if page.js_enabled:
        # htmx swapped the results only: the count is announced, the focus is still in the field
        page.locator("#annonce").get_by_text("2 résultats").wait_for()
        assert focused(page)["id"] == "champ-lieu"

    if not page.js_enabled:
        # The new page shows the results first, the criteria folded: « Toulon · … Modifier ».
        tab_to(page, lambda e: e["tag"] == "SUMMARY" and e["text"].startswith("Toulon"))
        page.keyboard.press("Enter")
    tab_to(page, lambda e: e["tag"] == "SUMMARY" and e["text"].startswith("Quoi ?"))
    page.keyboard.press("Enter")  # opens « Quoi ? »
    tab_to(page, lambda e: e["id"] == "champ-places")
    page.keyboard.press("Space")
    if not page.js_enabled:
        tab_to(page, lambda e: e["tag"] == "BUTTON" and e["text"] == "Rechercher")
        page.keyboard.press("Enter")
    results.get_by_text("1 résultat à moins de 10 km de Toulon").wait_for()
    if page.js_enabled:
        page.locator("#annonce").get_by_text("1 résultat").wait_for()
        assert focused(page)["id"] == "champ-places"  # not lost when the fragment was swapped
    assert page.locator("#champ-places").is_checked()
    screenshot(page, "clavier-recherche")

    tab_to(page, lambda e: e["tag"] == "A" and e["text"] == "Multi-accueil Les Lucioles")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Multi-accueil Les Lucioles", level=1).wait_for()
