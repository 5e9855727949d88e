"""Forms of the governance room. They read and check what a person typed; the rules live in the
models and services, whose errors are put back on the form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from improve.core.forms import SimpleDateField
from improve.core.validators import KEY_MAX_LENGTH
from improve.governance.models import Board, Decision

TIME_HELP = "24-hour clock, for example 10:00"


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    found = form.fields[name]
    assert isinstance(found, forms.ChoiceField)
    return found


def _choices(rows: Any, label: Any = str, blank: str | None = "None") -> list[tuple[str, str]]:
    out = [("", blank)] if blank is not None else []
    return out + [(str(r.pk), label(r)) for r in rows]


class BoardForm(forms.Form):
    code = forms.CharField(max_length=KEY_MAX_LENGTH, help_text="A short code used in addresses, like cib")
    name = forms.CharField(max_length=200)
    chair = forms.ChoiceField(required=False, help_text="An owner of the programme (Owners page)")
    members = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    parent = forms.ChoiceField(
        label="Escalates to", required=False, help_text="The board a matter above this board's tolerances goes to"
    )
    cadence = forms.CharField(
        max_length=200,
        required=False,
        help_text="As the papers say it: monthly (3rd Thursday), monthly, before the 1st Thursday, weekly (Tuesday), "
        "every 6 weeks from 02/04/2019",
    )
    first_meeting = SimpleDateField(label="First meeting", help_text="Needed for fortnightly, every N weeks, quarterly")
    starts_at = forms.TimeField(label="Meetings start at", help_text=TIME_HELP, initial=dt.time(10, 0))
    duration_minutes = forms.IntegerField(label="Length in minutes", min_value=5, max_value=720, initial=90)
    tolerance_days = forms.IntegerField(
        label="Tolerance: delay in days", required=False, min_value=0, help_text="Empty: it may agree no delay"
    )
    tolerance_cost = forms.DecimalField(
        label="Tolerance: extra cost in £",
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        help_text="Empty: it may agree no extra cost",
    )
    tolerance_scope = forms.BooleanField(label="It may agree a change of scope", required=False)
    themes_per_meeting = forms.IntegerField(label="Themes per meeting", min_value=0, max_value=20, initial=0)
    order = forms.IntegerField(min_value=0, initial=0, help_text="Lower comes first")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, owners: list[Any], boards: list[Board], taken: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {str(o.pk): o for o in owners}
        self.boards = {str(b.pk): b for b in boards}
        self.taken = taken
        _choice(self, "chair").choices = _choices(owners)
        _choice(self, "members").choices = _choices(owners, blank=None)
        _choice(self, "parent").choices = _choices(boards)

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        if code in self.taken:
            raise forms.ValidationError(f"Another board has the code {code}: choose another")
        return code

    def service_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {
            "code": c["code"],
            "name": c["name"],
            "chair": self.owners.get(c["chair"]),
            "parent": self.boards.get(c["parent"]),
            "cadence": c["cadence"].strip(),
            "first_meeting": c["first_meeting"],
            "starts_at": c["starts_at"],
            "duration_minutes": c["duration_minutes"],
            "tolerance_days": c["tolerance_days"],
            "tolerance_cost": c["tolerance_cost"],
            "tolerance_scope": c["tolerance_scope"],
            "themes_per_meeting": c["themes_per_meeting"],
            "order": c["order"],
            "notes": c["notes"],
        }

    def members_chosen(self) -> list[Any]:
        return [self.owners[pk] for pk in self.cleaned_data["members"]]


class MeetingForm(forms.Form):
    date = SimpleDateField(required=True, help_text="Change it to move the meeting. For example, 11/07/2019")
    starts_at = forms.TimeField(
        label="Starts at", required=False, help_text=f"Empty: the board's usual time. {TIME_HELP}"
    )
    cancelled = forms.BooleanField(label="Cancel this meeting", required=False)
    reason = forms.CharField(
        label="Why it is moved or cancelled", max_length=300, required=False, help_text="Needed to move or cancel it"
    )
    themes = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, strands: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.strands = {str(s.pk): s for s in strands}
        _choice(self, "themes").choices = _choices(strands, label=lambda s: f"{s.code}. {s.name}", blank=None)

    def themes_chosen(self) -> list[Any]:
        return [self.strands[pk] for pk in self.cleaned_data["themes"]]


class MeetingAddForm(forms.Form):
    date = SimpleDateField(required=True)
    starts_at = forms.TimeField(
        label="Starts at", required=False, help_text=f"Empty: the board's usual time. {TIME_HELP}"
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    meeting = forms.ChoiceField(help_text="Only meetings of the boards whose decisions you record")
    kind = forms.ChoiceField(choices=Decision.Kind.choices)
    outcome = forms.ChoiceField(choices=Decision.Outcome.choices)
    text = forms.CharField(label="What was decided", widget=forms.Textarea(attrs={"rows": 4}))
    gate = forms.ChoiceField(
        label="Governance gate", required=False, help_text="An agreed decision completes the gate in the plan"
    )

    def __init__(self, *args: Any, meetings: list[Any], gates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meetings = {str(m.pk): m for m in meetings}
        self.gates = {str(g.pk): g for g in gates}
        _choice(self, "meeting").choices = _choices(meetings, blank="Choose a meeting")
        _choice(self, "gate").choices = _choices(gates, label=lambda g: f"{g.uid} {g.title}", blank="No gate")


class ChangeForm(forms.Form):
    title = forms.CharField(max_length=300, label="What changes")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    strand = forms.ChoiceField(required=False)
    impact_days = forms.IntegerField(
        label="Impact on time (days)", initial=0, min_value=-3650, max_value=3650, help_text="Delay in days; 0: none"
    )
    impact_cost = forms.DecimalField(
        label="Impact on cost (£)", initial=0, max_digits=14, decimal_places=2, help_text="Extra cost; 0: none"
    )
    impact_scope = forms.CharField(
        label="Impact on scope", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Empty: none"
    )
    item = forms.ChoiceField(label="Plan line it moves", required=False)
    new_start = SimpleDateField(label="Its new start")
    new_end = SimpleDateField(label="Its new end")

    def __init__(self, *args: Any, strands: list[Any], items: list[Any], strand_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.strands = {str(s.pk): s for s in strands}
        self.items = {str(i.pk): i for i in items}
        _choice(self, "strand").choices = _choices(strands, blank="The whole programme")
        self.fields["strand"].required = strand_required
        _choice(self, "item").choices = _choices(items, label=lambda i: f"{i.uid} {i.title}", blank="None")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("item") and not (data.get("new_start") or data.get("new_end")):
            self.add_error("new_end", "Enter the plan line's new start or end, or choose no plan line")
        return data


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")], widget=forms.RadioSelect, label="Decision"
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = SimpleDateField(label="Decided on", required=True)
