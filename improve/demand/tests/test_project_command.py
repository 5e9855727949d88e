import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from improve.core.audit import SYSTEM
from improve.demand import services
from improve.demand.management.commands.demand import ProgressBar
from improve.demand.models import ProjectionRun
from improve.demand.projections import BATCH, batch_size


def project(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("demand", "project", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_project_prints_the_start_the_horizon_with_intervals_and_writes_a_workbook(loaded, tmp_path):
    book = tmp_path / "run.xlsx"
    printed, _err = project(
        "--programme", loaded.slug, "--start", "31/03/2023", "--months", "12", "--draws", "100",
        "--scenario", "more-fostering", "--out", str(book),
    )  # fmt: skip
    run = ProjectionRun.objects.get()
    start = run.results["start_stock"]
    assert f"In care on 31/03/2023: fostering {start['fostering']:,.0f}" in printed
    assert "Projected in care on 31/03/2024 (12 months, 100 paths):" in printed
    assert "50% interval" in printed and "95% interval" in printed
    end = run.results["months"][-1]
    low, high = end["intervals"]["95"]["total"]
    assert f"{low:,.0f}–{high:,.0f}" in printed
    assert "2023/24 (366 days)" in printed  # 01/04/2023 to 31/03/2024, a leap year
    assert "Backtest (fitted to 31/03/2023" in printed
    assert "Scenario 'more-fostering'" in printed
    assert "−£" in printed and "£-" not in printed and "£+" not in printed  # fewer children in homes: cheaper
    assert f"Stored as run {run.pk}" in printed

    workbook = openpyxl.load_workbook(book)
    assert workbook.sheetnames == [
        "Parameters", "Children", "What happened", "Costs by month", "Costs by year", "Backtest",
        "Scenario children", "Scenario difference", "Scenario costs by year",
    ]  # fmt: skip
    children = list(workbook["Children"].iter_rows(values_only=True))
    assert children[0][:4] == ("Month end", "Category", "Mean", "50% low")
    assert children[1][:3] == (dt.datetime(2023, 3, 31), "fostering", start["fostering"])
    years = list(workbook["Costs by year"].iter_rows(values_only=True))
    total = next(row for row in years if row[2] == "total")
    assert total[0] == "2023/24" and isinstance(total[3], float)
    assert f"{total[3]:.2f}" == run.results["spend_years"][0]["mean"]["total"]
    for sheet in workbook:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and v.startswith("=") for v in row)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--start", "31/03/2025"], "--start: The start 31/03/2025 is after the loaded data ends (31/03/2024)"),
        (["--start", "31/03/2023", "--scenario", "x"], "--scenario: No scenario 'x'"),
        (["--start", "31/03/2023", "--out", "a.csv"], "give a file name ending .xlsx"),
    ],
)
def test_bad_parameters_say_what_would_do(loaded, args, words):
    with pytest.raises(CommandError, match=words.replace("(", r"\(").replace(")", r"\)")):
        project("--programme", loaded.slug, "--months", "6", "--draws", "20", *args)
    assert not ProjectionRun.objects.exists()


def test_an_unknown_programme(db):
    with pytest.raises(CommandError, match="There is no programme 'nowhere'"):
        project("--programme", "nowhere", "--start", "31/03/2023", "--months", "6")


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_bar_fills_on_a_terminal_and_stays_quiet_in_a_pipe(loaded):
    shown, piped = Terminal(), io.StringIO()
    shares = []
    for stream in (piped, shown):
        shares.clear()
        bar = ProgressBar(stream=stream)
        services.projection_run(
            actor=SYSTEM,
            programme=loaded,
            start=dt.date(2023, 3, 31),
            months=3,
            draws=20,
            scenario="fewer-entries",
            progress=lambda share, what, bar=bar: (shares.append(share), bar.step(share, what)),
        )
        bar.close()
    assert shares == sorted(shares) and shares[-1] == pytest.approx(1.0)
    assert "100% scenario" in shown.getvalue() and "backtest" in shown.getvalue()
    assert piped.getvalue() == ""


def test_a_long_run_is_simulated_in_batches_and_a_short_one_in_one():
    assert batch_size(430, 1000) == 1000  # a council
    assert batch_size(80_000, 1000) == BATCH  # a nation
