"""Saving, confirming, renewing and deleting alerts; the daily run: the change log consumed
from the alerts' cursor, the offers that appeared or gained free places matched against the
saved searches, one digest per recipient, reminders before expiry, and the purge.

Each step is one transaction; emails are queued in it (:func:`app.core.outgoing.queue_mail`)."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from app.accounts import policies
from app.accounts.models import User
from app.accounts.tokens import ALERT_CONFIRM, ALERT_LINK, fingerprint, make_token
from app.alerts import rules
from app.alerts.matching import AlertCriteria, SavedColumns, alert_criteria
from app.alerts.models import AlertMatch, AlertOfferState, SavedSearch
from app.core.mail import absolute_url, mail_context
from app.core.outgoing import queue_mail
from app.directory.criteria import ParsedCriteria, SearchCriteria
from app.directory.models import OFFER_KIND_LABELS, Offer
from app.geo import resolve_place
from app.geo.communes import Commune
from app.search.changes import ChangeCursor, changes_after, newest_change
from app.search.documents import INDEXED_STATUS, is_indexable, offer_document
from app.search.index import offers_with_relations

CURSOR = "alerts"
CHUNK = 500


class AlertLimitReached(ValueError):
    """The account or the address holds as many alerts as it may."""


# ------------------------------------------------------------------ saving


def commune_of(parsed: ParsedCriteria) -> Commune | None:
    """The commune a search is around, when it was read without error and names exactly one."""
    criteria = parsed.criteria
    if parsed.errors or not (criteria.place or criteria.code_insee):
        return None
    return resolve_place(criteria.place, criteria.code_insee).commune


def _new(criteria: SearchCriteria, commune: Commune, now: datetime) -> SavedSearch:
    kept = rules.alert_search(criteria)
    columns = alert_criteria(kept, (commune.latitude, commune.longitude))
    return SavedSearch(
        link_key=secrets.token_hex(16),
        label=rules.label(kept, commune.name),
        query=rules.page_query(kept, commune.code_insee, commune.label),
        place_label=commune.name[:120],
        latitude=columns.latitude,
        longitude=columns.longitude,
        radius_km=columns.radius_km,
        kinds_mask=columns.kinds_mask,
        flag_bits=columns.flag_bits,
        avip=columns.avip,
        age_months=columns.age_months,
        **{f"h{day}": mask for day, mask in enumerate(columns.hour_masks)},
        created_at=now,
        expires_at=rules.expires(now),
    )


def save_for_account(
    session: Session, account: User, criteria: SearchCriteria, commune: Commune, now: datetime
) -> SavedSearch:
    held = session.scalar(
        select(func.count()).select_from(SavedSearch).where(SavedSearch.account_id == account.id)
    )
    if (held or 0) >= rules.MAX_PER_ACCOUNT:
        raise AlertLimitReached(str(rules.MAX_PER_ACCOUNT))
    alert = _new(criteria, commune, now)
    alert.account_id, alert.confirmed_at = account.id, now
    session.add(alert)
    session.flush()
    return alert


def save_for_email(
    session: Session, email: str, criteria: SearchCriteria, commune: Commune, now: datetime
) -> SavedSearch | None:
    """A parent's alert, waiting for the confirmation the email queued here asks for (nothing
    else is ever sent before). None, and nothing sent, when the address holds its maximum: the
    page says the same either way (no one learns what an address has)."""
    email = email.strip().lower()
    held = session.scalar(
        select(func.count()).select_from(SavedSearch).where(SavedSearch.email == email)
    )
    if (held or 0) >= rules.MAX_PER_EMAIL:
        return None  # the same page as a success: no one learns what an address holds
    alert = _new(criteria, commune, now)
    alert.email = email
    session.add(alert)
    session.flush()
    queue_mail(
        session,
        email,
        "Confirmez votre alerte Passerelle",
        "alert_confirm",
        alert=alert,
        confirm_url=absolute_url("alerts.confirm", token=confirm_token(alert)),
        days=rules.CONFIRM_WITHIN.days,
    )
    return alert


# ------------------------------------------------------------------ signed links


def confirm_token(alert: SavedSearch) -> str:
    return make_token(ALERT_CONFIRM, {"a": alert.id, "k": fingerprint(alert.link_key)})


def link_token(alerts: Iterable[SavedSearch]) -> str:
    """One signed link for one or several alerts (a digest's « unsubscribe from all »)."""
    chosen = sorted(alerts, key=lambda a: a.id)
    return make_token(
        ALERT_LINK,
        {"a": [a.id for a in chosen], "k": [fingerprint(a.link_key)[:8] for a in chosen]},
    )


def alerts_of(session: Session, payload: dict) -> list[SavedSearch]:
    """The alerts a link's payload names that still exist with the same key."""
    ids, keys = payload.get("a"), payload.get("k")
    if isinstance(ids, int) and isinstance(keys, str):
        ids, keys = [ids], [keys]
    if not isinstance(ids, list) or not isinstance(keys, list) or len(ids) != len(keys):
        return []
    wanted = {i: k for i, k in zip(ids, keys, strict=True) if isinstance(i, int)}
    if not wanted or len(wanted) > rules.MAX_PER_ACCOUNT:
        return []
    found = session.scalars(
        select(SavedSearch).where(SavedSearch.id.in_(list(wanted))).order_by(SavedSearch.id)
    ).all()
    return [
        a
        for a in found
        if isinstance(wanted[a.id], str)
        and fingerprint(a.link_key).startswith(wanted[a.id])
        and len(wanted[a.id]) >= 8
    ]


def confirm(session: Session, alerts: list[SavedSearch], now: datetime) -> None:
    for alert in alerts:
        if alert.confirmed_at is None:
            alert.confirmed_at, alert.expires_at = now, rules.expires(now)


def renew(alerts: list[SavedSearch], now: datetime) -> None:
    for alert in alerts:
        alert.expires_at, alert.reminded_at = rules.expires(now), None


def unsubscribe(session: Session, alerts: list[SavedSearch]) -> int:
    """Delete the alerts (and a parent's address with them)."""
    for alert in alerts:
        session.delete(alert)
    return len(alerts)


# ------------------------------------------------------------------ an account's alerts


def account_alerts(session: Session, account_id: int) -> list[SavedSearch]:
    return list(
        session.scalars(
            select(SavedSearch)
            .where(SavedSearch.account_id == account_id)
            .order_by(SavedSearch.created_at.desc(), SavedSearch.id.desc())
        )
    )


def count_for_account(session: Session, account_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(SavedSearch)
            .where(SavedSearch.account_id == account_id)
        )
        or 0
    )


