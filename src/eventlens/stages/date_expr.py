"""Date expressions: their words (``data/date_cues.yaml``) and how one resolves.

Explicit dates ("4 February 2023", "in 2015") resolve alone; relative ones
("last month", "a few days ago", "earlier this month") need the publication
date; without it they are unknown, never today's date.  Anaphoric ones ("two
years earlier", "a week later") count from another date of the text (the
anchor), never from the publication date: without an anchor they are unknown.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any

from eventlens.knowledge.loader import load_yaml
from eventlens.model import PRECISION_RANK, UNKNOWN_DATE, EventDate

log = logging.getLogger(__name__)

WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_UNITS = {"day": 1, "week": 7, "fortnight": 14}


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
    anaphoric: re.Pattern[str]
    """ "two years earlier", "a week later": counted from another date of the text."""
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
    statement_verbs: frozenset[str]
    """Lemmas whose date is when something was said ("officials said on Wednesday")."""
    statement_nouns: frozenset[str]
    """Nouns whose date is when something was said ("a media report today")."""
    verbal_types: frozenset[str]
    """Event types that are statements: a statement's date is theirs."""
    sequence_preps: frozenset[str]
    """ "after", "following": an event in such a phrase is before or after the other's day."""

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
        counted = rf"(?:about |some |nearly |almost |around )?(?P<n>{amount})\s+"
        counted += r"(?P<unit>day|week|fortnight|month|year|decade)s?\s+"
        return cls(
            period_words=tuple(tuple(w.split()) for w in words("period_words")),
            historical_cues=tuple(words("historical_cues")),
            vague_amounts=MappingProxyType(vague),
            ago_numbers=MappingProxyType(numbers),
            leading=re.compile(rf"^({alternation('leading_words')})\s+"),
            ago=re.compile(rf"\b{counted}(?:{alternation('ago_words')})\b"),
            anaphoric=re.compile(rf"\b{counted}(?P<dir>{alternation('anaphoric_words')})\b"),
            relative=re.compile(rf"\b({alternation('relative_words')})\b"),
            same_day=re.compile(rf"\b({alternation('same_day')})\b"),
            two_days_before=re.compile(rf"\b({alternation('two_days_before')})\b"),
            day_before=re.compile(rf"\b({alternation('day_before')})\b"),
            previous=alternation("previous_words"),
            last=alternation("last_words"),
            day_words=frozenset([*words("day_words"), *WEEKDAYS]),
            night=re.compile(rf"\b({alternation('night_phrases')})\b"),
            deadline_preps=frozenset(words("deadline_preps")),
            statement_verbs=frozenset(words("statement_verbs")),
            statement_nouns=frozenset(words("statement_nouns")),
            verbal_types=frozenset(str(w) for w in data["verbal_types"]),
            sequence_preps=frozenset(words("sequence_preps")),
        )


_ORDINAL_DAY = re.compile(r"(?:the )?([0-3]?\d)(?:st|nd|rd|th)")


def _shift_month(d: date, months: int) -> tuple[int, int]:
    m = d.year * 12 + (d.month - 1) + months
    return m // 12, m % 12 + 1


def normalise(text: str) -> str:
    """Lower case, one space, straight apostrophes ("Monday`s" -> "monday's")."""
    return " ".join(text.lower().replace("’", "'").replace("`", "'").split())


def is_anaphoric(text: str, cues: DateCues) -> bool:
    """ "two years earlier": counted from another date of the text."""
    return bool(cues.anaphoric.search(normalise(text)))


def anaphoric_unit(text: str, cues: DateCues) -> str | None:
    """The unit of an anaphoric expression ("two years earlier" -> "year"), or None."""
    m = cues.anaphoric.search(normalise(text))
    return m.group("unit") if m else None


def resolve_expression(
    text: str, published: date | None, cues: DateCues, anchor: EventDate | None = None
) -> EventDate | None:
    """Resolve one date expression; None when it names no usable date.

    ``anchor`` is the date an anaphoric expression ("two years earlier") counts
    from; without one such an expression is unknown."""
    t = cues.leading.sub("", normalise(text), count=1)
    if cues.anaphoric.search(t):
        return _anaphoric(t, anchor, cues)
    rel = _relative(t, published, cues)
    if rel is not None:
        return rel
    return _explicit(t, published)


def _amount(raw: str, cues: DateCues) -> tuple[int, bool]:
    """The number of an amount ("several" is about 4) and whether it is vague."""
    if raw.isdigit():
        return int(raw), False
    if raw in cues.vague_amounts:
        return cues.vague_amounts[raw], True
    return cues.ago_numbers.get(raw, 1), False


