"""The careers content, read once from the TOML files of ``data/`` (see ``data/SOURCES.md``).

A :class:`Fact` is a sentence with its sources and, when it could not be checked against an
official text, what remains « à vérifier ». The templates show facts; they never hold one.
"""

from __future__ import annotations

import csv
import functools
import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from app.jobs.rome import DATA as ROME_FILE

DATA = "app.careers"


@dataclass(frozen=True)
class Source:
    id: str
    url: str
    title: str
    publisher: str
    consulted: date
    official: bool
    note: str = ""


@dataclass(frozen=True)
class Fact:
    text: str
    sources: tuple[Source, ...]
    verify: str = ""
    value: Any = None
    low: float | None = None
    unit: str = ""
    items: tuple[str, ...] = ()
    route: str = ""


@dataclass(frozen=True)
class RomeCode:
    code: str
    version: str
    label: str


@dataclass(frozen=True)
class Job:
    slug: str
    name: str
    summary: str
    rome_v4: tuple[RomeCode, ...]
    rome_v3: tuple[RomeCode, ...]
    qualifications: tuple[str, ...]
    fits_hours: tuple[str, ...]
    state_diploma: bool
    day: Fact
    hours: Fact
    where: Fact
    required: Fact
    without_diploma: Fact
    pay: Fact

    @property
    def facts(self) -> tuple[Fact, ...]:
        return (self.day, self.hours, self.where, self.required, self.without_diploma, self.pay)


@dataclass(frozen=True)
class Qualification:
    slug: str
    name: str
    short: str
    certification: str
    jobs: tuple[str, ...]
    level: Fact
    rncp: Fact
    duration: Fact
    prerequisites: Fact
    entry: Fact
    blocks: Fact
    vae: Fact

    @property
    def facts(self) -> tuple[Fact, ...]:
        return (
            self.level,
            self.rncp,
            self.duration,
            self.prerequisites,
            self.entry,
            self.blocks,
            self.vae,
        )


@dataclass(frozen=True)
class Way:
    slug: str
    name: str
    short: str
    what: Fact
    who_decides: Fact
    who_pays: Fact
    limits: Fact
    next_step: str
    funding: tuple[str, ...]
    board: str  # « immersion », « besoins » or ""

    @property
    def facts(self) -> tuple[Fact, ...]:
        return (self.what, self.who_decides, self.who_pays, self.limits)


@dataclass(frozen=True)
class Funder:
    slug: str
    name: str
    what: Fact
    who_decides: Fact

    @property
    def facts(self) -> tuple[Fact, ...]:
        return (self.what, self.who_decides)


@dataclass(frozen=True)
class Content:
    sources: dict[str, Source]
    rome: dict[tuple[str, str], RomeCode]
    jobs: dict[str, Job]
    qualifications: dict[str, Qualification]
    ways: dict[str, Way]
    funders: dict[str, Funder]

    def all_facts(self) -> list[tuple[str, Fact]]:
        """Every fact with where it is (for the tests and the sources page)."""
        found: list[tuple[str, Fact]] = []
        for group in (self.jobs, self.qualifications, self.ways, self.funders):
            for slug, thing in group.items():
                found.extend((slug, fact) for fact in thing.facts)
        return found

    def used_sources(self) -> list[Source]:
        used = {s.id for _, fact in self.all_facts() for s in fact.sources}
        return [s for key, s in self.sources.items() if key in used]


class ContentError(ValueError):
    """The data files break a rule (a fact without a source, an unknown ROME code…)."""


def _read(name: str) -> str:
    return resources.files(DATA).joinpath(f"data/{name}").read_text(encoding="utf-8")


def _toml(name: str) -> dict[str, Any]:
    return tomllib.loads(_read(name))


def parse_sources(raw: dict[str, Any]) -> dict[str, Source]:
    sources = {}
    for key, entry in raw.items():
        for needed in ("url", "title", "publisher", "consulted"):
            if not entry.get(needed):
                raise ContentError(f"source {key}: « {needed} » manque")
        if not isinstance(entry["consulted"], date):
            raise ContentError(f"source {key}: « consulted » doit être une date")
        if not str(entry["url"]).startswith("https://"):
            raise ContentError(f"source {key}: adresse non https")
        sources[key] = Source(
            id=key,
            url=entry["url"],
            title=entry["title"],
            publisher=entry["publisher"],
            consulted=entry["consulted"],
            official=bool(entry.get("official", False)),
            note=entry.get("note", ""),
        )
    return sources


