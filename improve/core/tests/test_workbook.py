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
