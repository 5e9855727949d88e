"""The meeting calendar as iCalendar (RFC 5545), for Outlook and other calendar programs.

Each meeting keeps one UID for life (its ``uid``), so a program that imported or subscribed to
the feed updates a moved meeting instead of adding another; a cancelled meeting stays in the
feed with ``STATUS:CANCELLED``. Times are local to Europe/London, with the time zone included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from improve.governance.models import Meeting

LONDON = ZoneInfo("Europe/London")
PRODID = "-//Improvement Office//Governance calendar//EN"


def feed(meetings: Iterable[Meeting], *, name: str, domain: str = "improvement-office") -> bytes:
    """An .ics file of ``meetings`` (each with its board loaded)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/London")
    for meeting in meetings:
        board = meeting.board
        start = dt.datetime.combine(meeting.date, meeting.starts_at or board.starts_at, tzinfo=LONDON)
        event = Event()
        event.add("uid", f"{meeting.uid}@{domain}")
        event.add("dtstamp", meeting.modified_at.astimezone(dt.UTC))
        event.add("last-modified", meeting.modified_at.astimezone(dt.UTC))
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=board.duration_minutes))
        event.add("summary", board.name)
        notes = (
            [f"Moved from {meeting.scheduled:%d/%m/%Y}: {meeting.reason or meeting.moved_for}"] if meeting.moved else []
        )
        if meeting.cancelled:
            notes.append(f"Cancelled: {meeting.reason}")
        if meeting.notes:
            notes.append(meeting.notes)
        if notes:
            event.add("description", "\n".join(notes))
        event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