def own_alert(session: Session, account_id: int, alert_id: int) -> SavedSearch | None:
    """The account's alert, or None (another's is never loaded for it)."""
    return session.scalar(
        select(SavedSearch).where(SavedSearch.id == alert_id, SavedSearch.account_id == account_id)
    )


# ------------------------------------------------------------------ the daily run


@dataclass
class DailyReport:
    changes: int = 0
    offers: int = 0
    matches: int = 0
    digests: int = 0
    reminders: int = 0
    purged: int = 0
    baseline: bool = False
    per_recipient: dict[str, int] = field(default_factory=dict)


def active_columns(session: Session, now: datetime) -> SavedColumns:
    """The confirmed, unexpired saved searches as numpy columns."""
    rows = session.execute(
        select(
            SavedSearch.id,
            SavedSearch.latitude,
            SavedSearch.longitude,
            SavedSearch.radius_km,
            SavedSearch.kinds_mask,
            SavedSearch.flag_bits,
            SavedSearch.avip,
            SavedSearch.age_months,
            SavedSearch.h0,
            SavedSearch.h1,
            SavedSearch.h2,
            SavedSearch.h3,
            SavedSearch.h4,
            SavedSearch.h5,
            SavedSearch.h6,
        )
        .where(SavedSearch.confirmed_at.is_not(None), SavedSearch.expires_at > now)
        .order_by(SavedSearch.id)
    ).all()
    return SavedColumns(
        [r[0] for r in rows],
        [
            AlertCriteria(
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                bool(r[6]),
                r[7],
                tuple(r[8:15]),  # type: ignore[arg-type]
            )
            for r in rows
        ],
    )


def _baseline(session: Session) -> None:
    """First run: every offer's state as it is, the cursor at the newest change (nothing to
    report on offers nobody was waiting for)."""
    session.execute(delete(AlertOfferState))
    session.execute(
        insert(AlertOfferState).from_select(
            ["offer_id", "visible", "has_places"],
            select(
                Offer.id,
                Offer.status == INDEXED_STATUS,
                (Offer.status == INDEXED_STATUS) & (func.coalesce(Offer.free_places, 0) > 0),
            ),
        )
    )
    session.add(ChangeCursor(name=CURSOR, last_change=newest_change(session)))


