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
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any

from eventlens.knowledge.loader import load_yaml
from eventlens.model import UNKNOWN_DATE, Document, Event, EventDate
from eventlens.pipeline import Resources
from eventlens.settings import Settings
from eventlens.stages.base import Stage
from eventlens.stages.scope import by_sentence, clauses_of, owner_of
from eventlens.syntax import token_at

log = logging.getLogger(__name__)

WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})


def _words(words: list[str]) -> str:
    """A regex alternation of words and phrases, in order."""
    return "|".join(re.escape(w) for w in words)


@dataclass(frozen=True, slots=True)
class DateCues:
    """The words of date expressions (``data/date_cues.yaml``, see the comments there)."""

    period_words: tuple[tuple[str, ...], ...]
    historical_cues: tuple[str, ...]
    vague_amounts: MappingProxyType[str, int]
    ago_numbers: MappingProxyType[str, int]
    leading: re.Pattern[str]
    ago: re.Pattern[str]
    relative: re.Pattern[str]
    same_day: re.Pattern[str]
    two_days_before: re.Pattern[str]
    day_before: re.Pattern[str]
    previous: str
    """An alternation of the words of "last week", "the past month"."""
    last: str
    """An alternation of the words of "last March"."""
    day_words: frozenset[str]
    night: re.Pattern[str]
    deadline_preps: frozenset[str]

    @classmethod
    def load(cls) -> DateCues:
        data: dict[str, Any] = load_yaml("date_cues.yaml")

        def words(key: str) -> list[str]:
            return [str(w).lower() for w in data[key]]

        def alternation(key: str) -> str:
            return _words(words(key))

        vague = {str(k): int(v) for k, v in data["vague_amounts"].items()}
        numbers = {str(k): int(v) for k, v in data["ago_numbers"].items()}
        amount = "|".join([r"\d+", _words(list(vague)), _words(list(numbers))])
        return cls(
            period_words=tuple(tuple(w.split()) for w in words("period_words")),
            historical_cues=tuple(words("historical_cues")),
            vague_amounts=MappingProxyType(vague),
            ago_numbers=MappingProxyType(numbers),
            leading=re.compile(rf"^({alternation('leading_words')})\s+"),
            ago=re.compile(
                rf"\b(?P<n>{amount})\s+(?P<unit>day|week|month|year)s?\s+"
                rf"(?:{alternation('ago_words')})\b"
            ),
            relative=re.compile(rf"\b({alternation('relative_words')})\b"),
            same_day=re.compile(rf"\b({alternation('same_day')})\b"),
            two_days_before=re.compile(rf"\b({alternation('two_days_before')})\b"),
            day_before=re.compile(rf"\b({alternation('day_before')})\b"),
            previous=alternation("previous_words"),
            last=alternation("last_words"),
            day_words=frozenset([*words("day_words"), *WEEKDAYS]),
            night=re.compile(rf"\b({alternation('night_phrases')})\b"),
            deadline_preps=frozenset(words("deadline_preps")),
        )


_ORDINAL_DAY = re.compile(r"(?:the )?([0-3]?\d)(?:st|nd|rd|th)")


def _shift_month(d: date, months: int) -> tuple[int, int]:
    m = d.year * 12 + (d.month - 1) + months
    return m // 12, m % 12 + 1


def resolve_expression(text: str, published: date | None, cues: DateCues) -> EventDate | None:
    """Resolve one date expression; None when it names no usable date."""
    t = " ".join(text.lower().replace("’", "'").split())
    t = cues.leading.sub("", t, count=1)
    rel = _relative(t, published, cues)
    if rel is not None:
        return rel
    return _explicit(t, published)


