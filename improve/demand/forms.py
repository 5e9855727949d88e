"""Forms of the demand room: run a projection, set a weekly unit cost. The rules are in the services."""

from __future__ import annotations

from django import forms

from improve.core.forms import SimpleDateField
from improve.demand.projections import SCENARIOS


class ProjectionForm(forms.Form):
    start = SimpleDateField(
        label="Start",
        required=True,
        help_text="The children in care on this day are projected forward; for example, 31/03/2024",
    )
    months = forms.IntegerField(label="Months to project", initial=24, min_value=1, max_value=120)
    reference_months = forms.IntegerField(
        label="Reference window (months)",
        initial=12,
        min_value=1,
        max_value=60,
        help_text="Rates are measured over this many months before the start",
    )
    draws = forms.IntegerField(
        label="Simulated paths",
        initial=1000,
        min_value=10,
        max_value=100_000,
        help_text="More paths, steadier intervals",
    )
    scenario = forms.ChoiceField(
        label="Scenario to compare with the baseline",
        required=False,
        choices=[("", "None")] + [(spec.name, spec.title) for spec in SCENARIOS.values()],
    )


class UnitCostForm(forms.Form):
    weekly = forms.DecimalField(
        label="Weekly unit cost (£)", max_digits=10, decimal_places=2, help_text="For example 820.00"
    )
    note = forms.CharField(label="Source", required=False, max_length=200, help_text="Where the figure comes from")
