"""What the careers pages show beyond the content: the directory's courses near a place, and the
guided path's outcome (the ways in, their next step, the nearest opportunities)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from app.careers.content import Content, Job, Qualification, Way
from app.careers.exchange import exchange_url
from app.careers.path import Answers, fitting_jobs, suggest_ways, target_qualification
from app.directory.criteria import TRAINING_KIND, SearchCriteria
from app.directory.models import FUNDING_LABELS, Offer, TrainingSession
from app.directory.training import TrainingFilters, next_session
from app.geo import PlaceResolution
from app.search.index import SearchIndex
from app.search.services import search_directory

#: Courses read to find those of one certification near a place (the directory's nearest first).
COURSES_READ = 200
COURSES_SHOWN = 5
NO_FILTERS = TrainingFilters()


@dataclass(frozen=True)
class Course:
    offer: Offer
    distance_km: float | None
    next_session: TrainingSession | None
    funding: tuple[str, ...]  # labels


@dataclass
class CoursesNear:
    place: str
    radius_km: int
    resolution: PlaceResolution | None = None
    courses: list[Course] = field(default_factory=list)
    searched: bool = False


def courses_near(
    session: Session,
    index: SearchIndex,
    qualification: Qualification | None,
    place: str,
    radius_km: int,
    today: date,
    filters: TrainingFilters = NO_FILTERS,
    limit: int = COURSES_SHOWN,
) -> CoursesNear:
    """The directory's courses (of ``qualification`` when given) around ``place``, nearest
    first, each with its next session."""
    found = CoursesNear(place, radius_km)
    if not place:
        return found
    criteria = SearchCriteria(
        place=place, radius_km=radius_km, kinds=(TRAINING_KIND,), sort="distance", training=filters
    )
    outcome = search_directory(session, index, criteria, today, COURSES_READ)
    found.resolution = outcome.place
    found.searched = outcome.searched
    for row in outcome.rows:
        training = row.offer.training
        if training is None:
            continue
        if qualification is not None and training.certification != qualification.certification:
            continue
        found.courses.append(
            Course(
                row.offer,
                row.distance_km,
                next_session(training, today),
                tuple(FUNDING_LABELS[f] for f in training.funding if f in FUNDING_LABELS),
            )
        )
        if len(found.courses) >= limit:
            break
    return found


@dataclass(frozen=True)
class WayOut:
    way: Way
    reason: str
    exchange_link: str  # "" when the way has no job-exchange link


@dataclass
class PathOutcome:
    answers: Answers
    ways: list[WayOut]
    qualification: Qualification
    jobs: list[Job]
    courses: CoursesNear
    immersion_link: str
    needs_link: str


def guided_path(
    session: Session, index: SearchIndex, c: Content, a: Answers, today: date
) -> PathOutcome:
    qualification = c.qualifications[target_qualification(a)]
    jobs = [
        c.jobs[slug]
        for slug in fitting_jobs(a, {s: (j.fits_hours, j.state_diploma) for s, j in c.jobs.items()})
    ]
    metier = (jobs[0] if jobs else c.jobs[qualification.jobs[0]]).rome_v4[0].code
    immersion_link = exchange_url(metier=metier, lieu=a.place, rayon=a.radius_km, immersion=True)
    needs_link = exchange_url(metier=metier, lieu=a.place, rayon=a.radius_km)
    ways = []
    for s in suggest_ways(a):
        way = c.ways[s.way]
        link = {"immersion": immersion_link, "besoins": needs_link}.get(way.board, "")
        ways.append(WayOut(way, s.reason, link))
    vae = any(w.way.slug == "vae" for w in ways)
    filters = TrainingFilters(vae=vae, without_diploma=a.without_diploma)
    courses = courses_near(
        session, index, qualification, a.place, a.radius_km, today, filters=filters, limit=3
    )
    return PathOutcome(a, ways, qualification, jobs, courses, immersion_link, needs_link)
