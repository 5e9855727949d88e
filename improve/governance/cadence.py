"""Meeting cadences as councils write them, turned into dates. Pure: no Django, no I/O.

:func:`parse` reads a cadence such as "Monthly (before 1st Thursday)", "monthly (3rd Thursday)",
"weekly (Tuesday)", "fortnightly from 02/04/2019", "every 6 weeks from 02/04/2019", "quarterly
from 11/04/2019" or "first Monday of the month" into a :class:`Cadence`; :meth:`Cadence.dates`
generates the meetings between two dates with python-dateutil's ``rrule``.

Bank holidays (England and Wales, from the ``holidays`` package, which ships its rules: nothing
is fetched): a meeting that falls on a bank holiday or a weekend moves to the **next working
day**; a meeting held *before* a day ("before the 2nd Thursday") moves to the **previous**
working day instead, so that it is still before that day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from dateutil.rrule import MONTHLY, WEEKLY, YEARLY, rrule, weekday
from dateutil.rrule import weekdays as rrule_weekdays

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ORDINALS = {
    "1st": 1,
    "first": 1,
    "2nd": 2,
    "second": 2,
    "3rd": 3,
    "third": 3,
    "4th": 4,
    "fourth": 4,
    "last": -1,
}
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "eight": 8, "twelve": 12}

EXAMPLES = (
    "weekly (Tuesday)",
    "fortnightly (Wednesday) from 03/04/2019",
    "every 6 weeks from 02/04/2019",
    "monthly (3rd Thursday)",
    "monthly, before the 1st Thursday",
    "monthly, 2 working days before the 2nd Thursday",
    "first Monday of the month",
    "last Friday of the month",
    "quarterly from 11/04/2019",
)


class CadenceError(ValueError):
    """A cadence that cannot be read; the message says what is understood."""


def _understood() -> str:
    return "; ".join(f"'{e}'" for e in EXAMPLES)


@dataclass(frozen=True)
class Cadence:
    """How often a board meets.

    ``freq`` is ``"weekly"`` or ``"monthly"`` (``"yearly"`` for annual), every ``interval`` of
    them; ``weekday`` 0 (Monday) … 6; ``nth`` the week of the month (1–4, -1 for the last);
    ``before`` how many working days before that day the meeting is held (0: on the day);
    ``anchor`` the first meeting, for cadences that need one (fortnightly, every 6 weeks,
    quarterly).
    """

    text: str
    freq: str
    interval: int = 1
    weekday: int | None = None
    nth: int | None = None
    before: int = 0
    anchor: dt.date | None = None

    def describe(self) -> str:
        day = WEEKDAYS[self.weekday].title() if self.weekday is not None else ""
        if self.freq == "weekly":
            every = "every week" if self.interval == 1 else f"every {self.interval} weeks"
            return f"{every} on {day or 'the same day'}" + (f" from {self.anchor:%d/%m/%Y}" if self.anchor else "")
        if self.freq == "yearly":
            return f"every year from {self.anchor:%d/%m/%Y}" if self.anchor else "every year"
        every = {1: "every month", 3: "every quarter"}.get(self.interval, f"every {self.interval} months")
        if self.nth is None or self.weekday is None:
            return f"{every} from {self.anchor:%d/%m/%Y}" if self.anchor else every
        which = "last" if self.nth == -1 else {1: "1st", 2: "2nd", 3: "3rd"}.get(self.nth, f"{self.nth}th")
        target = f"the {which} {day}"
        if self.before:
            wd = "working day" if self.before == 1 else "working days"
            target = f"{self.before} {wd} before {target}"
        return f"{every}, {target}"

    def _rule(self, start: dt.date, until: dt.date) -> rrule:
        begin = dt.datetime.combine(self.anchor or start, dt.time())
        end = dt.datetime.combine(until, dt.time())
        if self.freq == "weekly":
            days = None if self.weekday is None else rrule_weekdays[self.weekday]
            return rrule(WEEKLY, interval=self.interval, byweekday=days, dtstart=begin, until=end)
        if self.freq == "yearly":
            return rrule(YEARLY, dtstart=begin, until=end)
        if self.weekday is not None and self.nth is not None:
            byday: weekday = rrule_weekdays[self.weekday](self.nth)
            return rrule(MONTHLY, interval=self.interval, byweekday=byday, dtstart=begin, until=end)
        return rrule(MONTHLY, interval=self.interval, bymonthday=begin.day, dtstart=begin, until=end)

    def dates(self, start: dt.date, end: dt.date, holidays: Mapping[dt.date, str] | None = None) -> list[Meeting]:
        """The meetings from ``start`` to ``end`` (both included), moved off bank holidays.

        A meeting's ``nominal`` date is what the cadence says; ``date`` is when it is held.
        """
        holidays = bank_holidays(start.year - 1, end.year + 1) if holidays is None else holidays
        # Generate a month either side: a meeting "before the 1st Thursday" of May can fall in April.
        margin = dt.timedelta(days=40)
        first = start - margin if self.anchor is None else self.anchor
        out: list[Meeting] = []
        for when in self._rule(first, end + margin):
            base = when.date()
            nominal = working_days_before(base, self.before, holidays) if self.before else base
            held, moved_for = nominal, ""
            if not is_working_day(nominal, holidays):
                moved_for = holidays.get(nominal, "weekend")
                held = previous_working_day(nominal, holidays) if self.before else next_working_day(nominal, holidays)
            if start <= held <= end:
                out.append(Meeting(nominal=nominal, date=held, moved_for=moved_for))
        return out


@dataclass(frozen=True)
class Meeting:
    """One generated meeting: when the cadence puts it, when it is held, and why they differ."""

    nominal: dt.date
    date: dt.date
    moved_for: str = ""


# --- working days -------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _bank_holidays(first_year: int, last_year: int) -> Mapping[dt.date, str]:
    import holidays as holiday_rules  # the rules ship with the package: nothing is fetched

    found = holiday_rules.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return dict(sorted(found.items()))


def bank_holidays(first_year: int, last_year: int) -> Mapping[dt.date, str]:
    """England and Wales bank holidays from ``first_year`` to ``last_year``: date → name."""
    return _bank_holidays(first_year, last_year)


def is_working_day(day: dt.date, holidays: Mapping[dt.date, str]) -> bool:
    return day.weekday() < 5 and day not in holidays


def next_working_day(day: dt.date, holidays: Mapping[dt.date, str]) -> dt.date:
    while not is_working_day(day, holidays):
        day += dt.timedelta(days=1)
    return day


def previous_working_day(day: dt.date, holidays: Mapping[dt.date, str]) -> dt.date:
    while not is_working_day(day, holidays):
        day -= dt.timedelta(days=1)
    return day


def working_days_before(day: dt.date, count: int, holidays: Mapping[dt.date, str]) -> dt.date:
    """The working day ``count`` working days before ``day`` (``count`` 0: ``day`` itself)."""
    for _ in range(count):
        day -= dt.timedelta(days=1)
        day = previous_working_day(day, holidays)
    return day


# --- reading a cadence --------------------------------------------------------------------------

_DATE_RE = re.compile(r"\b(?:from|starting|starting on|first meeting)\s+(\d{1,2})/(\d{1,2})/(\d{4})\b")
_WEEKDAY_RE = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")s?\b")
_NTH_RE = re.compile(r"\b(1st|2nd|3rd|4th|first|second|third|fourth|last)\s+(" + "|".join(WEEKDAYS) + r")\b")
_BEFORE_RE = re.compile(r"\b(?:(\d+|one|two|three|four|five)\s+(working\s+)?days?\s+)?before\b")
_EVERY_RE = re.compile(r"\bevery\s+(\d+|two|three|four|five|six|eight|twelve)\s+(week|month)s?\b")


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBERS[word]


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'")
    text = re.sub(r"(\d)\s+(st|nd|rd|th)\b", r"\1\2", text)  # "1 st Thursday", as PDFs print it
    text = re.sub(r"[(),;:]", " ", text)
    return " ".join(text.split())


def parse(text: str, anchor: dt.date | None = None) -> Cadence:
    """Read a cadence; ``anchor`` is the first meeting, if the board has set one.

    Raises :class:`CadenceError` with examples of what is understood.
    """
    original = " ".join(str(text).split())
    words = _normalise(original)
    if not words:
        raise CadenceError(f"Enter how often the board meets, for example {_understood()}")
    if found := _DATE_RE.search(words):
        day, month, year = (int(g) for g in found.groups())
        try:
            anchor = dt.date(year, month, day)
        except ValueError as exc:
            raise CadenceError(f"'{found.group(0)}' is not a real date: use dd/mm/yyyy") from exc
        words = (words[: found.start()] + words[found.end() :]).strip()

    nth_match = _NTH_RE.search(words)
    day_match = _WEEKDAY_RE.search(words)
    weekday_ = WEEKDAYS.index(day_match.group(1)) if day_match else None
    before = 0
    if nth_match and (b := _BEFORE_RE.search(words[: nth_match.start()])):
        before = _number(b.group(1)) if b.group(1) else 1

    freq, interval = "", 1
    if every := _EVERY_RE.search(words):
        interval = _number(every.group(1))
        freq = "weekly" if every.group(2) == "week" else "monthly"
    elif re.search(r"\b(fortnightly|bi-?weekly|every other week)\b", words):
        freq, interval = "weekly", 2
    elif re.search(r"\b(weekly|every week)\b", words) or re.fullmatch(r"every (" + "|".join(WEEKDAYS) + ")", words):
        freq = "weekly"
    elif re.search(r"\b(quarterly|every quarter)\b", words):
        freq, interval = "monthly", 3
    elif re.search(r"\b(bi-?monthly|every other month)\b", words):
        freq, interval = "monthly", 2
    elif re.search(r"\b(annually|yearly|every year)\b", words):
        freq = "yearly"
    elif re.search(r"\b(monthly|every month|of the month|of each month|of every month)\b", words):
        freq = "monthly"
    else:
        raise CadenceError(f"'{original}' is not a cadence this office can read: use one like {_understood()}")

    if freq == "weekly":
        if nth_match:
            raise CadenceError(f"'{original}': a weekly meeting has no '{nth_match.group(1)}' week: say the day only")
        if weekday_ is None and anchor is not None:
            weekday_ = anchor.weekday()
        if interval > 1 and anchor is None:
            raise CadenceError(
                f"'{original}': say when the first meeting is, for example '{original} from 02/04/2019', "
                "or set the board's first meeting"
            )
        if weekday_ is None:
            raise CadenceError(f"'{original}': say which day, for example 'weekly (Tuesday)'")
        if anchor is not None and anchor.weekday() != weekday_:
            raise CadenceError(
                f"'{original}': the first meeting ({anchor:%d/%m/%Y}) is a {WEEKDAYS[anchor.weekday()].title()}, "
                f"not a {WEEKDAYS[weekday_].title()}"
            )
        return Cadence(original, "weekly", interval, weekday_, None, 0, anchor)

    if freq == "yearly":
        if anchor is None:
            raise CadenceError(f"'{original}': say when the first meeting is, for example '{original} from 01/04/2019'")
        return Cadence(original, "yearly", 1, None, None, 0, anchor)

    nth = ORDINALS[nth_match.group(1)] if nth_match else None
    if nth_match:
        weekday_ = WEEKDAYS.index(nth_match.group(2))
    elif weekday_ is not None:
        raise CadenceError(
            f"'{original}': say which {WEEKDAYS[weekday_].title()} of the month, for example "
            f"'monthly (3rd {WEEKDAYS[weekday_].title()})'"
        )
    if nth is None and anchor is None:
        raise CadenceError(
            f"'{original}': say which day of the month, for example 'monthly (3rd Thursday)', or when the first "
            f"meeting is, for example '{original} from 11/04/2019'"
        )
    if (interval > 1) and anchor is None:
        raise CadenceError(
            f"'{original}': say when the first meeting is, for example '{original} from 11/04/2019', "
            "so the office knows which months"
        )
    if nth is None and anchor is not None:  # the same week and day of the month as the first meeting
        weekday_, nth = anchor.weekday(), min((anchor.day - 1) // 7 + 1, 4)
    if anchor is not None:  # the rule counts months from the first meeting's month
        anchor = anchor.replace(day=1)
    return Cadence(original, "monthly", interval, weekday_, nth, before, anchor)


def calendar(cadences: Iterable[tuple[object, Cadence]], start: dt.date, end: dt.date) -> list[tuple[object, Meeting]]:
    """Every board's meetings from ``start`` to ``end``, by date: ``(board, meeting)``."""
    holidays = bank_holidays(start.year - 1, end.year + 1)
    found = [(board, m) for board, cadence in cadences for m in cadence.dates(start, end, holidays)]
    return sorted(found, key=lambda pair: pair[1].date)


__all__ = ["Cadence", "CadenceError", "Meeting", "bank_holidays", "calendar", "parse"]
