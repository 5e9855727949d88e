"""The money forms. Amounts are typed in a line's unit (£, £000 or £m) and read exactly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms

from improve.core.forms import SimpleDateField
from improve.core.validators import KEY_MAX_LENGTH, validate_key
from improve.finance.models import (
    WHOLE_YEAR,
    BudgetGroup,
    BudgetLine,
    Duration,
    FinancialYear,
    FundingSource,
    Measure,
    Rag,
    SavingsPlan,
    SourceKind,
    SpendType,
    TrajectoryFigure,
    Unit,
)
from improve.finance.services import MEASURES, GroupData, LineData, SavingsData, SourceData, TrajectoryData
from improve.modelling import fiscal
from improve.modelling.money import AmountError, in_unit, parse_amount
from improve.programmes.models import Owner, Strand

CODE_HINT = "A short key, for example 1 or pm: letters, digits, '.', '-' and '_'"


class MoneyField(forms.CharField):
    """An amount typed in ``unit``, read exactly: ``1,234.56``, ``(1,234)``, ``£953k``; cleans to £ or None."""

    def __init__(self, *, unit: str = Unit.POUNDS, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 40)
        self.unit = unit
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{in_unit(value, self.unit):f}"
        return value

    def clean(self, value: Any) -> Decimal | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_amount(text, self.unit)
        except AmountError as exc:
            raise forms.ValidationError(f"{self.label}: {exc}") from exc


def _choices(field: forms.Field) -> forms.ChoiceField:
    return cast(forms.ChoiceField, field)


class GroupForm(forms.Form):
    code = forms.CharField(label="Code", max_length=KEY_MAX_LENGTH, validators=[validate_key], help_text=CODE_HINT)
    name = forms.CharField(label="Name", max_length=200, help_text="For example, Temporary investment")
    order = forms.IntegerField(label="Order", min_value=0, initial=0)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, taken: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._taken = taken

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"])
        if code in self._taken:
            raise forms.ValidationError(f"Code {code} is already used by another group: choose another")
        return code

    def service_fields(self) -> GroupData:
        d = self.cleaned_data
        return {"code": d["code"], "name": d["name"], "order": d["order"]}


class LineForm(forms.Form):
    code = forms.CharField(label="Code", max_length=KEY_MAX_LENGTH, validators=[validate_key], help_text=CODE_HINT)
    name = forms.CharField(label="Name", max_length=300)
    group = forms.ChoiceField(
        label="Group",
        error_messages={"required": "Choose a group (add one under Budget groups first if there is none)"},
    )
    spend_type = forms.ChoiceField(label="Revenue or capital", choices=SpendType.choices, widget=forms.RadioSelect)
    duration = forms.ChoiceField(label="One-off or permanent", choices=Duration.choices, widget=forms.RadioSelect)
    contingency = forms.BooleanField(label="This is a contingency line", required=False)
    carries_savings = forms.BooleanField(label="Spend on this line is expected to deliver savings", required=False)
    owner = forms.ChoiceField(label="Owner", required=False)
    strand = forms.ChoiceField(label="Strand", required=False)
    unit = forms.ChoiceField(
        label="Unit its amounts are typed in", choices=Unit.choices, widget=forms.RadioSelect, initial=Unit.POUNDS
    )
    original_estimate = forms.CharField(
        label="Original full estimate",
        required=False,
        max_length=40,
        help_text="The full cost as first approved, in the unit above: for example 953 in £000, or £953k",
    )
    order = forms.IntegerField(label="Order", min_value=0, initial=0)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        groups: list[BudgetGroup],
        owners: list[Owner],
        strands: list[Strand],
        strand_word: str,
        taken: set[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._groups = {str(g.pk): g for g in groups}
        self._owners = {str(o.pk): o for o in owners}
        self._strands = {str(s.pk): s for s in strands}
        self._taken = taken
        _choices(self.fields["group"]).choices = [("", "Choose a group")] + [
            (k, g.name) for k, g in self._groups.items()
        ]
        _choices(self.fields["owner"]).choices = [("", "No owner")] + [(k, o.name) for k, o in self._owners.items()]
        _choices(self.fields["strand"]).choices = [("", f"No {strand_word.lower()}")] + [
            (k, s.name) for k, s in self._strands.items()
        ]
        self.fields["strand"].label = strand_word

    @staticmethod
    def initial_for(line: BudgetLine) -> dict[str, Any]:
        return {
            "code": line.code,
            "name": line.name,
            "group": str(line.group_id),
            "spend_type": line.spend_type,
            "duration": line.duration,
            "contingency": line.contingency,
            "carries_savings": line.carries_savings,
            "owner": str(line.owner_id or ""),
            "strand": str(line.strand_id or ""),
            "unit": line.unit,
            "original_estimate": ""
            if line.original_estimate is None
            else f"{in_unit(line.original_estimate, line.unit):f}",
            "order": line.order,
            "notes": line.notes,
            "version": line.version,
        }

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"])
        if code in self._taken:
            raise forms.ValidationError(f"Code {code} is already used by another line: choose another")
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = data.get("original_estimate") or ""
        if text and data.get("unit"):
            try:
                data["original_estimate_pounds"] = parse_amount(text, data["unit"])
            except AmountError as exc:
                self.add_error("original_estimate", f"Original full estimate: {exc}")
        return data

    def service_fields(self) -> LineData:
        d = self.cleaned_data
        return {
            "code": d["code"],
            "name": d["name"],
            "group": self._groups[d["group"]],
            "spend_type": d["spend_type"],
            "duration": d["duration"],
            "contingency": d["contingency"],
            "carries_savings": d["carries_savings"],
            "owner": self._owners.get(d["owner"]),
            "strand": self._strands.get(d["strand"]),
            "unit": d["unit"],
            "original_estimate": d.get("original_estimate_pounds"),
            "order": d["order"],
            "notes": d["notes"],
        }


def amount_field_name(period: int, measure: str) -> str:
    return f"p{period}_{measure}"


class AmountsForm(forms.Form):
    """One year of a line: the whole year's amounts and each month's, in the line's unit."""

    def __init__(self, *args: Any, unit: str, start_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.rows: list[tuple[int, str]] = [(WHOLE_YEAR, f"{fiscal.label(start_year)} (whole year)")] + [
            (p, fiscal.period_label(start_year, p)) for p in fiscal.PERIODS
        ]
        for period, label in self.rows:
            for measure in MEASURES:
                self.fields[amount_field_name(period, measure)] = MoneyField(
                    unit=unit, label=f"{Measure(measure).label}, {label}"
                )

    def grid(self) -> list[tuple[int, str, list[forms.BoundField]]]:
        return [(p, label, [self[amount_field_name(p, m)] for m in MEASURES]) for p, label in self.rows]

    def entries(self) -> list[tuple[int, dict[str, Decimal | None]]]:
        d = self.cleaned_data
        return [(p, {m: d.get(amount_field_name(p, m)) for m in MEASURES}) for p, _label in self.rows]


class AdjustmentForm(forms.Form):
    period = forms.ChoiceField(label="Closed period")
    amount = MoneyField(
        label="Change to the actual", required=True, help_text="Negative to take away: (1,234) or -1234"
    )
    reason = forms.CharField(label="Reason", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, unit: str, targets: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["period"]).choices = [(str(p), label) for p, label in targets]
        cast(MoneyField, self.fields["amount"]).unit = unit
        self.fields["amount"].help_text = f"In {unit}; negative to take away: (1,234) or -1234"


class DrawdownForm(forms.Form):
    from_line = forms.ChoiceField(label="From contingency line")
    to_line = forms.ChoiceField(label="To line")
    year = forms.ChoiceField(label="Financial year")
    amount = MoneyField(label="Amount (£)", required=True, help_text="In pounds: for example 25000 or £25k")
    reason = forms.CharField(label="Reason", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    approver = forms.ChoiceField(label="Approved by")
    approved_on = SimpleDateField(label="Approved on", required=True)

    def __init__(
        self,
        *args: Any,
        contingency: list[BudgetLine],
        lines: list[BudgetLine],
        years: list[FinancialYear],
        owners: list[Owner],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lines = {str(x.pk): x for x in lines}
        self.years = {str(y.pk): y for y in years}
        self.owners = {str(o.pk): o for o in owners}
        _choices(self.fields["from_line"]).choices = [(str(x.pk), x.name) for x in contingency]
        _choices(self.fields["to_line"]).choices = [("", "Choose a line")] + [
            (k, x.name) for k, x in self.lines.items() if not x.contingency
        ]
        _choices(self.fields["year"]).choices = [(k, y.label) for k, y in self.years.items()]
        _choices(self.fields["approver"]).choices = [("", "Choose who approved it")] + [
            (k, o.name) for k, o in self.owners.items()
        ]


class SourceForm(forms.Form):
    code = forms.CharField(label="Code", max_length=KEY_MAX_LENGTH, validators=[validate_key], help_text=CODE_HINT)
    name = forms.CharField(label="Name", max_length=300)
    kind = forms.ChoiceField(label="Type", choices=SourceKind.choices)
    funds_revenue = forms.BooleanField(label="May fund revenue spend", required=False, initial=True)
    funds_capital = forms.BooleanField(label="May fund capital spend", required=False, initial=True)
    funds_one_off = forms.BooleanField(label="May fund one-off spend", required=False, initial=True)
    funds_permanent = forms.BooleanField(label="May fund permanent spend", required=False, initial=True)
    must_carry_savings = forms.BooleanField(label="Spend it funds must carry savings", required=False)
    valid_from = SimpleDateField(label="May fund spend from")
    valid_until = SimpleDateField(label="May fund spend until")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, taken: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._taken = taken

    @staticmethod
    def initial_for(source: FundingSource) -> dict[str, Any]:
        return {name: getattr(source, name) for name in SourceData.__annotations__} | {"version": source.version}

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"])
        if code in self._taken:
            raise forms.ValidationError(f"Code {code} is already used by another funding source: choose another")
        return code

    def service_fields(self) -> SourceData:
        d = self.cleaned_data
        return cast(SourceData, {name: d[name] for name in SourceData.__annotations__})


class SourceAmountsForm(forms.Form):
    """What a source provides in each of the programme's years, in pounds."""

    def __init__(self, *args: Any, years: list[FinancialYear], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            self.fields[f"y{year.start_year}"] = MoneyField(label=f"{year.label} (£)")

    def amounts(self) -> list[tuple[FinancialYear, Decimal | None]]:
        return [(y, self.cleaned_data.get(f"y{y.start_year}")) for y in self.years]


class AllocationForm(forms.Form):
    source = forms.ChoiceField(label="Funding source")
    year = forms.ChoiceField(label="Financial year")
    amount = MoneyField(label="Amount (£)", help_text="In pounds; leave empty or 0 to remove the allocation")

    def __init__(self, *args: Any, sources: list[FundingSource], years: list[FinancialYear], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sources = {str(s.pk): s for s in sources}
        self.years = {str(y.pk): y for y in years}
        _choices(self.fields["source"]).choices = [("", "Choose a source")] + [
            (k, s.name) for k, s in self.sources.items()
        ]
        _choices(self.fields["year"]).choices = [(k, y.label) for k, y in self.years.items()]


class YearForm(forms.Form):
    year = forms.CharField(label="Financial year", max_length=9, help_text="For example, 2019/20")

    def clean_year(self) -> int:
        try:
            return fiscal.parse(self.cleaned_data["year"])
        except fiscal.FinancialYearError as exc:
            raise forms.ValidationError(str(exc)) from exc


class TrajectoryFigureForm(forms.Form):
    """One printed cell of the service budget trajectory, typed exactly as printed."""

    year = forms.ChoiceField(label="Financial year")
    order = forms.IntegerField(
        label="Order", min_value=0, help_text="Where the row stands in the year's printed table: 1, 2, 3 …"
    )
    kind = forms.ChoiceField(label="What the row is", choices=TrajectoryFigure.Kind.choices)
    label = forms.CharField(label="Row as printed", max_length=200, help_text="For example, 18/19 Budget")
    text = forms.CharField(
        label="Figure as printed",
        max_length=40,
        required=False,
        help_text="Exactly as the paper prints it, for example £32.9m, -£1.12m or +£922k; leave a blank cell blank",
    )
    source = forms.CharField(label="Where it is printed", max_length=300, required=False, help_text="e.g. Appendix B")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, years: list[FinancialYear], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._years = {y.label: y for y in years}
        _choices(self.fields["year"]).choices = [(label, label) for label in self._years]

    @staticmethod
    def initial_for(figure: TrajectoryFigure) -> dict[str, Any]:
        return {
            "year": figure.year.label,
            "order": figure.order,
            "kind": figure.kind,
            "label": figure.label,
            "text": figure.text,
            "source": figure.source,
            "version": figure.version,
        }

    def service_fields(self) -> TrajectoryData:
        d = self.cleaned_data
        return {
            "year": self._years[d["year"]],
            "order": d["order"],
            "kind": d["kind"],
            "label": d["label"],
            "text": d["text"],
            "source": d["source"],
        }


class SavingsPlanForm(forms.Form):
    code = forms.CharField(label="Code", max_length=KEY_MAX_LENGTH, validators=[validate_key], help_text=CODE_HINT)
    name = forms.CharField(label="Name", max_length=300, help_text="For example, Efficient TOM structure")
    owner = forms.ChoiceField(label="Owner", required=False)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lines = forms.MultipleChoiceField(label="Budget lines", required=False, widget=forms.CheckboxSelectMultiple)
    strands = forms.MultipleChoiceField(label="Strands", required=False, widget=forms.CheckboxSelectMultiple)
    rag_override = forms.ChoiceField(
        label="RAG set by hand",
        required=False,
        widget=forms.RadioSelect,
        choices=[("", "Work it out from delivered against expected"), *Rag.choices],
    )
    rag_reason = forms.CharField(label="Why the RAG is set by hand", required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        owners: list[Owner],
        lines: list[BudgetLine],
        strands: list[Strand],
        strand_word: str,
        taken: set[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._owners = {str(o.pk): o for o in owners}
        self._lines = {str(x.pk): x for x in lines}
        self._strands = {str(s.pk): s for s in strands}
        self._taken = taken
        _choices(self.fields["owner"]).choices = [("", "No owner")] + [(k, o.name) for k, o in self._owners.items()]
        _choices(self.fields["lines"]).choices = [(k, f"{x.code} {x.name}") for k, x in self._lines.items()]
        _choices(self.fields["strands"]).choices = [(k, f"{s.code} {s.name}") for k, s in self._strands.items()]
        self.fields["strands"].label = f"{strand_word}s" if not strand_word.endswith("s") else strand_word

    @staticmethod
    def initial_for(plan: SavingsPlan) -> dict[str, Any]:
        return {
            "code": plan.code,
            "name": plan.name,
            "owner": str(plan.owner_id or ""),
            "description": plan.description,
            "lines": [str(x.pk) for x in plan.lines.all()],
            "strands": [str(s.pk) for s in plan.strands.all()],
            "rag_override": plan.rag_override,
            "rag_reason": plan.rag_reason,
            "version": plan.version,
        }

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"])
        if code in self._taken:
            raise forms.ValidationError(f"Code {code} is already used by another savings plan: choose another")
        return code

    def service_fields(self) -> SavingsData:
        d = self.cleaned_data
        return {
            "code": d["code"],
            "name": d["name"],
            "owner": self._owners.get(d["owner"]),
            "description": d["description"],
            "rag_override": d["rag_override"],
            "rag_reason": d["rag_reason"],
        }

    def chosen_lines(self) -> list[BudgetLine]:
        return [self._lines[k] for k in self.cleaned_data["lines"]]

    def chosen_strands(self) -> list[Strand]:
        return [self._strands[k] for k in self.cleaned_data["strands"]]


class SavingsYearForm(forms.Form):
    planned = MoneyField(label="Planned saving", help_text="In £, as a positive amount: for example 1,200,000 or £1.2m")
    delivered = MoneyField(label="Delivered saving", help_text="In £; leave empty until some is delivered")
    evidence = forms.CharField(
        label="Evidence of delivery",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What shows the saving was made: for example, the budget monitoring report and month. "
        "Attach the document on the plan's page.",
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label="Document",
        help_text="PDF, Word, Excel, OpenDocument, PNG, JPEG, CSV or text; 10 MB at most",
    )
    year = forms.ChoiceField(label="Year it evidences", required=False)
    description = forms.CharField(label="What it shows", max_length=500)

    def __init__(self, *args: Any, years: list[FinancialYear], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.years = {y.label: y for y in years}
        _choices(self.fields["year"]).choices = [("", "Not one year")] + [(k, k) for k in self.years]


class ChangePlaceForm(forms.Form):
    line = forms.ChoiceField(label="Budget line")
    year = forms.ChoiceField(label="Financial year")

    def __init__(self, *args: Any, lines: list[BudgetLine], years: list[FinancialYear], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = {x.code: x for x in lines}
        self.years = {y.label: y for y in years}
        _choices(self.fields["line"]).choices = [("", "Choose a line")] + [
            (k, f"{x.code} {x.name}") for k, x in self.lines.items()
        ]
        _choices(self.fields["year"]).choices = [("", "Choose a year")] + [(k, k) for k in self.years]


class ForecastLinkForm(forms.Form):
    """Which forecast a budget line follows (the series other rooms offer), or none."""

    NONE = "none"
    series = forms.ChoiceField(
        label="Forecast the line follows",
        widget=forms.RadioSelect,
        help_text="The line's page shows the forecast's figure for each year next to the plan. "
        "The plan itself does not change.",
    )

    def __init__(self, *args: Any, offered: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["series"]).choices = [
            *offered.items(),
            (self.NONE, "None: stop following a forecast"),
        ]
