"""The money room's workbook sheets: round trip, every problem by sheet / row / column, nothing half-saved."""

import filecmp
from decimal import Decimal as D  # noqa: N817 - the amounts read better

import pytest

from improve.core.models import AuditEvent
from improve.finance import selectors, services
from improve.finance.models import Allocation, BudgetLine, LineAmount
from improve.finance.tests.world import SYSTEM
from improve.interchange import services as interchange
from improve.interchange.tests.conftest import ACTOR, EXAMPLES, load
from improve.interchange.workbook import read_workbook, read_xlsx, write_workbook, xlsx_bytes

FINANCE_SHEETS = (
    "financial_years",
    "budget_groups",
    "budget_lines",
    "budget_amounts",
    "funding_sources",
    "funding_amounts",
    "allocations",
    "printed_figures",
    "budget_trajectory",
    "savings_plans",
    "savings_amounts",
    "demo_data",
)


@pytest.fixture
def bd(db):
    return load("barking-dagenham-2019").programme


def problems(sheets):
    result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    return [str(p) for p in result.problems]


def test_the_example_s_money_files_are_what_the_export_writes(bd, tmp_path):
    interchange.workbook_export_to(programme=bd, target=tmp_path / "out")
    files = [f"{name}.csv" for name in FINANCE_SHEETS]
    match, mismatch, errors = filecmp.cmpfiles(
        EXAMPLES / "barking-dagenham-2019", tmp_path / "out", files, shallow=False
    )
    assert (mismatch, errors) == ([], [])


def test_export_import_export_is_identical_as_xlsx_and_changes_nothing(bd, tmp_path):
    first = interchange.workbook_export(programme=bd)
    events = AuditEvent.objects.count()
    result = interchange.workbook_import(actor=ACTOR, sheets=read_xlsx(xlsx_bytes(first)))
    assert result.ok and not result.has_changes and AuditEvent.objects.count() == events
    result = interchange.workbook_import(actor=ACTOR, sheets=read_workbook(write_workbook(first, tmp_path / "csv")))
    assert result.ok and not result.has_changes
    assert xlsx_bytes(interchange.workbook_export(programme=bd)) == xlsx_bytes(first)


def test_amounts_are_imported_exactly_and_audited(bd):
    sheets = interchange.workbook_export(programme=bd)
    sheets["budget_amounts"] = [
        *sheets["budget_amounts"],
        {"line": "endorsed", "year": "2020/21", "period": "1", "planned": "", "projected": "£1.5k", "actual": "(0.10)"},
        {"line": "endorsed", "year": "2020/21", "period": "2", "planned": "", "projected": "1,234.56", "actual": ""},
    ]
    events = AuditEvent.objects.filter(object_type="finance.lineamount", action="create").count()
    result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    assert result.applied and result.sheet("budget_amounts").created == [
        "endorsed / 2020/21 / 1",
        "endorsed / 2020/21 / 2",
    ]
    rows = {
        a.period: (a.projected, a.actual)
        for a in LineAmount.objects.filter(line__code="endorsed", year__start_year=2020)
    }
    assert rows == {1: (D("1500.00"), D("-0.10")), 2: (D("1234.56"), None)}
    created = AuditEvent.objects.filter(object_type="finance.lineamount", action="create", via="workbook import")
    assert created.count() == events + 2 and created.first().object_label == "endorsed, May 2020"
    assert selectors.budget_summary(bd).figures.programme.projected[2020] == D("2734.56")


