"""When a relation holds: explicit dates and ranges near its trigger, 'since 2017', 'formerly',
'to this day', timeline line heads ('2015 - ...'), anchored on the publication date."""
from __future__ import annotations

import calendar
import re
from datetime import date
from typing import TYPE_CHECKING

from ..models import TimeSpan
from .tokens import TokenTable, table

if TYPE_CHECKING:
    from spacy.tokens import Token

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
MONTHS |= {name[:3]: i for name, i in list(MONTHS.items())} | {"sept": 9}
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s+{_MONTH}\.?,?\s+(\d{{4}})\b", re.I)
MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.I)
MONTH_YEAR = re.compile(rf"\b{_MONTH}\.?\s+(\d{{4}})\b", re.I)
YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")
MONTH_ALONE = re.compile(rf"\b(?:in|since|by|until)\s+{_MONTH}\b", re.I)
RANGE = re.compile(r"\b(?:from|between)\s+(.+?)\s+(?:to|and|until)\s+(.+?)(?:[,.;]|$)|\b(1[6-9]\d\d|20\d\d)\s*[-\u2013]\s*(1[6-9]\d\d|20\d\d)\b", re.I)
SINCE = re.compile(r"\b(?:since|from)\s+((?:\d{1,2}\s+)?(?:[A-Za-z]+\s+)?\d{4})", re.I)
ONWARDS = re.compile(r"\b(1[6-9]\d\d|20\d\d)\s+onwards?\b", re.I)
TIMELINE_HEAD = re.compile(rf"^\s*((?:\d{{1,2}}\s+)?(?:{_MONTH}\s+)?\d{{4}}(?:\s+onwards?)?)\s*[-\u2013\u2014:]\s", re.I)
PRESENT_WORDS = [(w, re.compile(rf"\b{w}\b")) for w in (
    "to this day", "still", "continues", "continue to", "remains", "ongoing", "now", "today")]
PAST_WORDS = [(w, re.compile(rf"\b{w}\b")) for w in (
    "formerly", "previously", "used to", "former", "once", "earlier", "had been", "until the end")]
ANY_TIME_WORD = re.compile("|".join(rf"\b{w}\b" for w, _ in PRESENT_WORDS + PAST_WORDS))
DATELINE = re.compile(rf"{_MONTH}\.?\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}}", re.I)


def parse_date(text: str, anchor: str | None = None) -> str | None:
    """'28 January 2025' -> '2025-01-28', 'March 2015' -> '2015-03', '2017' -> '2017';
    a month alone ('in May') takes the anchor's year."""
    if m := DAY_MONTH_YEAR.search(text):
        return f"{m[3]}-{MONTHS[m[2].lower()[:3]]:02d}-{int(m[1]):02d}"
    if m := MONTH_DAY_YEAR.search(text):
        return f"{m[3]}-{MONTHS[m[1].lower()[:3]]:02d}-{int(m[2]):02d}"
    if m := MONTH_YEAR.search(text):
        return f"{m[2]}-{MONTHS[m[1].lower()[:3]]:02d}"
    if m := YEAR.search(text):
        return m[1]
    if anchor and (m := MONTH_ALONE.search(text)):
        return f"{anchor[:4]}-{MONTHS[m[1].lower()[:3]]:02d}"
    return None


def dateline(text: str) -> str | None:
    """The date a news item gives in its first lines ('GOMA, Jan 28, 2025 -'), as an anchor."""
    head = text[:400]
    m = DATELINE.search(head)
    return parse_date(m.group(0)) if m else None


def _clause_head(t: TokenTable, i: int) -> int:
    """The verb of the clause token i is in (the nearest verb above it, else the root)."""
    while t.pos[i] not in {"VERB", "AUX"} and t.head[i] != i:
        i = t.head[i]
    return i


def _is_before(value: str, anchor: str | None) -> bool:
    today = anchor or date.today().isoformat()
    return value < today[: len(value)]


def time_of(trigger: Token, anchor: str | None = None) -> TimeSpan | None:
    """The time a relation holds, from the words around its trigger."""
    t = table(trigger.doc)
    start, end = t.sentence_of[trigger.i]
    clause = t.subtree(_clause_head(t, trigger.i))
    clause_text = " ".join(t.orth[i] for i in clause)
    in_clause = set(clause)
    dates = [e for e in t.entities_within(start, end)
             if e.label_ == "DATE" and any(i in in_clause for i in range(e.start, e.end))]
    lowered = t.sentence_text(start, end).lower()
    if m := RANGE.search(clause_text):
        first, second = (m[1], m[2]) if m[1] else (m[3], m[4])
        begins, ends = parse_date(first, anchor), parse_date(second, anchor)
        if begins or ends:
            return TimeSpan(start=begins, end=ends, text=m.group(0).strip(" ,."), value="span")
    if m := SINCE.search(clause_text) or ONWARDS.search(clause_text):
        begins = parse_date(m.group(0), anchor)
        if begins:
            return TimeSpan(start=begins, text=m.group(0), value="ongoing_since")
    for ent in dates:
        text = t.sentence_text(ent.start, ent.end)
        value = parse_date(text, anchor)
        if value:
            kind = "past" if _is_before(value, anchor) else "present"
            return TimeSpan(start=value, end=value, text=text, value=kind)
    line_start = t.text.rfind("\n", 0, t.idx[start] + 1) + 1
    if m := TIMELINE_HEAD.match(t.text[line_start: t.end_char[end - 1]]):
        value = parse_date(m[1], anchor)
        if value:
            onwards = "onward" in m[1].lower()
            return TimeSpan(start=value, end=None if onwards else value, text=m[1],
                            value="ongoing_since" if onwards else "past")
    if not ANY_TIME_WORD.search(lowered):  # most sentences: one search instead of sixteen
        return None
    for word, pattern in PRESENT_WORDS:
        if pattern.search(lowered):
            return TimeSpan(start=None, end=None, text=word, value="present")
    for word, pattern in PAST_WORDS:
        if pattern.search(lowered):
            return TimeSpan(start=None, end=anchor, text=word, value="past")
    return None


def earliest_day(value: str) -> str:
    """The first day a YYYY, YYYY-MM or YYYY-MM-DD value covers."""
    return (value + "-01-01")[:10] if len(value) == 4 else (value + "-01")[:10]


def latest_day(value: str) -> str:
    """The last day a YYYY, YYYY-MM or YYYY-MM-DD value covers."""
    if len(value) == 4:
        return value + "-12-31"
    if len(value) == 7:
        try:
            return f"{value}-{calendar.monthrange(int(value[:4]), int(value[5:]))[1]:02d}"
        except ValueError:  # not a real month: still later than any day of it
            return value + "-31"
    return value