def _counted(base: date, n: int, unit: str, vague: bool, source: str) -> EventDate:
    """``n`` units before ``base`` (after it for a negative ``n``)."""
    if unit in _UNITS:
        d = base - timedelta(days=n * _UNITS[unit])
        precision = "day" if unit == "day" and not vague else "week"
        return EventDate(d.isoformat(), precision, source)  # type: ignore[arg-type]
    if unit == "month":
        y, m = _shift_month(base, -n)
        return EventDate(f"{y:04d}-{m:02d}", "month", source)  # type: ignore[arg-type]
    years = n * (10 if unit == "decade" else 1)
    return EventDate(f"{base.year - years:04d}", "year", source)  # type: ignore[arg-type]


_FINER = {"day": 0, "week": 1, "fortnight": 1, "month": 2, "year": 3, "decade": 3}


def _anaphoric(t: str, anchor: EventDate | None, cues: DateCues) -> EventDate:
    m = cues.anaphoric.search(t)
    if m is None or anchor is None or anchor.value is None or anchor.precision is None:
        return UNKNOWN_DATE
    n, vague = _amount(m.group("n"), cues)
    unit = m.group("unit")
    if m.group("dir") in ("later", "after"):
        n = -n
    value = anchor.value
    rank = PRECISION_RANK[anchor.precision]
    if _FINER[unit] < rank:
        return EventDate(anchor.value, anchor.precision, "relative")  # as close as it gets
    base = date.fromisoformat((value + "-01-01")[:10] if len(value) < 10 else value)
    return _counted(base, n, unit, vague, "relative")


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
        n, vague = _amount(m.group("n"), cues)
        return _counted(pub, n, m.group("unit"), vague, "relative")
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


def date_expressions(sent: Any, cues: DateCues) -> list[Any]:
    """Date entities, times that name a day ("Thursday night", "last night"), day
    words the tagger left outside any entity ("... rule yesterday, killing",
    "Monday`s attack") and counted expressions it missed ("about a fortnight ago")."""
    out: list[Any] = []
    covered: set[int] = set()
    for ent in sent.ents:
        day_time = ent.label_ == "TIME" and (
            any(normalise(t.text).removesuffix("'s") in cues.day_words for t in ent)
            or bool(cues.night.search(ent.text.lower()))
        )
        if ent.label_ == "DATE" or day_time:
            out.append(ent)
            covered.update(range(ent.start, ent.end))
    for t in sent:
        word = normalise(t.text).removesuffix("'s")
        if t.i not in covered and word in cues.day_words and t.ent_type_ not in ("ORG", "PERSON"):
            out.append(t.doc[t.i : t.i + 1])
            covered.add(t.i)
    text = sent.text.lower()
    for m in cues.ago.finditer(text):
        span = sent.doc.char_span(
            sent.start_char + m.start(), sent.start_char + m.end(), alignment_mode="expand"
        )
        if span is not None and not any(t.i in covered for t in span):
            out.append(span)
    return sorted(out, key=lambda e: int(e.start))


def governor(root: Any, cues: DateCues) -> Any | None:
    """The verb, or statement noun ("a report today"), a date expression modifies."""
    for h in _heads(root):
        if h.pos_ in ("VERB", "AUX") or normalise(h.text) in cues.statement_nouns:
            return h
    return None


def _heads(tok: Any) -> list[Any]:
    out = []
    cur = tok
    while cur.head.i != cur.i:
        cur = cur.head
        out.append(cur)
    return out


def is_period(ent: Any, cues: DateCues) -> bool:
    """ "since 1980", "over the past decade": a period, not a day."""
    doc = ent.doc
    words = [t.lower_ for t in doc[max(ent.sent.start, ent.start - 3) : ent.end]]
    text = " ".join(words)
    return any(
        re.search(r"(?<![\w-])" + re.escape(" ".join(p)) + r"(?![\w-])", text)
        for p in cues.period_words
    )


def historical(sentence: str, cues: DateCues) -> bool:
    """Does the sentence look back (a history, an anniversary, a comparison)?"""
    t = " ".join(sentence.lower().split())
    return any(
        re.search(r"(?<![\w-])" + re.escape(c) + r"(?![\w-])", t) for c in cues.historical_cues
    )


def is_deadline(ent: Any, cues: DateCues) -> bool:
    """ "by 2050", "until March": a target or a limit, not when the event happened."""
    root = ent.root
    if root.dep_ == "pobj" and root.head.lower_ in cues.deadline_preps:
        return True
    return any(t.lower_ in cues.deadline_preps for t in ent[:1])


def after_publication(d: EventDate, published: date | None) -> bool:
    """A date after publication is a plan or a deadline, not the event's date."""
    if published is None or d.value is None:
        return False
    return d.value[: len(published.isoformat())] > published.isoformat()[: len(d.value)]
