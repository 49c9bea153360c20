"""Dates and time words around a trigger."""
import pytest

from actorgraph.extract.timex import dateline, parse_date, time_of


@pytest.mark.parametrize("text, expected", [
    ("28 January 2025", "2025-01-28"), ("Jan 28, 2025", "2025-01-28"), ("March 2015", "2015-03"),
    ("in 2017", "2017"), ("nothing here", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_month_alone_takes_the_anchor_year():
    assert parse_date("captured in May", anchor="2023-06-24") == "2023-05"


def test_dateline_anchor():
    assert dateline("Headline\n\nKHARTOUM, Apr 15, 2023 - Fighting broke out.") == "2023-04-15"


def first(nlp, text, word):
    return next(t for t in nlp(text) if t.text == word)


def test_since_is_ongoing(nlp):
    span = time_of(first(nlp, "The PKK has fought Turkey since 1984.", "fought"))
    assert (span.start, span.value) == ("1984", "ongoing_since")


def test_range(nlp):
    span = time_of(first(nlp, "Yusuf led the group from 2002 to 2009.", "led"))
    assert (span.start, span.end, span.value) == ("2002", "2009", "span")


def test_timeline_line_head(nlp):
    text = "2009 - Shekau takes over the group.\n2015 - The group pledges allegiance to IS."
    span = time_of(first(nlp, text, "takes"))
    assert span.start == "2009"


def test_formerly_is_past(nlp):
    span = time_of(first(nlp, "The group was formerly allied with al-Qaeda.", "allied"))
    assert span.value == "past"


def test_to_this_day_is_present(nlp):
    span = time_of(first(nlp, "The faction is close to the Taliban to this day.", "close"))
    assert span.value == "present"