def parse_fact(raw: Any, sources: dict[str, Source], where: str) -> Fact:
    """A fact table; :class:`ContentError` when it has no text or no known source."""
    if not isinstance(raw, dict):
        raise ContentError(f"{where}: un fait est une table (text, sources)")
    keys = raw.get("sources") or []
    if not keys:
        raise ContentError(f"{where}: aucune source")
    unknown = [k for k in keys if k not in sources]
    if unknown:
        raise ContentError(f"{where}: source inconnue {unknown}")
    if not (raw.get("text") or raw.get("items")):
        raise ContentError(f"{where}: aucun texte")
    verify = raw.get("verify", "")
    if verify and not verify.startswith("à vérifier"):
        raise ContentError(f"{where}: « verify » commence par « à vérifier »")
    return Fact(
        text=raw.get("text", ""),
        sources=tuple(sources[k] for k in keys),
        verify=verify,
        value=raw.get("value"),
        low=raw.get("low"),
        unit=raw.get("unit", ""),
        items=tuple(raw.get("items", ())),
        route=raw.get("route", ""),
    )


def parse_rome(text: str) -> dict[tuple[str, str], RomeCode]:
    return {
        (row["code_rome"], row["version"]): RomeCode(
            row["code_rome"], row["version"], row["libelle"]
        )
        for row in csv.DictReader(text.splitlines())
    }


def _codes(codes, version: str, rome, where: str) -> tuple[RomeCode, ...]:
    found = []
    for code in codes:
        if (code, version) not in rome:
            raise ContentError(f"{where}: code ROME {code} absent de la version {version}")
        found.append(rome[(code, version)])
    return tuple(found)


def build_content(
    sources_raw: dict, jobs_raw: dict, qualifications_raw: dict, ways_raw: dict, rome_text: str
) -> Content:
    sources = parse_sources(sources_raw)
    rome = parse_rome(rome_text)

    def fact(raw: dict, key: str, where: str) -> Fact:
        return parse_fact(raw.get(key), sources, f"{where}.{key}")

    jobs = {}
    for raw in jobs_raw["jobs"]:
        w = f"jobs.{raw['slug']}"
        jobs[raw["slug"]] = Job(
            slug=raw["slug"],
            name=raw["name"],
            summary=raw["summary"],
            rome_v4=_codes(raw["rome_v4"], "4.0", rome, w),
            rome_v3=_codes(raw["rome_v3"], "3", rome, w),
            qualifications=tuple(raw["qualifications"]),
            fits_hours=tuple(raw["fits_hours"]),
            state_diploma=bool(raw.get("state_diploma", False)),
            **{
                k: fact(raw, k, w)
                for k in ("day", "hours", "where", "required", "without_diploma", "pay")
            },
        )
    qualifications = {}
    for raw in qualifications_raw["qualifications"]:
        w = f"qualifications.{raw['slug']}"
        qualifications[raw["slug"]] = Qualification(
            slug=raw["slug"],
            name=raw["name"],
            short=raw["short"],
            certification=raw["certification"],
            jobs=tuple(raw["jobs"]),
            **{
                k: fact(raw, k, w)
                for k in ("level", "rncp", "duration", "prerequisites", "entry", "blocks", "vae")
            },
        )
    ways = {}
    for raw in ways_raw["ways"]:
        w = f"ways.{raw['slug']}"
        ways[raw["slug"]] = Way(
            slug=raw["slug"],
            name=raw["name"],
            short=raw["short"],
            next_step=raw["next_step"],
            funding=tuple(raw["funding"]),
            board=raw["board"],
            **{k: fact(raw, k, w) for k in ("what", "who_decides", "who_pays", "limits")},
        )
    funders = {}
    for raw in ways_raw["funders"]:
        w = f"funders.{raw['slug']}"
        funders[raw["slug"]] = Funder(
            slug=raw["slug"],
            name=raw["name"],
            what=fact(raw, "what", w),
            who_decides=fact(raw, "who_decides", w),
        )
    for job in jobs.values():
        for slug in job.qualifications:
            if slug not in qualifications:
                raise ContentError(f"jobs.{job.slug}: qualification inconnue {slug}")
    for q in qualifications.values():
        for slug in q.jobs:
            if slug not in jobs:
                raise ContentError(f"qualifications.{q.slug}: métier inconnu {slug}")
    return Content(sources, rome, jobs, qualifications, ways, funders)


@functools.cache
def content() -> Content:
    return build_content(
        _toml("sources.toml"),
        _toml("jobs.toml"),
        _toml("qualifications.toml"),
        _toml("ways.toml"),
        ROME_FILE.read_text(encoding="utf-8"),
    )
