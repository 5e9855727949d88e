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


KEPT = SheetSpec(
    "years",
    (Column("code", required=True), Column("name"), Column("closed_to", "int", default=0, change_perm="close")),
    key=("code",),
    change_perm="edit",
)


def refused_for(held: set[str], existing, sheet) -> list[str]:
    from improve.core.workbook import refused

    plan = Plan()
    diff(plan, KEPT, sheet, [(object(), v) for v in existing])
    return [str(p) for p in refused(plan, [KEPT, OTHERS], held.__contains__, lambda perm: f"do {perm}")]


def test_an_import_changing_a_sheet_the_role_does_not_keep_is_refused_row_by_row() -> None:
    old = [{"code": "a", "name": "A", "closed_to": 0}, {"code": "b", "name": "B", "closed_to": 0}]
    same = rows(*old)
    # Left as exported: nothing to refuse, whoever imports it.
    assert refused_for(set(), old, same) == []
    changed = rows({"code": "a", "name": "New", "closed_to": 0}, {"code": "c", "name": "C", "closed_to": 0})
    assert refused_for(set(), old, changed) == [
        "years / row – / – / Leaving out the row b (archived if imported) needs the permission to do edit: "
        "leave it as exported",
        "years / row 2 / name / Changing name from A needs the permission to do edit: leave it as exported",
        "years / row 3 / – / Adding this row needs the permission to do edit: leave it as exported",
    ]
    assert refused_for({"edit"}, old, changed) == []


def test_a_column_can_need_a_permission_of_its_own() -> None:
    old = [{"code": "a", "name": "A", "closed_to": 0}]
    closing = rows({"code": "a", "name": "A", "closed_to": 3}, {"code": "n", "name": "N", "closed_to": 2})
    assert refused_for({"edit"}, old, closing) == [
        "years / row 2 / closed_to / Changing closed_to from 0 needs the permission to do close: leave it as exported",
        "years / row 3 / closed_to / Setting closed_to to 2 needs the permission to do close: leave it as exported",
    ]
    assert refused_for({"edit", "close"}, old, closing) == []
    # A new row at the column's default sets nothing guarded.
    assert refused_for({"edit"}, old, rows(*old, {"code": "n", "name": "N", "closed_to": 0})) == []
