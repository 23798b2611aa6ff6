"""The pages of real data, in a browser at a phone's width, with and without JavaScript (axe
clean in the JavaScript pass): a childminder's page pointing to the relais petite enfance, an
imported crèche's page with its eligibility zone and where its information comes from, and a
search from a commune outside the zone (the reserved crèche last, with its note)."""

from accessibility import BLOCKING, axe_source, run_axe
from kit.browser import assert_no_horizontal_overflow
from kit.factories import make_offer

from app.directory.models import OfferKind, Structure, StructureKind
from app.search import get_index


def world(session):
    make_offer(
        session,
        title="Relais petite enfance Toulon centre",
        kind=OfferKind.RELAIS_PETITE_ENFANCE,
        address="2 rue Revel",
        contact_phone="04 99 00 22 33",
        slots=[],
    )
    nanny = make_offer(
        session,
        title="Sophie M., assistante maternelle",
        kind=OfferKind.ASSISTANT_MATERNEL,
        structure=Structure(name="Sophie Martin", kind=StructureKind.PARTICULIER),
        contact_public=False,
    )
    creche = make_offer(
        session,
        title="Crèche Les P’tites Mamans",
        eligible_communes=["83137", "83126"],
        provenance={
            "capacity": {"source": "liste des EAJE (Caf)", "date": "2026-11-20"},
            "contact_phone": {"source": "data·inclusion (monenfant)", "date": "2026-11-03"},
        },
        capacity=30,
        contact_phone="04 99 00 11 22",
    )
    make_offer(session, title="Multi-accueil ouvert à tous", code_insee="83144")
    get_index().sync(session)
    return nanny, creche


def audit(page):
    if not page.js_enabled:  # axe runs in the page: the no-JS pass checks what a person reads
        return
    violations = [v for v in run_axe(page, axe_source()) if v["impact"] in BLOCKING]
    assert violations == [], violations
    assert_no_horizontal_overflow(page)


def test_real_data_pages_read_well_and_pass_axe(page, live_server, session):
    nanny, creche = world(session)
    page.goto(f"{live_server}/offre/{nanny.id}")
    relais = page.get_by_role("region", name="Le relais petite enfance")
    assert "Relais petite enfance Toulon centre" in relais.inner_text()
    audit(page)

    page.goto(f"{live_server}/offre/{creche.id}")
    body = page.inner_text("main").replace("\u202f", " ").replace("\u00a0", " ")
    assert "Réservé aux habitants de La Seyne-sur-Mer et de Toulon." in body
    assert "Capacité : liste des EAJE (Caf), mis à jour le 20 novembre 2026" in body
    audit(page)

    page.goto(f"{live_server}/recherche?lieu=83144")
    text = page.inner_text("main").replace("\u202f", " ").replace("\u00a0", " ")
    assert text.index("ouvert à tous") < text.index("Les P’tites Mamans")
    assert "votre commune n’en fait pas partie" in text
    audit(page)