def _relative(t: str, pub: date | None, cues: DateCues) -> EventDate | None:
    def day(d: date, precision: str = "day") -> EventDate:
        return EventDate(d.isoformat(), precision, "relative")  # type: ignore[arg-type]

    def month(y: int, m: int) -> EventDate:
        return EventDate(f"{y:04d}-{m:02d}", "month", "relative")

    def year(y: int) -> EventDate:
        return EventDate(f"{y:04d}", "year", "relative")

    is_relative = bool(
        cues.ago.search(t)
        or cues.relative.search(t)
        or any(re.search(rf"\b{d}\b", t) for d in WEEKDAYS)
        or _ORDINAL_DAY.fullmatch(t)
    )
    if not is_relative:
        return None
    if pub is None:
        return UNKNOWN_DATE
    if cues.same_day.search(t):
        return day(pub)
    if cues.two_days_before.search(t):
        return day(pub - timedelta(days=2))
    if cues.day_before.search(t):
        return day(pub - timedelta(days=1))
    m = cues.ago.search(t)
    if m:
        raw = m.group("n")
        amounts = cues.vague_amounts
        n = int(raw) if raw.isdigit() else amounts.get(raw, cues.ago_numbers.get(raw, 1))
        vague = raw in amounts
        unit = m.group("unit")
        if unit == "day":
            return day(pub - timedelta(days=n), "week" if vague else "day")
        if unit == "week":
            return day(pub - timedelta(weeks=n), "week")
        if unit == "month":
            return month(*_shift_month(pub, -n))
        return year(pub.year - n)
    od = _ORDINAL_DAY.fullmatch(t)
    if od:
        # "on the 12th": that day of this month, else of the month before
        dd = int(od.group(1))
        y, mo = (pub.year, pub.month) if dd <= pub.day else _shift_month(pub, -1)
        if dd > calendar.monthrange(y, mo)[1]:
            return None
        return EventDate(date(y, mo, dd).isoformat(), "day", "relative")
    for name, wd in WEEKDAYS.items():
        if re.search(rf"\b{name}\b", t):
            back = (pub.weekday() - wd) % 7  # "on Saturday" in Saturday's paper: that day
            return day(pub - timedelta(days=back))
    if re.search(rf"\b({cues.previous}) week\b", t):
        return day(pub - timedelta(days=7), "week")
    if re.search(r"\b(earlier )?this week\b", t):
        return day(pub - timedelta(days=min(pub.weekday(), 3)), "week")
    if re.search(rf"\b({cues.previous}) month\b", t):
        return month(*_shift_month(pub, -1))
    if re.search(r"\b(earlier )?this month\b", t):
        return month(pub.year, pub.month)
    if re.search(rf"\b({cues.previous}) year\b", t):
        return year(pub.year - 1)
    if re.search(r"\b(earlier )?this year\b", t):
        return year(pub.year)
    for name, mi in MONTHS.items():
        if re.search(rf"\b(?:{cues.last}) {name}\b", t):
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
        # "between April and July 2017": the year is all that is certain
        return EventDate(years[0], "year", "explicit") if len(set(years)) == 1 else None
    d = parsed.date()
    if pub is not None and not years and d > pub:
        d = d.replace(year=d.year - 1)
    if has_day:
        return EventDate(d.isoformat(), "day", "explicit")
    return EventDate(f"{d.year:04d}-{d.month:02d}", "month", "explicit")


class Dater(Stage):
    """Each event's date from its own words: its clause, then its sentence, then
    its paragraph, then the article's dateline, and only then the publication
    date (source ``publication``).  A reference to the past with no date of its
    own stays undated."""

    name = "eventlens.dates.v1"
    requires: tuple[str, ...] = ("nlp", "dateline", "events", "scopes")
    provides: tuple[str, ...] = ("dates",)

    def __call__(self, doc: Document) -> Document:
        if not doc.events or doc.nlp is None:
            return doc
        published = doc.article.published  # the run's default is applied by clean
        cues = self.resources.knowledge.date_cues
        sents = list(doc.nlp.sents)
        line = _dateline_date(doc, published, cues)
        # every usable date expression of each sentence, in order
        sentence_dates: dict[int, list[tuple[Any, EventDate]]] = {}
        periods: dict[int, list[Any]] = {}  # "since 1980": a total or a history, undated
        for si, sent in enumerate(sents):
            for ent in _date_expressions(sent, cues):
                if _is_period(ent, cues):
                    periods.setdefault(si, []).append(ent)
                    continue
                if _is_deadline(ent, cues):
                    continue
                if line is not None and ent.start_char < line[1]:
                    continue  # the dateline's own date
                resolved = resolve_expression(ent.text, published, cues)
                if resolved is None or resolved.value is None or _after(resolved, published):
                    continue
                sentence_dates.setdefault(si, []).append((ent, resolved))
        clauses = clauses_of(doc, self.name)
        paragraph = list(clauses.paragraph)
        dates: dict[int, EventDate] = {}
        for si, idxs in by_sentence(doc.events).items():
            sent = sents[si]
            evs = [doc.events[k] for k in idxs]
            clause_map = clauses.clause_map(idxs)
            owned: dict[int, EventDate] = {}
            shared: list[tuple[Any, EventDate]] = []
            owner_type: dict[int, str] = {}  # expression -> type of the event owning it
            for ent, resolved in sentence_dates.get(si, []):
                owner = owner_of(ent.root, clause_map)
                if owner is None:
                    shared.append((ent.root, resolved))
                else:
                    owner_type[ent.start] = evs[owner].event_type
                    owned.setdefault(owner, resolved)
            over_period = {owner_of(e.root, clause_map) for e in periods.get(si, [])}
            for local, k in enumerate(idxs):
                ev = doc.events[k]
                if local in over_period and local not in owned:
                    dates[k] = UNKNOWN_DATE
                    continue
                # a date in another event's clause serves only another mention of the same kind
                in_sentence = [
                    d
                    for e, d in sentence_dates.get(si, [])
                    if owner_type.get(e.start, ev.event_type) == ev.event_type
                ]
                found = (
                    owned.get(local)
                    or _shared_date(shared, doc, ev)
                    or (in_sentence[0] if in_sentence else None)
                    or _paragraph_date(si, paragraph, sentence_dates)
                )
                if found is None and line is not None:
                    found = line[0]
                if found is None:
                    if _historical(sent.text, cues):
                        found = UNKNOWN_DATE
                    elif published:
                        found = EventDate(published.isoformat(), "day", "publication")
                    else:
                        found = UNKNOWN_DATE
                dates[k] = found
        events = tuple(replace(ev, date=dates.get(k, ev.date)) for k, ev in enumerate(doc.events))
        return replace(doc, events=events)


