"""The import plan: what a workbook creates, changes and removes, sheet by sheet."""

from improve.core.workbook import Column, Plan, Row, SheetSpec, diff

THINGS = SheetSpec("things", (Column("code", required=True), Column("name")), key=("code",))
OTHERS = SheetSpec("others", (Column("code", required=True),), key=("code",))


def rows(*values: dict[str, str]) -> dict[tuple[str, ...], Row]:
    return {(v["code"],): Row(number=n, values=v) for n, v in enumerate(values, start=2)}


def test_a_plan_touches_only_the_sheets_it_creates_changes_or_removes_rows_in() -> None:
    unchanged = Plan()
    diff(unchanged, THINGS, rows({"code": "a", "name": "A"}), [(object(), {"code": "a", "name": "A"})])
    assert not unchanged.touches([THINGS, OTHERS])

    for existing, sheet in (
        ([], rows({"code": "a", "name": "A"})),  # created
        ([(object(), {"code": "a", "name": "Old"})], rows({"code": "a", "name": "A"})),  # changed
        ([(object(), {"code": "a", "name": "A"})], rows()),  # removed
    ):
        plan = Plan()
        diff(plan, THINGS, sheet, existing)
        assert plan.touches([THINGS]) and plan.touches([OTHERS, THINGS])
        assert not plan.touches([OTHERS])


def test_cells_are_read_to_their_column_s_type_or_refused_with_a_message() -> None:
    from improve.core.workbook import CHOICE, INT, _parse_cell

    status = Column("status", CHOICE, choices=("not_started", "in_progress", "complete"))
    assert _parse_cell(status, "in_progress") == ("in_progress", None)
    assert _parse_cell(status, " In Progress ") == ("in_progress", None)
    assert _parse_cell(status, "in-progress") == ("in_progress", None)
    assert _parse_cell(status, "done")[1] == "'done' is not allowed: use one of not_started, in_progress, complete"

    percent = Column("percent_complete", INT, minimum=0, maximum=100)
    assert _parse_cell(percent, 40) == (40, None)
    assert _parse_cell(percent, "40") == (40, None)
    assert _parse_cell(percent, 101)[1] == "101 is outside 0–100: enter a whole number from 0 to 100"
    assert _parse_cell(percent, True)[1] == "'TRUE' is not a whole number"
    huge = _parse_cell(percent, 10**30)[1]
    assert huge == "A number of more than 20 digits is outside 0–100: enter a whole number from 0 to 100"
