"""``improve workbook export|import`` and ``improve load-example``."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from improve.accounts.models import User
from improve.core.models import AuditEvent
from improve.core.registry import registry
from improve.interchange.tests.conftest import EXAMPLES, counts
from improve.interchange.workbook import read_xlsx
from improve.programmes.models import PlanItem, Programme

pytestmark = pytest.mark.django_db


def call(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_load_example_and_refuse_to_load_it_twice():
    out, _ = call("load_example", "havering-2019")
    assert out.strip() == (
        "Loaded havering-2019: 7 strands, 1 stage, 6 owners, 1 project, 54 plan items, 2 dependencies, 0 baselines."
    )
    with pytest.raises(CommandError, match="already exists. Use --replace"):
        call("load_example", "havering-2019")
    out, _ = call("load_example", "havering-2019", "--replace")
    assert out.strip() == "Replaced havering-2019 with the example: no changes."


def test_load_example_replace_syncs_to_the_example():
    call("load_example", "havering-2019")
    PlanItem.objects.filter(uid="102").update(title="Edited on the web")
    out, _ = call("load_example", "havering-2019", "--replace")
    assert out.strip() == "Replaced havering-2019 with the example: plan_items 1 changed."
    assert PlanItem.objects.get(uid="102").title == "Health Passport developed"


def test_a_room_failing_to_load_its_example_data_leaves_nothing_loaded(monkeypatch):
    def fail(programme, folder, actor):
        assert Programme.objects.filter(slug="havering-2019").exists()  # the workbook went in first
        raise RuntimeError("the room's example data is damaged")

    monkeypatch.setattr(registry, "load_examples", fail)
    with pytest.raises(RuntimeError, match="damaged"):
        call("load_example", "havering-2019")
    assert not Programme.objects.filter(slug="havering-2019").exists()
    assert not PlanItem.objects.exists()


def test_unknown_example_lists_the_available_ones():
    with pytest.raises(CommandError) as info:
        call("load_example", "nowhere")
    assert str(info.value) == (
        "There is no example called 'nowhere'. Available examples: "
        "barking-dagenham-2019, cambridgeshire-2016, havering-2019"
    )


def test_export_import_round_trip_through_files(tmp_path):
    call("load_example", "barking-dagenham-2019")
    out, _ = call("workbook", "export", "--programme", "barking-dagenham-2019", str(tmp_path / "b.xlsx"))
    assert out.strip() == f"Exported barking-dagenham-2019 to {tmp_path / 'b.xlsx'}"
    assert len(read_xlsx((tmp_path / "b.xlsx").read_bytes())["plan_items"].rows) == 74
    call("workbook", "export", "--programme", "barking-dagenham-2019", str(tmp_path / "csv"))
    assert (tmp_path / "csv" / "plan_items.csv").exists()
    out, _ = call("workbook", "import", str(tmp_path / "b.xlsx"), "--dry-run")
    assert out.splitlines()[0] == "No changes"
    events = AuditEvent.objects.count()
    out, _ = call("workbook", "import", str(tmp_path / "csv"))
    assert out.strip() == "Imported barking-dagenham-2019: no changes."
    assert AuditEvent.objects.count() == events


def test_export_of_an_unknown_programme(tmp_path):
    with pytest.raises(CommandError, match="There is no programme 'nope'"):
        call("workbook", "export", "--programme", "nope", str(tmp_path / "x.xlsx"))


def edit_csv(folder, sheet, change):
    path = folder / f"{sheet}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0].keys()) if rows else []
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_import_prints_every_problem_and_fails(tmp_path):
    folder = tmp_path / "havering"
    shutil.copytree(EXAMPLES / "havering-2019", folder)

    def breakit(rows):
        rows[0]["owner"] = "Jane Doe"
        rows[1]["end"] = "32/13/2019"

    edit_csv(folder, "plan_items", breakit)
    before = counts()
    with pytest.raises(CommandError, match="2 problems in the workbook: nothing was imported"):
        _, err = call("workbook", "import", str(folder))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("workbook", "import", str(folder), stdout=out, stderr=err)
    assert err.getvalue().splitlines() == [
        "plan_items / row 2 / owner / 'Jane Doe' is not in the owners sheet",
        "plan_items / row 3 / end / '32/13/2019' is not a date: use dd/mm/yyyy (for example 18/04/2019) or TBD",
    ]
    assert counts() == before


def test_dry_run_lists_creates_changes_and_removals(tmp_path):
    call("load_example", "havering-2019")
    folder = tmp_path / "havering"
    call("workbook", "export", "--programme", "havering-2019", str(folder))

    def change(rows):
        rows[1]["title"] = "Health Passport agreed"
        rows[:] = [r for r in rows if r["uid"] != "106"]
        rows.append({**rows[0], "uid": "999", "order": "999"})

    edit_csv(folder, "plan_items", change)
    before = counts()
    out, _ = call("workbook", "import", str(folder), "--dry-run")
    lines = out.splitlines()
    assert "Would create plan_items 999" in lines
    assert "Would change plan_items 102: title: 'Health Passport developed' → 'Health Passport agreed'" in lines
    assert "Would archive plan_items 106" in lines
    assert lines[-1] == "Dry run of havering-2019: plan_items 1 created, 1 changed, 1 archived. Nothing was written."
    assert counts() == before
    user = User.objects.create_user(email="pmo@example.org", password="long enough pw", full_name="Pat")
    out, _ = call("workbook", "import", str(folder), "--user", "pmo@example.org")
    assert out.strip() == "Imported havering-2019: plan_items 1 created, 1 changed, 1 archived."
    assert set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True)) == {
        "create",
        "update",
        "archive",
    }
    assert Programme.objects.count() == 1


def test_import_with_an_unknown_user(tmp_path):
    with pytest.raises(CommandError, match="No user has the e-mail address nobody@example.org"):
        call("workbook", "import", str(EXAMPLES / "havering-2019"), "--user", "nobody@example.org")


def test_csv_export_neutralises_formulas_and_reimports_them_unchanged(tmp_path):
    """Security probe, finding 8: ``=1+1`` and ``@SUM(1)`` were written to CSV as they are."""
    call("load_example", "havering-2019")
    PlanItem.objects.filter(uid="102").update(title="=1+1", notes="@SUM(1)", team="-2+3")
    PlanItem.objects.filter(uid="103").update(title='+HYPERLINK("http://example.org")', team="-7")
    call("workbook", "export", "--programme", "havering-2019", str(tmp_path / "first"))
    with (tmp_path / "first" / "plan_items.csv").open(encoding="utf-8", newline="") as fh:
        rows = {r["uid"]: r for r in csv.DictReader(fh)}
    assert (rows["102"]["title"], rows["102"]["notes"], rows["102"]["team"]) == ("'=1+1", "'@SUM(1)", "'-2+3")
    assert rows["103"]["title"] == '\'+HYPERLINK("http://example.org")'
    assert rows["103"]["team"] == "-7"  # a plain number is no formula
    events = AuditEvent.objects.count()
    out, _ = call("workbook", "import", str(tmp_path / "first"))
    assert out.strip() == "Imported havering-2019: no changes."
    assert AuditEvent.objects.count() == events
    assert PlanItem.objects.get(uid="102").title == "=1+1"
    call("workbook", "export", "--programme", "havering-2019", str(tmp_path / "second"))
    files = sorted(p.name for p in (tmp_path / "first").glob("*.csv"))
    for name in files:
        assert (tmp_path / "second" / name).read_bytes() == (tmp_path / "first" / name).read_bytes(), name
