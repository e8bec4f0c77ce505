"""Event dates, resolved against the publication date.

Each event takes the date expression its own clause holds, else one its
sentence holds that belongs to no other event.  Explicit dates ("4 February
2023", "in 2015") resolve alone; relative ones ("last month", "a few days
ago", "earlier this month") need the publication date (the article's, else
``--published``); without it they are unknown, never today's date.  An event
with no date expression takes the publication date, marked as such.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from eventlens.model import UNKNOWN_DATE, Document, Event, EventDate
from eventlens.pipeline import Resources
from eventlens.scope import by_sentence, owner_of, owners
from eventlens.settings import Settings
from eventlens.syntax import NUMBER_WORDS, token_at

log = logging.getLogger(__name__)

WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
FEW = {"a few": 3, "few": 3, "several": 4, "some": 3, "a couple of": 2, "couple of": 2}

_AGO = re.compile(
    r"\b(?P<n>\d+|a few|few|several|some|a couple of|couple of|a|an|one|two|three|four|five|six|"
    r"seven|eight|nine|ten)\s+(?P<unit>day|week|month|year)s?\s+(?:ago|earlier|before)\b"
)


def _shift_month(d: date, months: int) -> tuple[int, int]:
    m = d.year * 12 + (d.month - 1) + months
    return m // 12, m % 12 + 1


def resolve_expression(text: str, published: date | None) -> EventDate | None:
    """Resolve one date expression; None when it names no usable date."""
    t = " ".join(text.lower().replace("’", "'").split())
    t = re.sub(r"^(on|in|since|from|by|during|the|at)\s+", "", t)
    rel = _relative(t, published)
    if rel is not None:
        return rel
    return _explicit(t, published)


def _relative(t: str, pub: date | None) -> EventDate | None:
    def day(d: date, precision: str = "day") -> EventDate:
        return EventDate(d.isoformat(), precision, "relative")  # type: ignore[arg-type]

    def month(y: int, m: int) -> EventDate:
        return EventDate(f"{y:04d}-{m:02d}", "month", "relative")

    def year(y: int) -> EventDate:
        return EventDate(f"{y:04d}", "year", "relative")

    is_relative = bool(
        _AGO.search(t)
        or re.search(r"\b(today|tonight|yesterday|this|last|past|earlier|previous|recent)\b", t)
        or t in WEEKDAYS
    )
    if not is_relative:
        return None
    if pub is None:
        return UNKNOWN_DATE
    if re.search(r"\b(today|tonight|this morning|this afternoon|this evening)\b", t):
        return day(pub)
    if re.search(r"\bday before yesterday\b", t):
        return day(pub - timedelta(days=2))
    if re.search(r"\b(yesterday|last night)\b", t):
        return day(pub - timedelta(days=1))
    m = _AGO.search(t)
    if m:
        raw = m.group("n")
        n = int(raw) if raw.isdigit() else FEW.get(raw, NUMBER_WORDS.get(raw, 1))
        vague = raw in FEW
        unit = m.group("unit")
        if unit == "day":
            return day(pub - timedelta(days=n), "week" if vague else "day")
        if unit == "week":
            return day(pub - timedelta(weeks=n), "week")
        if unit == "month":
            return month(*_shift_month(pub, -n))
        return year(pub.year - n)
    for name, wd in WEEKDAYS.items():
        if re.search(rf"\b{name}\b", t):
            back = (pub.weekday() - wd) % 7  # "on Saturday" in Saturday's paper: that day
            return day(pub - timedelta(days=back))
    if re.search(r"\b(last|past|previous) week\b", t):
        return day(pub - timedelta(days=7), "week")
    if re.search(r"\b(earlier )?this week\b", t):
        return day(pub - timedelta(days=min(pub.weekday(), 3)), "week")
    if re.search(r"\b(last|past|previous) month\b", t):
        return month(*_shift_month(pub, -1))
    if re.search(r"\b(earlier )?this month\b", t):
        return month(pub.year, pub.month)
    if re.search(r"\b(last|past|previous) year\b", t):
        return year(pub.year - 1)
    if re.search(r"\b(earlier )?this year\b", t):
        return year(pub.year)
    for name, mi in MONTHS.items():
        if re.search(rf"\blast {name}\b", t):
            y = pub.year if mi < pub.month else pub.year - 1
            return month(y, mi)
    return None


def _explicit(t: str, pub: date | None) -> EventDate | None:
    ym = re.fullmatch(r"(?:the )?(1[89]\d\d|20\d\d)", t)
    if ym:
        return EventDate(ym.group(1), "year", "explicit")
    years = re.findall(r"\b(1[89]\d\d|20\d\d)\b", t)
    month_names = [w for w in re.findall(r"[a-z]+", t) if w in MONTHS]
    if not month_names:
        if len(years) == 1 and re.fullmatch(r"[\w\s'-]*", t) and not re.search(r"\d0s\b", t):
            return EventDate(years[0], "year", "explicit")
        return None
    has_day = bool(re.search(r"\b([0-3]?\d)(st|nd|rd|th)?\b", re.sub(r"\b\d{4}\b", "", t)))
    if not years and pub is None:
        return None
    try:
        import dateparser

        base = datetime.combine(pub, datetime.min.time()) if pub else datetime(int(years[0]), 1, 1)
        parsed = dateparser.parse(
            t,
            languages=["en"],
            settings={
                "RELATIVE_BASE": base,
                "PREFER_DATES_FROM": "past",
                "PREFER_DAY_OF_MONTH": "first",
                "REQUIRE_PARTS": ["month"],
            },
        )
    except Exception:  # dateparser raises assorted errors on odd input
        log.debug("dateparser failed on %r", t, exc_info=True)
        parsed = None
    if parsed is None:
        return None
    d = parsed.date()
    if pub is not None and not years and d > pub:
        d = d.replace(year=d.year - 1)
    if has_day:
        return EventDate(d.isoformat(), "day", "explicit")
    return EventDate(f"{d.year:04d}-{d.month:02d}", "month", "explicit")


class Dater:
    name = "eventlens.dates.v1"
    requires: tuple[str, ...] = ("nlp", "events")
    provides: tuple[str, ...] = ("dates",)

    def __init__(self, settings: Settings, resources: Resources) -> None:
        self.settings = settings
        self.resources = resources

    def __call__(self, doc: Document) -> Document:
        if not doc.events or doc.nlp is None:
            return doc
        published = doc.article.published or self.settings.published
        lex = self.resources.lexicon
        sents = list(doc.nlp.sents)
        dates: dict[int, EventDate] = {}
        for si, idxs in by_sentence(doc.events).items():
            sent = sents[si]
            evs = [doc.events[k] for k in idxs]
            clause_map = owners(sent, evs, lex)
            owned: dict[int, EventDate] = {}
            shared: list[tuple[Any, EventDate]] = []
            for ent in sent.ents:
                if ent.label_ != "DATE":
                    continue
                if _is_deadline(ent):
                    continue
                resolved = resolve_expression(ent.text, published)
                if resolved is None or _after(resolved, published):
                    continue
                owner = owner_of(ent.root, clause_map)
                if owner is None:
                    shared.append((ent.root, resolved))
                elif owner not in owned:
                    owned[owner] = resolved
            for local, k in enumerate(idxs):
                found = owned.get(local) or _shared_date(shared, doc, doc.events[k])
                if found is None:
                    found = (
                        EventDate(published.isoformat(), "day", "publication")
                        if published
                        else UNKNOWN_DATE
                    )
                dates[k] = found
        events = tuple(replace(ev, date=dates.get(k, ev.date)) for k, ev in enumerate(doc.events))
        return replace(doc, events=events)


DEADLINE_PREPS = frozenset({"by", "until", "till", "before", "through", "within"})


def _is_deadline(ent: Any) -> bool:
    """ "by 2050", "until March": a target or a limit, not when the event happened."""
    root = ent.root
    if root.dep_ == "pobj" and root.head.lower_ in DEADLINE_PREPS:
        return True
    return any(t.lower_ in DEADLINE_PREPS for t in ent[:1])


def _after(d: EventDate, published: date | None) -> bool:
    """A date after publication is a plan or a deadline, not the event's date."""
    if published is None or d.value is None:
        return False
    return d.value[: len(published.isoformat())] > published.isoformat()[: len(d.value)]


def _shared_date(shared: list[tuple[Any, EventDate]], doc: Document, ev: Event) -> EventDate | None:
    """A date no event owns applies to an event in the clause it modifies:
    "On Monday, police arrested ..." but not "... attacks, but today it has none"."""
    if ev.trigger is None:
        return None
    anchor = token_at(doc.nlp, ev.trigger[0])
    if anchor is None:
        return None
    for root, value in shared:
        verb = next((h for h in (root, *root.ancestors) if h.pos_ in ("VERB", "AUX")), None)
        if verb is not None and (verb.i == anchor.i or verb in anchor.ancestors):
            return value
    return None


def make_dater(settings: Settings, resources: Resources) -> Dater:
    return Dater(settings, resources)