def test_every_problem_names_its_sheet_row_and_column_and_nothing_is_saved(bd):
    sheets = interchange.workbook_export(programme=bd)
    before = (LineAmount.objects.count(), BudgetLine.objects.count(), Allocation.objects.count())
    sheets["budget_amounts"] = [
        {"line": "endorsed", "year": "2019/20", "period": "0", "planned": "953000", "projected": "", "actual": ""},
        {"line": "endorsed", "year": "2020/21", "period": "3", "planned": "abc", "projected": "", "actual": ""},
        {"line": "endorsed", "year": "2024/25", "period": "0", "planned": "1", "projected": "", "actual": ""},
        {"line": "endorsed", "year": "2020/21", "period": "4", "planned": "-5", "projected": "", "actual": ""},
        {"line": "ghost", "year": "2020/21", "period": "0", "planned": "1", "projected": "", "actual": ""},
        {"line": "endorsed", "year": "2019/20", "period": "1", "planned": "5", "projected": "", "actual": ""},
        {"line": "endorsed", "year": "2019-20", "period": "13", "planned": "1.001", "projected": "", "actual": ""},
    ]
    sheets["budget_lines"][0]["original_estimate"] = "lots"
    sheets["allocations"] = [
        {"line": "endorsed", "source": "capital", "year": "2019/20", "amount": "953000"},
        {"line": "contingency", "source": "capital", "year": "2019/20", "amount": "£143k"},
    ]
    found = problems(sheets)
    assert found == [
        "budget_lines / row 2 / original_estimate / 'lots' is not an amount of money: write e.g. 1234.56 or (1,234)",
        "budget_amounts / row 2 / planned / Planned for 2019/20 is also entered by month (row 7): "
        "enter it for the whole year (period 0) or by month, not both",
        "budget_amounts / row 3 / planned / 'abc' is not an amount of money: write e.g. 1234.56 or (1,234)",
        "budget_amounts / row 4 / year / 2024/25 is not a year of the programme: "
        "use one of 2019/20, 2020/21, 2021/22, or add 2024/25 first",
        "budget_amounts / row 5 / planned / Planned spend cannot be negative ((£5.00)): enter 0 or more",
        "budget_amounts / row 6 / line / 'ghost' is not a budget line in the budget_lines sheet: add it there first",
        "budget_amounts / row 8 / year / '2019-20' is not written as a financial year is: write it as 2019/20",
        "budget_amounts / row 8 / period / 13 is outside 0–12: enter a whole number from 0 to 12",
        "budget_amounts / row 8 / planned / '1.001' is more precise than a penny: write e.g. 1234.56 or (1,234)",
        "allocations / row 3 / amount / Capital funding released by the PID provides £1,095,000.00 in 2019/20 and "
        "this would allocate £1,096,000.00 of it: allocate at most £1,095,000.00 in all",
    ]
    assert (LineAmount.objects.count(), BudgetLine.objects.count(), Allocation.objects.count()) == before


def test_a_closed_period_s_actual_cannot_be_changed_by_import(bd):
    line = selectors.line_in(bd, "endorsed")
    year = selectors.year_in(bd, "2020/21")
    services.amounts_set(actor=SYSTEM, line=line, year=year, entries=[services.AmountEntry(1, actual=D("10.00"))])
    services.period_close(actor=SYSTEM, period=selectors.period_in(bd, "2019/20", 1))  # periods close in order
    for number in range(2, 13):
        services.period_close(actor=SYSTEM, period=selectors.period_in(bd, "2019/20", number))
    services.period_close(actor=SYSTEM, period=selectors.period_in(bd, "2020/21", 1))
    sheets = interchange.workbook_export(programme=bd)
    row = next(r for r in sheets["budget_amounts"] if r["year"] == "2020/21")
    row["actual"] = D("11.00")
    sheets["budget_amounts"].append(
        {"line": "contingency", "year": "2019/20", "period": 3, "planned": None, "projected": None, "actual": D("1")}
    )
    found = problems(sheets)
    assert found == [
        "budget_amounts / row 16 / actual / April 2020 is closed: its actual changes only through a recorded "
        "adjustment",
        "budget_amounts / row 17 / actual / June 2019 is closed: its actual changes only through a recorded adjustment",
    ]


def test_a_sheet_left_out_changes_nothing(bd):
    sheets = interchange.workbook_export(programme=bd)
    for name in FINANCE_SHEETS:
        del sheets[name]
    result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    assert result.ok and not result.has_changes
    assert BudgetLine.objects.filter(programme=bd).count() == 2


def test_a_line_gone_from_the_sheet_is_archived_and_comes_back(bd):
    sheets = interchange.workbook_export(programme=bd)
    full = [dict(r) for r in sheets["budget_lines"]]
    sheets["budget_lines"] = [r for r in sheets["budget_lines"] if r["code"] != "contingency"]
    sheets["budget_amounts"] = [r for r in sheets["budget_amounts"] if r["line"] != "contingency"]
    printed = sheets["printed_figures"]
    sheets["printed_figures"] = [r for r in printed if r["line"] != "contingency"]
    result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    assert result.applied and result.sheet("budget_lines").removed == ["contingency"]
    assert BudgetLine.all_objects.get(code="contingency").archived
    assert LineAmount.objects.filter(line__code="contingency").exists()  # kept with the archived line
    sheets["budget_lines"], sheets["printed_figures"] = full, printed
    result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    assert result.applied and not BudgetLine.all_objects.get(code="contingency").archived


