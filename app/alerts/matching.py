"""Which saved searches an offer matches: the saved searches as numpy columns, one offer
against all of them at once (the reverse of a search, which is one criteria against all the
offers' columns).

The filters and their order are those of :func:`app.search.query.search_plan` over the offer's
search document (:func:`app.search.documents.offer_document`): kinds, flags, the AVIP label's
dates, age, the half-hour masks of the hours needed, the box around the circle, then the exact
distance (vectorized haversine; the few within a micrometre of the radius measured again with
:func:`app.geo.distance.haversine_km`, as the search does). A saved search therefore matches
exactly what the search would show (``tests/alerts/test_matching.py`` compares both).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from app.directory.criteria import KINDS, SearchCriteria
from app.geo.distance import EARTH_RADIUS_KM, bounding_box, haversine_km
from app.geo.timezones import today_in_france
from app.search.documents import COORD_SCALE, date_number
from app.search.query import DISTANCE_EPSILON_KM, search_plan
from app.search.services import index_criteria

#: A kind's bit in ``kinds_mask``.
KIND_BITS = {kind: bit for bit, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class AlertCriteria:
    """What a saved search filters on, as stored in its row (:class:`SavedSearch`)."""

    latitude: float
    longitude: float
    radius_km: float
    kinds_mask: int
    flag_bits: int
    avip: bool
    age_months: int | None
    hour_masks: tuple[int, ...]  # 7 masks, 0 where no hour is needed


def alert_criteria(criteria: SearchCriteria, point: tuple[float, float]) -> AlertCriteria:
    """The search page's criteria around ``point`` as the search index plans them (the text,
    the département and the order are not part of an alert)."""
    plan = search_plan(index_criteria(criteria, point, today_in_france()))
    masks = [0] * 7
    for day, mask in plan.hours:
        masks[day] = mask
    return AlertCriteria(
        latitude=point[0],
        longitude=point[1],
        radius_km=float(criteria.radius_km),
        kinds_mask=sum(1 << KIND_BITS[k] for k in plan.kinds),
        flag_bits=plan.flag_bits,
        avip=plan.avip_day is not None,
        age_months=plan.age,
        hour_masks=tuple(masks),
    )


class SavedColumns:
    """Every saved search's criteria as arrays, row ``i`` being ``ids[i]``."""

    def __init__(self, ids: Sequence[int], rows: Sequence[AlertCriteria]) -> None:
        n = len(rows)
        self.ids = np.asarray(ids, dtype=np.int64)
        self.lat = np.array([r.latitude for r in rows], dtype=np.float64)
        self.lon = np.array([r.longitude for r in rows], dtype=np.float64)
        self.radius = np.array([r.radius_km for r in rows], dtype=np.float64)
        self.kinds = np.array([r.kinds_mask for r in rows], dtype=np.int64)
        self.flags = np.array([r.flag_bits for r in rows], dtype=np.int64)
        self.avip = np.array([r.avip for r in rows], dtype=bool)
        self.age = np.array(
            [-1 if r.age_months is None else r.age_months for r in rows], dtype=np.int64
        )
        self.hours = np.array([r.hour_masks for r in rows], dtype=np.uint64).reshape(n, 7)
        self.hour_days = [day for day in range(7) if n and self.hours[:, day].any()]
        # The box around each circle, in 1e-5 degrees, widened to whole units (the search's).
        boxes = [bounding_box(r.latitude, r.longitude, r.radius_km) for r in rows]
        box = np.array(boxes, dtype=np.float64).reshape(n, 4) * COORD_SCALE
        self.lat0, self.lat1 = np.floor(box[:, 0]), np.ceil(box[:, 1])
        self.lon0, self.lon1 = np.floor(box[:, 2]), np.ceil(box[:, 3])

    def __len__(self) -> int:
        return len(self.ids)

    def matching(self, document: dict, today: date) -> np.ndarray:
        """The ids of the saved searches the offer's search ``document`` matches today."""
        if not len(self.ids) or document["valid_until"] < date_number(today):
            return np.zeros(0, dtype=np.int64)
        kind = document["kind"]
        bit = KIND_BITS.get(kind.decode("utf-8") if isinstance(kind, bytes) else kind)
        if bit is None:
            return np.zeros(0, dtype=np.int64)
        lat, lon = document["lat"], document["lon"]
        keep = ((self.kinds >> bit) & 1).astype(bool)
        keep &= (self.flags & document["flags"]) == self.flags
        day = date_number(today)
        if not document["avip_from"] <= day <= document["avip_until"]:
            keep &= ~self.avip
        keep &= (self.age < 0) | (
            (document["age_min"] <= self.age) & (document["age_max"] > self.age)
        )
        for weekday in self.hour_days:
            have = np.uint64(document[f"h{weekday}"])
            need = self.hours[:, weekday]
            keep &= (need & have) == need
        keep &= (self.lat0 <= lat) & (self.lat1 >= lat) & (self.lon0 <= lon) & (self.lon1 >= lon)
        rows = np.flatnonzero(keep)
        if not len(rows):
            return np.zeros(0, dtype=np.int64)
        distances = _distances(self.lat[rows], self.lon[rows], lat, lon)
        radius = self.radius[rows]
        inside = distances <= radius + DISTANCE_EPSILON_KM
        for i in np.flatnonzero(inside & (distances > radius - DISTANCE_EPSILON_KM)):
            row = rows[i]
            exact = haversine_km(
                float(self.lat[row]),
                float(self.lon[row]),
                int(lat) / COORD_SCALE,
                int(lon) / COORD_SCALE,
            )
            inside[i] = exact <= radius[i]
        return self.ids[rows[inside]]


def _distances(lat: np.ndarray, lon: np.ndarray, to_lat: int, to_lon: int) -> np.ndarray:
    """The search's haversine (:mod:`app.search.query`) from each point to one point given in
    1e-5 degrees, the points varying instead of the document."""
    phi1 = np.radians(lat)
    phi2 = math.radians(to_lat / COORD_SCALE)
    dphi = phi2 - phi1
    dlambda = np.radians(to_lon / COORD_SCALE - lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * math.cos(phi2) * np.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