def _date_expressions(sent: Any, cues: DateCues) -> list[Any]:
    """Date entities, times that name a day ("Thursday night", "last night"), and
    day words the tagger left outside any entity ("... rule yesterday, killing")."""
    out: list[Any] = []
    covered: set[int] = set()
    for ent in sent.ents:
        day_time = ent.label_ == "TIME" and (
            any(t.lower_ in cues.day_words for t in ent)
            or bool(cues.night.search(ent.text.lower()))
        )
        if ent.label_ == "DATE" or day_time:
            out.append(ent)
            covered.update(range(ent.start, ent.end))
    for t in sent:
        if (
            t.i not in covered
            and t.lower_ in cues.day_words
            and t.ent_type_ not in ("ORG", "PERSON")
        ):
            out.append(t.doc[t.i : t.i + 1])
    return sorted(out, key=lambda e: int(e.start))


def _dateline_date(
    doc: Document, published: date | None, cues: DateCues
) -> tuple[EventDate, int] | None:
    """The dateline's date ("KABUL, March 4 (Reuters) -") and where the dateline ends."""
    line = doc.dateline
    if line is None or line.date is None:
        return None
    resolved = resolve_expression(line.date, published, cues)
    if resolved is None or resolved.value is None or _after(resolved, published):
        return None
    return resolved, line.end


def _paragraph_date(
    si: int, paragraph: list[int], sentence_dates: dict[int, list[tuple[Any, EventDate]]]
) -> EventDate | None:
    """The date of the nearest earlier sentence of the same paragraph, else of the next one."""
    for sj in range(si - 1, -1, -1):
        if paragraph[sj] != paragraph[si]:
            break
        if sentence_dates.get(sj):
            return sentence_dates[sj][0][1]
    nxt = si + 1
    if nxt < len(paragraph) and paragraph[nxt] == paragraph[si] and sentence_dates.get(nxt):
        return sentence_dates[nxt][0][1]
    return None


def _is_period(ent: Any, cues: DateCues) -> bool:
    """ "since 1980", "over the past decade": a period, not a day."""
    doc = ent.doc
    words = [t.lower_ for t in doc[max(ent.sent.start, ent.start - 3) : ent.end]]
    text = " ".join(words)
    return any(
        re.search(r"(?<![\w-])" + re.escape(" ".join(p)) + r"(?![\w-])", text)
        for p in cues.period_words
    )


def _historical(sentence: str, cues: DateCues) -> bool:
    t = " ".join(sentence.lower().split())
    return any(
        re.search(r"(?<![\w-])" + re.escape(c) + r"(?![\w-])", t) for c in cues.historical_cues
    )


def _is_deadline(ent: Any, cues: DateCues) -> bool:
    """ "by 2050", "until March": a target or a limit, not when the event happened."""
    root = ent.root
    if root.dep_ == "pobj" and root.head.lower_ in cues.deadline_preps:
        return True
    return any(t.lower_ in cues.deadline_preps for t in ent[:1])


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