def test_the_trajectory_round_trips_as_printed_and_its_problems_name_their_cells(bd):
    from improve.finance.models import TrajectoryFigure

    sheets = interchange.workbook_export(programme=bd)
    rows = sheets["budget_trajectory"]
    blank = next(r for r in rows if r["year"] == "2020/21" and r["label"] == "TOM Cost Implications")
    assert blank["text"] == ""  # blank in the paper, blank in the workbook
    cell = TrajectoryFigure.objects.get(programme=bd, year__start_year=2019, label="Transformation Savings")
    assert (cell.text, cell.value, cell.step) == ("-£1.12m", D("-1120000.00"), D("10000.00"))
    before = list(TrajectoryFigure.objects.values_list("pk", "text").order_by("pk"))
    sheets["budget_trajectory"] = [
        *rows,
        {"year": "2021/22", "order": "20", "kind": "budget", "label": "Again", "text": "£1m", "source": ""},
        {"year": "2021/22", "order": "21", "kind": "outturn", "label": "Out-turn", "text": "", "source": ""},
        {"year": "2021/22", "order": "22", "kind": "cost_movement", "label": "X", "text": "lots", "source": ""},
        {"year": "2024/25", "order": "1", "kind": "opening", "label": "Y", "text": "£1m", "source": ""},
        {"year": "2021/22", "order": "23", "kind": "pressure", "label": "Z", "text": "£1m", "source": ""},
    ]
    n = len(rows)
    found = problems(sheets)
    assert found == [
        f"budget_trajectory / row {n + 2} / kind / 2021/22 already has its budget (row 27): a year prints it once",
        f"budget_trajectory / row {n + 3} / kind / 2021/22 already has its out-turn (row 31): a year prints it once",
        f"budget_trajectory / row {n + 3} / text / "
        "Enter the figure as printed, e.g. £32.9m; only a movement may be left blank",
        f"budget_trajectory / row {n + 4} / text / 'lots' is not an amount of money: write e.g. 1234.56 or (1,234)",
        f"budget_trajectory / row {n + 5} / year / 2024/25 is not a year of the programme: "
        "use one of 2019/20, 2020/21, 2021/22, or add 2024/25 first",
        f"budget_trajectory / row {n + 6} / kind / 'pressure' is not allowed: use one of opening, budget_movement, "
        "budget, previous_outturn, cost_movement, outturn, variance, claim",
    ]
    assert list(TrajectoryFigure.objects.values_list("pk", "text").order_by("pk")) == before


def test_a_trajectory_figure_changed_in_the_workbook_changes_the_check(bd):
    from improve.finance import figurecheck

    sheets = interchange.workbook_export(programme=bd)
    for row in sheets["budget_trajectory"]:
        if row["year"] == "2021/22" and row["kind"] == "budget":
            row["text"] = "£35.9m"
    sheets["budget_trajectory"] = [r for r in sheets["budget_trajectory"] if r["kind"] != "claim"]
    result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    assert result.applied and result.sheet("budget_trajectory").removed == [
        "2019/20 / 12",
        "2020/21 / 12",
        "2021/22 / 12",
    ]
    assert figurecheck.run(bd).agrees


def test_an_allocation_that_breaks_a_funding_rule_is_a_warning_naming_its_cell_and_still_imports(bd):
    sheets = interchange.workbook_export(programme=bd)
    source = sheets["funding_sources"][0]
    source["must_carry_savings"], source["valid_until"] = "yes", None
    sheets["allocations"].append({"line": "contingency", "source": "capital", "year": "2019/20", "amount": "£100k"})
    expected = [
        "allocations / row 2 / source / Capital funding released by the PID may fund only spend that carries "
        "savings, and CSG endorsed programme budget carries none (allowed, and flagged on the pages)",
        "allocations / row 3 / source / Capital funding released by the PID may fund only spend that carries "
        "savings, and Contingency carries none (allowed, and flagged on the pages)",
    ]
    dry = interchange.workbook_import(actor=ACTOR, sheets=sheets, dry_run=True)
    assert dry.ok and [str(w) for w in dry.warnings] == expected
    real = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    assert real.applied and [str(w) for w in real.warnings] == expected
    assert Allocation.objects.filter(line__code="contingency", amount=D("100000.00")).exists()
    # The same breach as the pages flag, from the database alone: the sheets of lines and sources left out.
    for name in ("budget_lines", "funding_sources"):
        del sheets[name]
    assert [str(w) for w in interchange.workbook_import(actor=ACTOR, sheets=sheets, dry_run=True).warnings] == expected
    flagged = [m for row in selectors.allocations_for(bd) for m in row.breaches]
    assert sorted(m + " (allowed, and flagged on the pages)" for m in flagged) == sorted(
        e.split(" / ", 3)[3] for e in expected
    )


