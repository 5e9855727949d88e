"""The ``highlight_reports`` sheet of the programme workbook: one row per strand per month.

The pre-filled facts are not in the sheet: a report created by an import is pre-filled from the
live data as at its month's end, as one started on the page is, and keeps its facts after. A row
missing from the sheet leaves its report alone (a report is a record, not a plan line), and an
accepted report never changes: a row that would change one is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

from improve.core.audit import audit_values
from improve.core.audit import event as audit_event
from improve.core.validators import validate_key
from improve.core.workbook import CHOICE, DATE, Checker, Column, ImportContext, Plan, Row, SheetSpec, diff
from improve.programmes.models import Strand
from improve.reporting.highlights import selectors
from improve.reporting.models import HighlightReport, ReportRag, ReportState, period_key

RAGS = tuple(ReportRag.values)

HIGHLIGHT_REPORTS = SheetSpec(
    "highlight_reports",
    (
        Column("strand", required=True, validator=validate_key, width=8),
        Column("month", required=True, max_length=7, width=9),
        Column("state", CHOICE, choices=tuple(ReportState.values), width=11),
        Column("overall_rag", CHOICE, choices=RAGS, width=8),
        Column("schedule_rag", CHOICE, choices=RAGS, width=8),
        Column("cost_rag", CHOICE, choices=RAGS, width=8),
        Column("risk_rag", CHOICE, choices=RAGS, width=8),
        Column("achievements", multiline=True, width=40),
        Column("next_period", multiline=True, width=40),
        Column("decisions_needed", multiline=True, width=30),
        Column("escalations", multiline=True, width=30),
        Column("return_reason", multiline=True, width=30),
        Column("due_on", DATE, width=11),
        Column("notes", multiline=True, width=30),
    ),
    key=("strand", "month"),
    required_sheet=False,
)

TEXTS = ("achievements", "next_period", "decisions_needed", "escalations", "return_reason", "notes")
VALUES = ("state", "overall_rag", "schedule_rag", "cost_rag", "risk_rag", *TEXTS, "due_on")


def _row(report: HighlightReport) -> dict[str, Any]:
    return {
        "strand": report.strand.code,
        "month": period_key(report.period),
        **{name: getattr(report, name) for name in VALUES},
    }


class HighlightsWorkbook:
    label = "reporting.highlights"
    sheets = (HIGHLIGHT_REPORTS,)
    identifies = False

    def slug(self, checker: Checker) -> str:
        return ""

    def load(self, ctx: ImportContext) -> None:
        found = (
            HighlightReport.objects.filter(programme=ctx.programme).select_related("strand") if ctx.programme else []
        )
        ctx.state[self.label] = list(found)

    def export(self, programme: Any) -> dict[str, list[dict[str, Any]]]:
        reports = selectors.reports_for(programme).order_by("period", "strand__order", "strand__code")
        return {HIGHLIGHT_REPORTS.name: [_row(r) for r in reports]}

    def check(self, checker: Checker, ctx: ImportContext, by_key: dict[str, dict[tuple[Any, ...], Row]]) -> None:
        name = HIGHLIGHT_REPORTS.name
        strands = {key[0] for key in by_key.get("strands", {})}
        kept = {(r.strand.code, period_key(r.period)): r for r in ctx.state[self.label]}
        for row in checker.rows.get(name, []):
            if row.good("strand") and row.get("strand") not in strands:
                checker.add(name, row.number, "strand", f"'{row.get('strand')}' is not on the strands sheet")
            period = selectors.parse_period(str(row.get("month"))) if row.good("month") else None
            if row.good("month") and period is None:
                checker.add(name, row.number, "month", f"'{row.get('month')}' is not a month: write it like 2019-10")
            if period is not None:  # the model's own rules, each named by its column
                values = self._canonical(row)
                try:
                    HighlightReport(period=period, **{n: values.get(n) or "" for n in VALUES if n != "due_on"}).clean()
                except ValidationError as exc:
                    for field, messages in exc.message_dict.items():
                        checker.add(name, row.number, "month" if field == "period" else field, " ".join(messages))
            old = kept.get((row.get("strand"), row.get("month")))
            if old is not None and old.state == ReportState.ACCEPTED and _row(old) != self._canonical(row):
                checker.add(name, row.number, "state", "This report was accepted, and an accepted report never changes")

    @staticmethod
    def _canonical(row: Row) -> dict[str, Any]:
        values = dict(row.values)
        values["state"] = values.get("state") or ReportState.DRAFT
        return values

    def compare(self, ctx: ImportContext, by_key: dict[str, dict[tuple[Any, ...], Row]], plan: Plan) -> None:
        name = HIGHLIGHT_REPORTS.name
        rows = {key: Row(row.number, self._canonical(row), row.bad) for key, row in by_key.get(name, {}).items()}
        diff(plan, HIGHLIGHT_REPORTS, rows, [(r, _row(r)) for r in ctx.state[self.label]], archived=lambda _r: False)
        # a report missing from the sheet is kept: it is a record of what a lead said
        plan.removed[name] = []
        plan.removed_keys[name] = []

    def write(self, ctx: ImportContext, plan: Plan, rows: Mapping[str, list[Row]]) -> None:
        name = HIGHLIGHT_REPORTS.name
        created = sorted(plan.created[name], key=lambda r: (r.values["month"], r.values["strand"]))
        if not created and not plan.changed[name]:
            return
        programme = ctx.programme
        strands = {s.code: s for s in Strand.objects.filter(programme=programme)}
        periods = [selectors.parse_period(r.values["month"]) for r in created]
        due = selectors.due_dates(programme, [p for p in periods if p is not None])
        for row, period in zip(created, periods, strict=True):
            assert period is not None  # checked
            strand = strands[row.values["strand"]]
            facts, snapshot = selectors.prefill(programme, strand, period)
            values = self._canonical(row)
            due_on, basis = due[period]
            report = HighlightReport(
                programme=programme,
                strand=strand,
                period=period,
                facts=facts,
                snapshot=snapshot,
                due_basis=basis if values["due_on"] in (None, due_on) else "as the workbook gives it",
                **{n: values[n] for n in VALUES if n != "due_on"},
                due_on=values["due_on"] or due_on,
            )
            report.full_clean()
            report.save()
            ctx.events.append(
                audit_event(actor=ctx.actor, obj=report, action="create", before=None, after=audit_values(report))
            )
        for report, row, _changes in plan.changed[name]:
            before = audit_values(report)
            values = self._canonical(row)
            for n in VALUES:
                if n == "due_on" and values[n] is None:
                    continue
                setattr(report, n, values[n])
            report.full_clean()
            report.version += 1
            report.save()
            ctx.events.append(
                audit_event(actor=ctx.actor, obj=report, action="update", before=before, after=audit_values(report))
            )


HIGHLIGHTS_WORKBOOK = HighlightsWorkbook()
