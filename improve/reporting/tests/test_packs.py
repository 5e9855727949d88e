"""Assembling a pack: the registry's sections in the board's order, the summary first, the gaps named."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from improve.core.audit import SYSTEM
from improve.core.document import BulletList, Note, Paragraph
from improve.governance.models import Meeting
from improve.reporting import packs, services
from improve.reporting.models import BoardPack


def _texts(section):
    found = []
    for block in section.blocks:
        if isinstance(block, BulletList):
            found.extend(block.items)
        elif isinstance(block, Paragraph | Note):
            found.append(block.text)
    return found


def test_a_month_s_pack_is_judged_at_its_last_day_with_the_summary_first(bd, cib, samples):
    pack = packs.pack_build(bd, cib, month=dt.date(2019, 10, 1))
    assert (pack.as_at, pack.period_start) == (dt.date(2019, 10, 31), dt.date(2019, 10, 1))
    assert pack.title == "Children's Improvement Board: October 2019"
    assert pack.council == "London Borough of Barking and Dagenham" and pack.status == "Draft"
    assert [s.key for s in pack.sections] == ["summary", "sample-plan", "sample-notes"]
    summary = _texts(pack.sections[0])
    # the plan's facts since the period's start, grouped under their area; the empty section named
    assert "219 'CSG endorsement' was due on 18/10/2019 and is not started" in summary
    assert "No data for 01/10/2019 to 31/10/2019 in: Workforce." in summary
    plan = pack.sections[1]
    assert all(row[3].value <= dt.date(2019, 10, 31) for row in plan.blocks[-1].rows)


def test_a_month_with_no_data_says_what_is_missing_rather_than_failing(bd, cib, samples):
    pack = packs.pack_build(bd, cib, month=dt.date(2017, 6, 1))
    assert [s.key for s in pack.sections] == ["summary", "sample-notes"]
    summary = _texts(pack.sections[0])
    assert "No changes recorded since 01/06/2017." in summary
    assert "No data for 01/06/2017 to 30/06/2017 in: Plan: lines due, Workforce." in summary


def test_with_no_other_section_the_pack_still_has_its_summary(bd, cib, summary_only):
    pack = packs.pack_build(bd, cib, month=dt.date(2019, 10, 1))
    assert [s.key for s in pack.sections] == ["summary"]
    assert _texts(pack.sections[0]) == ["No changes recorded since 01/10/2019."]


def test_a_board_chooses_its_sections_and_their_order(bd, cib, samples):
    services.pack_sections_save(
        actor=SYSTEM,
        board=cib,
        choices=[("sample-notes", True, 1), ("summary", True, 2), ("sample-plan", False, 3), ("sample-empty", True, 4)],
    )
    pack = packs.pack_build(bd, cib, month=dt.date(2019, 10, 1))
    assert [s.key for s in pack.sections] == ["sample-notes", "summary"]
    # the plan is not carried, so its facts are not in the summary either
    assert _texts(pack.sections[1])[0] == "No changes recorded since 01/10/2019."
    # another board keeps the default
    other = bd.boards.get(code="csg")
    assert [s.key for s in packs.pack_build(bd, other, month=dt.date(2019, 10, 1)).sections][:2] == [
        "summary",
        "sample-plan",
    ]


def test_a_section_a_room_adds_after_the_board_chose_is_carried_last(bd, cib, samples):
    services.pack_sections_save(actor=SYSTEM, board=cib, choices=[("sample-notes", True, 1), ("summary", True, 2)])
    keys = [c.section.key for c in packs.chosen_sections(cib)]
    assert keys == ["sample-notes", "summary", "sample-plan", "sample-empty"]


def test_a_section_no_room_offers_is_refused_by_name(bd, cib, samples):
    with pytest.raises(ValidationError, match="No room offers the section"):
        services.pack_sections_save(actor=SYSTEM, board=cib, choices=[("no-such", True, 1)])


def test_what_changed_starts_at_the_board_s_last_issued_pack(bd, cib, samples):
    BoardPack.objects.create(
        programme=bd,
        board=cib,
        month=dt.date(2019, 9, 1),
        as_at=dt.date(2019, 10, 10),
        period_start=dt.date(2019, 9, 1),
        status=BoardPack.Status.ISSUED,
        title="September",
        data={"x": 1},
        pdf=b"%PDF",
    )
    ctx = packs.context_for(bd, cib, month=dt.date(2019, 10, 1))
    assert ctx.since == dt.date(2019, 10, 10) and ctx.board_id == cib.pk and ctx.role == "board_member"
    summary = _texts(packs.pack_build(bd, cib, month=dt.date(2019, 10, 1)).sections[0])
    assert any("218 'Endorsed by Operations - Com Sol' was due on 11/10/2019" in t for t in summary)
    assert not any("217 " in t for t in summary)  # due 04/10/2019: before the last pack


def test_a_meeting_s_pack_is_judged_at_the_meeting_and_covers_since_the_last_one(bd, cib, samples):
    meetings = list(Meeting.objects.filter(board=cib, cancelled=False).order_by("date"))
    if len(meetings) < 2:
        pytest.skip("the example has fewer than two meetings of the board")
    meeting = meetings[1]
    pack = packs.pack_build(bd, cib, meeting=meeting)
    assert pack.as_at == meeting.date
    assert pack.period_start == meetings[0].date + dt.timedelta(days=1)
    assert pack.title == f"Children's Improvement Board: meeting of {meeting.date:%d/%m/%Y}"


@pytest.mark.parametrize("text", ["2019-13", "2019", "19-10", "October", ""])
def test_a_bad_month_is_refused_with_what_would_be_accepted(text):
    with pytest.raises(ValueError, match="write it as YYYY-MM, e.g. 2019-10"):
        packs.parse_month(text)


def test_the_summary_lists_the_first_changes_of_a_busy_area_and_counts_the_rest():
    from improve.core.document import Change
    from improve.core.registry import PackContext, PackSection

    many = PackSection(
        key="plan",
        title="Plan",
        build=lambda ctx: None,
        changes=lambda ctx: [Change("Plan", f"line {n} slipped {40 - n} days") for n in range(30)],
    )
    few = PackSection(
        key="raid", title="Risks", build=lambda ctx: None, changes=lambda ctx: [Change("Risks", "R1 rose to 16")]
    )
    ctx = PackContext(
        programme=None, as_at=dt.date(2019, 10, 31), period_start=dt.date(2019, 10, 1), since=dt.date(2019, 9, 30)
    )
    texts = _texts(packs.summary_build(ctx, [many, few]))
    listed = [t for t in texts if t.startswith("line ")]
    assert listed == [f"line {n} slipped {40 - n} days" for n in range(packs.SUMMARY_LISTED)]  # the first, in order
    assert f"… and {30 - packs.SUMMARY_LISTED} more changes, listed in the Plan section." in texts
    assert "R1 rose to 16" in texts and not any("more changes" in t and "Risks" in t for t in texts)