def test_an_allocation_within_the_rules_gives_no_warning(bd):
    result = interchange.workbook_import(actor=ACTOR, sheets=interchange.workbook_export(programme=bd), dry_run=True)
    assert result.ok and result.warnings == []


def test_the_import_command_prints_each_warning_with_its_cell(bd, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    sheets = interchange.workbook_export(programme=bd)
    sheets["funding_sources"][0]["funds_one_off"] = "no"
    sheets["funding_sources"][0]["funds_permanent"] = "yes"
    folder = write_workbook(sheets, tmp_path / "csv")
    err = StringIO()
    call_command("workbook", "import", str(folder), "--dry-run", stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        "Warning: allocations / row 2 / source / Capital funding released by the PID may not fund one-off spend, "
        "and CSG endorsed programme budget is one-off (allowed, and flagged on the pages)"
    ]


def test_savings_sheets_name_each_problem_and_import_through_the_services(bd):
    from improve.finance.models import SavingsAmount, SavingsPlan

    sheets = interchange.workbook_export(programme=bd)
    sheets["savings_plans"].append(
        {
            "code": "agency",
            "name": "Fewer agency staff",
            "owner": "Nobody",
            "lines": "endorsed; ghost",
            "strands": "1",
            "rag_override": "green",
            "rag_reason": "",
            "description": "",
        }
    )
    sheets["savings_amounts"] += [
        {"plan": "agency", "year": "2019/20", "planned": "(5)", "delivered": "", "evidence": ""},
        {"plan": "agency", "year": "2020/21", "planned": "£100k", "delivered": "£20k", "evidence": ""},
        {"plan": "missing", "year": "2030/31", "planned": "1", "delivered": "", "evidence": ""},
    ]
    assert problems(sheets) == [
        "savings_plans / row 4 / owner / 'Nobody' is not a person, board or team in the owners sheet: "
        "add it there first",
        "savings_plans / row 4 / lines / 'ghost' is not a budget line in the budget_lines sheet: add it there first",
        "savings_plans / row 4 / rag_reason / Say why the RAG is set by hand "
        "(or leave the RAG to be worked out from delivery)",
        "savings_amounts / row 5 / planned / A planned saving is written as a positive amount "
        "(a saving of £1.2m is 1,200,000), not (£5.00): enter 0 or more",
        "savings_amounts / row 6 / evidence / Say what shows the saving was delivered "
        "(attach the document too, if you have it)",
        "savings_amounts / row 7 / plan / 'missing' is not a savings plan in the savings_plans sheet: "
        "add it there first",
        "savings_amounts / row 7 / year / 2030/31 is not a year of the programme: "
        "use one of 2019/20, 2020/21, 2021/22, or add 2030/31 first",
    ]
    assert not SavingsPlan.objects.filter(code="agency").exists()
    plan = sheets["savings_plans"][-1]
    plan.update(owner="Katherine Heffernan", lines="endorsed", rag_reason="Signed off by CSG")
    sheets["savings_amounts"] = [
        *sheets["savings_amounts"][:-3],
        {"plan": "agency", "year": "2020/21", "planned": "£100k", "delivered": "£20k", "evidence": "Month 3 report"},
    ]
    result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    assert result.applied and result.sheet("savings_plans").created == ["agency"]
    saved = SavingsPlan.objects.get(programme=bd, code="agency")
    assert [x.code for x in saved.lines.all()] == ["endorsed"] and saved.rag_override == "green"
    assert SavingsAmount.objects.get(plan=saved).delivered == D("20000.00")
    again = interchange.workbook_import(actor=ACTOR, sheets=interchange.workbook_export(programme=bd), dry_run=True)
    assert again.ok and not again.has_changes


def test_the_upload_preview_lists_a_rule_breach_as_a_warning(bd, client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from improve.accounts.models import User
    from improve.programmes.models import Membership

    user = User.objects.create_user(email="finance@example.org", password=None, full_name="Finance Lead")
    Membership.objects.create(user=user, programme=bd, role="programme_manager")
    client.force_login(user)
    sheets = interchange.workbook_export(programme=bd)
    sheets["funding_sources"][0]["must_carry_savings"] = "yes"
    upload = SimpleUploadedFile("money.xlsx", xlsx_bytes(sheets))
    page = client.post(reverse("interchange:import", args=[bd.slug]), {"file": upload}).content.decode()
    assert 'id="warnings"' in page and "Warnings (1): these do not stop the import" in page
    assert "may fund only spend that carries savings" in page
