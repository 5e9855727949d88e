"""Forms of the highlight-report pages. Rules live in the model and the services; these read input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from improve.core.forms import with_loaded
from improve.programmes.models import Strand
from improve.reporting.highlights.selectors import parse_period
from improve.reporting.models import HighlightReport, ReportRag

RAG_CHOICES = [("", "Not given"), *ReportRag.choices]


def _text(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=help_text, widget=forms.Textarea(attrs={"rows": 5}))


class StartForm(forms.Form):
    strand = forms.ChoiceField(label="Strand")
    month = forms.CharField(label="Month", max_length=7, help_text="The month reported on, for example 2019-10")

    def __init__(self, *args: Any, strands: list[Strand], strand_word: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._strands = {s.code: s for s in strands}
        field = self.fields["strand"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", f"Choose a {strand_word.lower()}")] + [(s.code, f"{s.code} {s.name}") for s in strands]
        field.label = strand_word

    def clean_month(self) -> dt.date:
        period = parse_period(self.cleaned_data["month"].strip())
        if period is None or not 2000 <= period.year <= 2100:
            raise forms.ValidationError("Enter the month as year and month, for example 2019-10")
        return period

    def chosen_strand(self) -> Strand:
        return self._strands[self.cleaned_data["strand"]]


class ReportForm(forms.Form):
    overall_rag = forms.ChoiceField(label="Overall", choices=RAG_CHOICES, required=False, widget=forms.RadioSelect)
    schedule_rag = forms.ChoiceField(label="Schedule", choices=RAG_CHOICES, required=False, widget=forms.RadioSelect)
    cost_rag = forms.ChoiceField(label="Cost", choices=RAG_CHOICES, required=False, widget=forms.RadioSelect)
    risk_rag = forms.ChoiceField(label="Risk", choices=RAG_CHOICES, required=False, widget=forms.RadioSelect)
    achievements = _text("Achievements this period")
    next_period = _text("Planned for next period")
    decisions_needed = _text("Decisions needed", "Which board must decide what, and by when")
    escalations = _text("Escalations", "Risks and issues the board must know about")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    loaded = forms.CharField(widget=forms.HiddenInput, required=False)

    FIELDS = (
        "overall_rag",
        "schedule_rag",
        "cost_rag",
        "risk_rag",
        "achievements",
        "next_period",
        "decisions_needed",
        "escalations",
        "notes",
    )

    @classmethod
    def current(cls, report: HighlightReport) -> dict[str, Any]:
        return {name: getattr(report, name) for name in cls.FIELDS}

    @classmethod
    def initial_for(cls, report: HighlightReport) -> dict[str, Any]:
        return {**with_loaded(cls.current(report)), "version": report.version}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("accept", "Accept"), ("return", "Return to the lead")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to accept the report or return it"},
    )
    reason = forms.CharField(
        label="Why it is returned",
        required=False,
        help_text="Needed when you return it: what the lead should change",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