def match_changes(session: Session, now: datetime, today: date, report: DailyReport) -> None:
    """Consume the change log from the alerts' cursor: each offer changed that appeared in
    search or gained free places is matched against the saved searches; the matches wait for
    the digest, the cursor moves, in one transaction."""
    cursor = session.get(ChangeCursor, CURSOR)
    if cursor is None:
        _baseline(session)
        report.baseline = True
        return
    changes = changes_after(session, cursor.last_change, now - rules.SETTLE)
    if not changes:
        return
    report.changes = len(changes)
    offer_ids = sorted({offer_id for _change, offer_id in changes})
    report.offers = len(offer_ids)
    columns = active_columns(session, now)
    pairs: dict[tuple[int, int], str] = {}
    for start in range(0, len(offer_ids), CHUNK):
        chunk = offer_ids[start : start + CHUNK]
        before = {
            s.offer_id: s
            for s in session.scalars(
                select(AlertOfferState).where(AlertOfferState.offer_id.in_(chunk))
            )
        }
        offers = {o.id: o for o in session.scalars(offers_with_relations(session, chunk))}
        states = []
        for offer_id in chunk:
            offer = offers.get(offer_id)
            old = before.get(offer_id)
            visible = is_indexable(offer)
            has_places = visible and bool(offer and (offer.free_places or 0) > 0)
            if offer is not None:
                states.append({"offer_id": offer_id, "visible": visible, "has_places": has_places})
            reason = rules.reason_for(
                old.visible if old else None, old.has_places if old else None, visible, has_places
            )
            if reason is None or not len(columns) or offer is None:
                continue
            for alert_id in columns.matching(offer_document(offer), today):
                pairs[(int(alert_id), offer_id)] = reason
        session.execute(
            delete(AlertOfferState).where(AlertOfferState.offer_id.in_(chunk)),
            execution_options={"synchronize_session": False},
        )
        if states:
            session.execute(insert(AlertOfferState), states)
    if pairs:
        waiting = {
            (int(a), int(o))
            for a, o in session.execute(
                select(AlertMatch.saved_search_id, AlertMatch.offer_id).where(
                    AlertMatch.saved_search_id.in_({a for a, _o in pairs})
                )
            )
        }
        fresh = [
            {"saved_search_id": a, "offer_id": o, "reason": r, "created_at": now}
            for (a, o), r in sorted(pairs.items())
            if (a, o) not in waiting
        ]
        if fresh:
            session.execute(insert(AlertMatch), fresh)
        report.matches = len(fresh)
    cursor.last_change = changes[-1][0]


def _recipient_address(session: Session, alert: SavedSearch) -> str | None:
    if alert.email:
        return alert.email
    user = session.get(User, alert.account_id)
    return user.email if policies.is_active(user) else None


@dataclass
class DigestOffer:
    title: str
    kind: str
    place: str
    places: str
    reason: str
    url: str


@dataclass
class DigestAlert:
    label: str
    search_url: str
    unsubscribe_url: str
    offers: list[DigestOffer]
    more: int = 0


def _digest_offer(offer: Offer, reason: str) -> DigestOffer:
    places = offer.free_places or 0
    return DigestOffer(
        title=offer.title,
        kind=OFFER_KIND_LABELS[offer.kind],
        place=f"{offer.postcode} {offer.commune_name}".strip(),
        places=(
            f"{places} place{'s' if places > 1 else ''} disponible{'s' if places > 1 else ''}"
            if places
            else "places non renseignées"
        ),
        reason=rules.REASON_TEXT.get(reason, ""),
        url=absolute_url("directory.offer_detail", offer_id=offer.id),
    )


def _still_worth(offer: Offer | None, reason: str) -> bool:
    """Still shown by search, and for places still announcing some, when the digest leaves."""
    if not is_indexable(offer):
        return False
    return reason != rules.PLACES or (offer.free_places or 0) > 0


