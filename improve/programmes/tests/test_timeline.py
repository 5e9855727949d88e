import datetime as dt

from improve.programmes import timeline


def test_every_row_is_drawn_and_nothing_is_truncated():
    rows = [
        timeline.Row(key=str(i), label=f"{i} Line", start=dt.date(2019, 5, 1), end=dt.date(2019, 6, 1))
        for i in range(3550)
    ]
    svg = timeline.render(rows, [], [], today=dt.date(2019, 5, 15), title="Plan")
    assert svg.count("<rect x=") == 3550
    assert "Today" in svg


def test_today_outside_the_plan_draws_no_today_line():
    rows = [timeline.Row(key="1", label="1 A", start=dt.date(2019, 5, 1), end=dt.date(2019, 6, 1))]
    assert "Today" not in timeline.render(rows, [], [], today=dt.date(2026, 1, 1), title="Plan")


def test_milestones_gates_tbd_and_links():
    rows = [
        timeline.Row(key="1", label="1 Design pack", start=dt.date(2019, 1, 1), end=dt.date(2019, 4, 18)),
        timeline.Row(
            key="17", label="17 Endorsed by CSG", start=dt.date(2019, 4, 18), end=dt.date(2019, 4, 18), kind="gate"
        ),
        timeline.Row(key="23", label="23 Stakeholder plan", start_tbd=True, end_tbd=True),
    ]
    bands = [timeline.Band("Defining a Programme", dt.date(2019, 4, 1), dt.date(2019, 6, 30))]
    svg = timeline.render(
        rows,
        bands,
        [timeline.Link("1", "17", "FS"), timeline.Link("1", "missing")],
        today=dt.date(2019, 5, 1),
        title="Plan <B&D>",
    )
    assert svg.count('marker-end="url(#tl-arrow)"') == 1  # a link to a missing line is skipped
    assert ">TBD<" in svg and "Defining a Programme" in svg
    assert "Plan &lt;B&amp;D&gt;" in svg  # labels are escaped
    assert '<path d="M' in svg  # the gate's diamond


def test_dates_beyond_the_programme_range_are_drawn_at_its_edges():
    rows = [
        timeline.Row(key="1", label="1 Far", start=dt.date(1, 1, 1), end=dt.date(9999, 12, 31)),
        timeline.Row(key="2", label="2 Gate", start=dt.date(9999, 12, 31), end=dt.date(9999, 12, 31), kind="gate"),
    ]
    bands = [timeline.Band("Forever", dt.date(1, 1, 1), dt.date(9999, 12, 31))]
    svg = timeline.render(rows, bands, [timeline.Link("1", "2")], today=dt.date(2019, 5, 1), title="Plan")
    assert "from 01/01/1990 to 01/01/2101" in svg  # not from year 1 to year 10000
    assert len(svg) < 400_000
