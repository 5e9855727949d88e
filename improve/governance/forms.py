"""Forms of the governance room. They read and check what a person typed; the rules live in the
models and services, whose errors are put back on the form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from improve.core.forms import SimpleDateField
from improve.core.validators import KEY_MAX_LENGTH
from improve.governance.models import Board, Decision, DocumentSignoff

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


#: How many plan lines the change request form names at most (the workbook takes any number).
CHANGE_LINES = 5


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

    def __init__(self, *args: Any, strands: list[Any], items: list[Any], strand_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.strands = {str(s.pk): s for s in strands}
        self.items = {str(i.pk): i for i in items}
        _choice(self, "strand").choices = _choices(strands, blank="The whole programme")
        self.fields["strand"].required = strand_required
        item_choices = _choices(items, label=lambda i: f"{i.uid} {i.title}", blank="None")
        for n in range(1, CHANGE_LINES + 1):
            help_text = "The plan lines the change moves when it is approved, with their new dates" if n == 1 else ""
            self.fields[f"item_{n}"] = forms.ChoiceField(
                label=f"Plan line {n} it moves", required=False, choices=item_choices, help_text=help_text
            )
            self.fields[f"new_start_{n}"] = SimpleDateField(label=f"Plan line {n}: new start")
            self.fields[f"new_end_{n}"] = SimpleDateField(label=f"Plan line {n}: new end")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen: set[str] = set()
        for n in range(1, CHANGE_LINES + 1):
            item = data.get(f"item_{n}")
            if not item:
                if data.get(f"new_start_{n}") or data.get(f"new_end_{n}"):
                    self.add_error(f"item_{n}", f"Choose plan line {n}, or leave its dates empty")
                continue
            if item in seen:
                self.add_error(f"item_{n}", f"{self.items[item].uid} is named already: name each plan line once")
            seen.add(item)
            if not (data.get(f"new_start_{n}") or data.get(f"new_end_{n}")):
                self.add_error(f"new_end_{n}", f"Enter plan line {n}'s new start or end, or choose no plan line")
        return data

    def lines_chosen(self) -> list[tuple[Any, dt.date | None, dt.date | None]]:
        c = self.cleaned_data
        return [
            (self.items[c[f"item_{n}"]], c[f"new_start_{n}"], c[f"new_end_{n}"])
            for n in range(1, CHANGE_LINES + 1)
            if c.get(f"item_{n}")
        ]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")], widget=forms.RadioSelect, label="Decision"
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = SimpleDateField(label="Decided on", required=True)


class DecisionFilterForm(forms.Form):
    q = forms.CharField(label="Search what was decided", required=False, max_length=100)
    board = forms.ChoiceField(label="Board", required=False)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *Decision.Kind.choices])
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "Any outcome"), *Decision.Outcome.choices]
    )

    def __init__(self, *args: Any, boards: list[Board], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "board").choices = [("", "Any board")] + [(b.code, b.name) for b in boards]


class ReportForm(forms.Form):
    report = forms.CharField(max_length=200, label="Report", help_text="What is sent, as the papers name it")
    sender = forms.ChoiceField(label="From", required=False)
    receiver = forms.ChoiceField(label="To")
    due_working_days = forms.IntegerField(
        label="Due, in working days before the receiving meeting",
        min_value=0,
        max_value=60,
        initial=0,
        help_text="0: by the meeting",
    )

    def __init__(self, *args: Any, boards: list[Board], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.boards = {str(b.pk): b for b in boards}
        _choice(self, "sender").choices = _choices(boards, blank="The workstreams")
        _choice(self, "receiver").choices = _choices(boards, blank="Choose a board")


class DocumentForm(forms.Form):
    code = forms.CharField(max_length=KEY_MAX_LENGTH, help_text="A short code used in addresses, like pid")
    title = forms.CharField(max_length=300)
    kind = forms.CharField(max_length=100, required=False, help_text="PID, business case, strategy …")

    def __init__(self, *args: Any, taken: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.taken = taken

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        if code in self.taken:
            raise forms.ValidationError(f"Another document has the code {code}: choose another")
        return code


class VersionForm(forms.Form):
    version = forms.CharField(max_length=20, help_text="As the document numbers it, like 1.2")
    date = SimpleDateField(required=True)
    author = forms.CharField(max_length=200, required=False, label="Amended by")
    summary = forms.CharField(label="Summary of changes", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SignoffForm(forms.Form):
    version = forms.CharField(max_length=20)
    kind = forms.ChoiceField(choices=DocumentSignoff.Kind.choices, widget=forms.RadioSelect)
    name = forms.CharField(max_length=200, help_text="A person or a group, like CSG")
    role = forms.CharField(max_length=200, required=False, label="Title or role")
    status = forms.ChoiceField(choices=DocumentSignoff.Status.choices, initial=DocumentSignoff.Status.PENDING)
    date = SimpleDateField(help_text="When it was reviewed or decided; empty while pending")
    note = forms.CharField(max_length=300, required=False)