def send_digests(session: Session, now: datetime, report: DailyReport) -> None:
    """One email per recipient for all their alerts with offers waiting (at most daily)."""
    alerts_by_id = {
        a.id: a
        for a in session.scalars(
            select(SavedSearch).where(
                SavedSearch.confirmed_at.is_not(None),
                SavedSearch.expires_at > now,
                SavedSearch.id.in_(select(AlertMatch.saved_search_id)),
            )
        )
    }
    waiting = session.execute(
        select(
            AlertMatch.id, AlertMatch.offer_id, AlertMatch.reason, AlertMatch.saved_search_id
        ).order_by(AlertMatch.saved_search_id, AlertMatch.id)
    ).all()
    by_recipient: dict[str, list[tuple[Any, SavedSearch]]] = defaultdict(list)
    for match in waiting:
        alert = alerts_by_id.get(match.saved_search_id)
        if alert is not None:
            by_recipient[alert.recipient].append((match, alert))
    done: list[int] = []
    for recipient, items in by_recipient.items():
        alerts = list({a.id: a for _m, a in items}.values())
        if not all(rules.digest_due(a.last_sent_at, now) for a in alerts):
            continue
        address = _recipient_address(session, alerts[0])
        offers = {
            o.id: o
            for o in session.scalars(
                select(Offer).where(Offer.id.in_({m.offer_id for m, _a in items}))
            )
        }
        sections = []
        seen: set[int] = set()
        for alert in alerts:
            shown = [
                (m, offers[m.offer_id])
                for m, a in items
                if a.id == alert.id and _still_worth(offers.get(m.offer_id), m.reason)
            ]
            if not shown:
                continue
            sections.append(
                DigestAlert(
                    label=alert.label,
                    search_url=absolute_url("directory.search")
                    + "?"
                    + rules.mail_query(alert.query),
                    unsubscribe_url=absolute_url("alerts.unsubscribe", token=link_token([alert])),
                    offers=[_digest_offer(o, m.reason) for m, o in shown[: rules.OFFERS_PER_ALERT]],
                    more=max(0, len(shown) - rules.OFFERS_PER_ALERT),
                )
            )
            seen.update(o.id for _m, o in shown)
        count = len(seen)
        if address and sections:
            every = link_token(alerts)
            one_click = absolute_url("alerts.unsubscribe_one_click", token=every)
            queue_mail(
                session,
                address,
                "Nouvelles offres pour vos alertes"
                if count > 1
                else "Une nouvelle offre pour votre alerte",
                "alert_digest",
                extra_headers={
                    "List-Unsubscribe": f"<{one_click}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
                sections=sections,
                count=count,
                unsubscribe_all_url=absolute_url("alerts.unsubscribe", token=every),
                manage_url=absolute_url("alerts.mine") if alerts[0].account_id else None,
            )
            report.digests += 1
            report.per_recipient[recipient] = count
        for alert in alerts:
            alert.last_sent_at = now
        done.extend(m.id for m, _a in items)
    for start in range(0, len(done), CHUNK):
        session.execute(
            delete(AlertMatch).where(AlertMatch.id.in_(done[start : start + CHUNK])),
            execution_options={"synchronize_session": False},
        )


def send_reminders(session: Session, now: datetime, report: DailyReport) -> None:
    """Before expiry, one email per recipient with a link renewing all their alerts due."""
    due = session.scalars(
        select(SavedSearch)
        .where(
            SavedSearch.confirmed_at.is_not(None),
            SavedSearch.reminded_at.is_(None),
            SavedSearch.expires_at > now,
            SavedSearch.expires_at <= now + rules.REMIND_BEFORE,
        )
        .order_by(SavedSearch.id)
    ).all()
    by_recipient: dict[str, list[SavedSearch]] = defaultdict(list)
    for alert in due:
        if rules.reminder_due(alert.expires_at, alert.reminded_at, now):
            by_recipient[alert.recipient].append(alert)
    for alerts in by_recipient.values():
        address = _recipient_address(session, alerts[0])
        if address:
            queue_mail(
                session,
                address,
                "Vos alertes Passerelle arrivent à échéance",
                "alert_expiry",
                alerts=alerts,
                expires_on=min(a.expires_at for a in alerts).date(),
                renew_url=absolute_url("alerts.renew", token=link_token(alerts)),
                unsubscribe_url=absolute_url("alerts.unsubscribe", token=link_token(alerts)),
            )
            report.reminders += 1
        for alert in alerts:
            alert.reminded_at = now


def purge(session: Session, now: datetime) -> int:
    """Expired alerts, and parents' alerts never confirmed, go with their address."""
    result = session.execute(
        delete(SavedSearch).where(
            (SavedSearch.expires_at <= now)
            | (
                SavedSearch.confirmed_at.is_(None)
                & (SavedSearch.created_at < now - rules.CONFIRM_WITHIN)
            )
        )
    )
    return getattr(result, "rowcount", 0) or 0


def run_daily(session: Session, now: datetime, today: date) -> DailyReport:
    report = DailyReport()
    report.purged = purge(session, now)
    session.commit()
    match_changes(session, now, today, report)
    session.commit()
    with mail_context():  # one request for every email's links and templates
        send_digests(session, now, report)
        session.commit()
        send_reminders(session, now, report)
        session.commit()
    return report
