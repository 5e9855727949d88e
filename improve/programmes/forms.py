"""Forms for the plan. Field names match the labels people see in their spreadsheets."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms

from improve.programmes.dates import PlanDateError, format_plan_date, parse_plan_date
from improve.programmes.models import (
    DependencyType,
    GateType,
    ItemKind,
    Owner,
    PlanItem,
    Programme,
    Rag,
    Stage,
    Status,
    StrandTerm,
)
from improve.programmes.validators import KEY_MAX_LENGTH, validate_key, validate_plan_date

DATE_HINT = "For example, 18/04/2019. Enter TBD if the date is still to be decided; leave it empty if there is none."


class PlanDateField(forms.CharField):
    """A UK date, TBD, or empty; cleans to ``(date | None, tbd)``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", DATE_HINT)
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> tuple[dt.date | None, bool]:  # type: ignore[override]
        text = super().clean(value)
        try:
            date, tbd = parse_plan_date(text)
        except PlanDateError as exc:
            raise forms.ValidationError(f"{self.label} must be a real date, like 18/04/2019, or TBD") from exc
        if date is not None:
            validate_plan_date(date)
        return date, tbd


class SimpleDateField(forms.DateField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("input_formats", ["%d/%m/%Y", "%Y-%m-%d"])
        kwargs.setdefault("help_text", "For example, 01/04/2019")
        kwargs.setdefault("error_messages", {"invalid": "Enter a real date, like 01/04/2019"})
        kwargs.setdefault("widget", forms.TextInput)
        kwargs.setdefault("validators", [validate_plan_date])
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else value


HIDDEN_KEYS = ("version", "loaded")


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def with_loaded(initial: dict[str, Any]) -> dict[str, Any]:
    """The form's initial values plus ``loaded``: the same values as text, to merge against later."""
    loaded = {k: _as_text(v) for k, v in initial.items() if k not in HIDDEN_KEYS}
    return {**initial, "loaded": json.dumps(loaded, sort_keys=True)}


@dataclass
class Merge:
    data: dict[str, str]
    clashes: dict[str, str]


def merge_after_conflict(posted: Mapping[str, Any], current: dict[str, Any], version: int) -> Merge:
    """Three-way merge of an edit that lost the race.

    ``posted`` is what the editor sent (with ``loaded``: the values when they opened the form);
    ``current`` is the saved object's form values now. Fields the editor did not touch take the
    saved value; fields both people changed differently keep the editor's value and are reported
    in ``clashes`` with the other person's value, so nobody's change is lost without being seen.
    """
    try:
        loaded = json.loads(posted.get("loaded") or "{}")
    except ValueError:
        loaded = {}
    data = {k: posted.get(k, "") for k in current if k not in HIDDEN_KEYS}
    clashes: dict[str, str] = {}
    for field, theirs_raw in current.items():
        if field in HIDDEN_KEYS:
            continue
        mine, theirs, base = _as_text(posted.get(field, "")), _as_text(theirs_raw), loaded.get(field)
        if base is None or theirs == base:
            continue  # the other person did not change this field (or we cannot tell): keep mine
        if mine == base:
            data[field] = theirs  # only they changed it
        elif mine != theirs:
            clashes[field] = theirs
    data["version"] = str(version)
    data["loaded"] = with_loaded(current)["loaded"]
    return Merge(data=data, clashes=clashes)


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def _blank_choice(label: str, choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", label), *choices]


class UniqueKeyForm(forms.Form):
    """A form whose key (a code or a name) must not repeat one the programme already has."""

    key_field = "code"
    taken_message = "Code {key} is already used"

    def __init__(self, *args: Any, taken: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.taken = taken

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key = (data.get(self.key_field) or "").strip()
        if key:
            data[self.key_field] = key
        if key in self.taken:
            self.add_error(self.key_field, self.taken_message.format(key=key))
        return data


class PlanItemForm(forms.Form):
    uid = forms.CharField(
        label="Unique ID",
        max_length=KEY_MAX_LENGTH,
        validators=[validate_key],
        help_text="The plan's own ID for this line, for example 25 or 1.2: letters, digits, '.', '-' and '_'",
    )
    title = forms.CharField(label="Title", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label="Kind", choices=ItemKind.choices)
    gate_type = forms.ChoiceField(
        label="Gate type",
        required=False,
        choices=_blank_choice("Not a gate", list(GateType.choices)),
        help_text="For governance gates only",
    )
    level = forms.IntegerField(label="Level", min_value=1, max_value=9, initial=1)
    strand = forms.ChoiceField(label="Strand")
    project = forms.ChoiceField(label="Project", required=False)
    parent = forms.CharField(
        label="Sits under (unique ID)",
        required=False,
        max_length=40,
        help_text="The unique ID of the deliverable this line belongs to, if any",
    )
    owner = forms.ChoiceField(label="Owner", required=False)
    team = forms.CharField(label="Team or department", required=False, max_length=200)
    start = PlanDateField(label="Start date")
    end = PlanDateField(label="End date")
    status = forms.ChoiceField(label="Status", choices=Status.choices)
    rag = forms.ChoiceField(label="RAG", required=False, choices=_blank_choice("Not rated", list(Rag.choices)))
    percent_complete = forms.IntegerField(label="Per cent complete", min_value=0, max_value=100, initial=0)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    loaded = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        programme: Programme,
        strands: list[Any],
        owners: list[Owner],
        items_by_uid: dict[str, int] | None = None,
        editing: PlanItem | None = None,
        projects: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.editing = editing
        self.items_by_uid = items_by_uid or {}
        self.fields["strand"].label = programme.strand_word
        _choice_field(self, "strand").choices = [(str(s.pk), s.name) for s in strands]
        self._owners = {str(o.pk): o for o in owners}
        _choice_field(self, "owner").choices = [("", "No owner"), ("TBD", "TBD")] + [
            (str(o.pk), o.name) for o in owners
        ]
        self._projects = {str(p.pk): p for p in projects or []}
        _choice_field(self, "project").choices = [("", "No project"), *[(str(p.pk), p.name) for p in projects or []]]

    @classmethod
    def initial_for(cls, item: PlanItem) -> dict[str, Any]:
        return {
            "uid": item.uid,
            "title": item.title,
            "kind": item.kind,
            "gate_type": item.gate_type,
            "level": item.level,
            "strand": str(item.strand_id),
            "project": str(item.project_id or ""),
            "parent": item.parent.uid if item.parent else "",
            "owner": "TBD" if item.owner_tbd else (str(item.owner_id) if item.owner_id else ""),
            "team": item.team,
            "start": format_plan_date(item.start_date, item.start_tbd),
            "end": format_plan_date(item.end_date, item.end_tbd),
            "status": item.status,
            "rag": item.rag,
            "percent_complete": item.percent_complete,
            "notes": item.notes,
            "version": item.version,
        }

    @classmethod
    def initial_with_loaded(cls, item: PlanItem) -> dict[str, Any]:
        return with_loaded(cls.initial_for(item))

    def clean_uid(self) -> str:
        uid = self.cleaned_data["uid"].strip()
        existing = self.items_by_uid.get(uid)
        if existing is not None and (self.editing is None or existing != self.editing.pk):
            raise forms.ValidationError(f"Unique ID {uid} is already used in this plan")
        return uid

    def clean_parent(self) -> str:
        parent = self.cleaned_data["parent"].strip()
        if parent and parent not in self.items_by_uid:
            raise forms.ValidationError(f"There is no plan line with unique ID {parent}")
        if parent and self.editing is not None and self.items_by_uid[parent] == self.editing.pk:
            raise forms.ValidationError("A line cannot sit under itself")
        return parent

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start[0] and end[0] and end[0] < start[0]:
            self.add_error("end", "The end date must be the same as or after the start date")
        kind = data.get("kind")
        if kind == ItemKind.GATE and not data.get("gate_type"):
            self.add_error("gate_type", "Select the type of governance gate")
        if kind and kind != ItemKind.GATE and data.get("gate_type"):
            self.add_error("gate_type", "Only governance gates have a gate type: choose 'Not a gate'")
        if data.get("status") == Status.COMPLETE and data.get("percent_complete") not in (None, 100):
            self.add_error("percent_complete", "A complete item must be 100% complete")
        return data

    def service_fields(self, strands_by_id: dict[str, Any], parents: dict[str, PlanItem]) -> dict[str, Any]:
        d = self.cleaned_data
        (start, start_tbd), (end, end_tbd) = d["start"], d["end"]
        owner = self._owners.get(d["owner"]) if d["owner"] not in ("", "TBD") else None
        return {
            "uid": d["uid"],
            "title": d["title"],
            "kind": d["kind"],
            "gate_type": d["gate_type"] or "",
            "level": d["level"],
            "strand": strands_by_id[d["strand"]],
            "project": self._projects.get(d["project"]),
            "parent": parents.get(d["parent"]),
            "owner": owner,
            "owner_tbd": d["owner"] == "TBD",
            "team": d["team"],
            "start_date": start,
            "start_tbd": start_tbd,
            "end_date": end,
            "end_tbd": end_tbd,
            "status": d["status"],
            "rag": d["rag"] or "",
            "percent_complete": d["percent_complete"],
            "notes": d["notes"],
        }


class PlanFilterForm(forms.Form):
    q = forms.CharField(label="Search titles and IDs", required=False, max_length=100)
    strand = forms.ChoiceField(label="Strand", required=False)
    owner = forms.ChoiceField(label="Owner", required=False)
    team = forms.ChoiceField(label="Team or department", required=False)
    status = forms.ChoiceField(
        label="Status", required=False, choices=_blank_choice("Any status", list(Status.choices))
    )
    kind = forms.ChoiceField(label="Kind", required=False, choices=_blank_choice("Any kind", list(ItemKind.choices)))
    overdue = forms.BooleanField(label="Overdue only", required=False)
    tbd = forms.BooleanField(label="TBD dates or owner only", required=False)

    def __init__(
        self, *args: Any, programme: Programme, strands: list[Any], owners: list[Owner], teams: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["strand"].label = programme.strand_word
        _choice_field(self, "strand").choices = [("", f"Any {programme.strand_word.lower()}")] + [
            (s.code, s.name) for s in strands
        ]
        _choice_field(self, "owner").choices = [("", "Any owner"), ("TBD", "TBD")] + [(o.name, o.name) for o in owners]
        _choice_field(self, "team").choices = [("", "Any team")] + [(t, t) for t in teams]


class ProgrammeForm(forms.Form):
    council = forms.CharField(label="Council", max_length=200)
    name = forms.CharField(label="Programme name", max_length=300)
    strand_term = forms.ChoiceField(label="What the programme calls its strands", choices=StrandTerm.choices)
    start_date = SimpleDateField(label="Start date")
    end_date = SimpleDateField(label="End date")
    background = forms.CharField(label="Background", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    objectives = forms.CharField(
        label="Objectives", required=False, widget=forms.Textarea(attrs={"rows": 5}), help_text="One per line"
    )
    outcomes = forms.CharField(
        label="Outcomes / critical success factors",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One per line",
    )
    principles = forms.CharField(
        label="Principles", required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="One per line"
    )
    lessons_learned = forms.CharField(
        label="Lessons learned", required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="One per line"
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)
    loaded = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        s, e = data.get("start_date"), data.get("end_date")
        if s and e and e < s:
            self.add_error("end_date", "The end date must be the same as or after the start date")
        return data


class StrandForm(UniqueKeyForm):
    code = forms.CharField(
        label="Code",
        max_length=KEY_MAX_LENGTH,
        validators=[validate_key],
        help_text="A short key, for example 1 or practice: letters, digits, '.', '-' and '_'",
    )
    name = forms.CharField(label="Name", max_length=200)
    aim = forms.CharField(label="Aim", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    lead = forms.ChoiceField(label="Lead", required=False)
    order = forms.IntegerField(label="Order", min_value=0, initial=0)

    def __init__(self, *args: Any, owners: list[Owner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._owners = {str(o.pk): o for o in owners}
        _choice_field(self, "lead").choices = [("", "No lead")] + [(str(o.pk), o.name) for o in owners]

    def service_fields(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["lead"] = self._owners.get(d["lead"])
        return d


class StageForm(UniqueKeyForm):
    code = forms.CharField(label="Code", max_length=KEY_MAX_LENGTH, validators=[validate_key])
    name = forms.CharField(label="Name", max_length=200)
    start = PlanDateField(label="Start date")
    end = PlanDateField(label="End date")
    owner = forms.ChoiceField(label="Owner", required=False)
    description = forms.CharField(
        label="What happens in this stage",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One item per line",
    )
    order = forms.IntegerField(label="Order", min_value=0, initial=0)

    def __init__(self, *args: Any, owners: list[Owner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._owners = {str(o.pk): o for o in owners}
        _choice_field(self, "owner").choices = [("", "No owner")] + [(str(o.pk), o.name) for o in owners]

    @classmethod
    def initial_for(cls, stage: Stage) -> dict[str, Any]:
        return {
            "code": stage.code,
            "name": stage.name,
            "start": stage.start_display,
            "end": stage.end_display,
            "owner": str(stage.owner_id or ""),
            "description": stage.description,
            "order": stage.order,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        s, e = data.get("start"), data.get("end")
        if s and e and s[0] and e[0] and e[0] < s[0]:
            self.add_error("end", "The end date must be the same as or after the start date")
        return data

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "code": d["code"],
            "name": d["name"],
            "start_date": d["start"][0],
            "start_tbd": d["start"][1],
            "end_date": d["end"][0],
            "end_tbd": d["end"][1],
            "owner": self._owners.get(d["owner"]),
            "description": d["description"],
            "order": d["order"],
        }


class DependencyForm(forms.Form):
    predecessor = forms.CharField(
        label="Depends on (unique ID)", max_length=40, help_text="The unique ID of the line that must happen first"
    )
    type = forms.ChoiceField(label="Type", choices=DependencyType.choices, initial=DependencyType.FS)
    lag_days = forms.IntegerField(
        label="Lag in days", initial=0, min_value=-3650, max_value=3650, help_text="Negative for a lead time"
    )

    def __init__(self, *args: Any, items_by_uid: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items_by_uid = items_by_uid

    def clean_predecessor(self) -> str:
        uid = self.cleaned_data["predecessor"].strip()
        if uid not in self.items_by_uid:
            raise forms.ValidationError(f"There is no plan line with unique ID {uid}")
        return uid


class BaselineForm(UniqueKeyForm):
    key_field = "name"
    taken_message = "A baseline called '{key}' already exists"

    name = forms.CharField(
        label="Baseline name",
        max_length=120,
        help_text="For example, 'Agreed at Children's Improvement Board, July 2019'",
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OwnerForm(UniqueKeyForm):
    key_field = "name"
    taken_message = "{key} is already an owner in this programme"

    name = forms.CharField(
        label="Name", max_length=200, help_text="As it is written in the plan, for example Workforce Board"
    )
    kind = forms.ChoiceField(label="Kind", choices=Owner.Kind.choices)
    title = forms.CharField(label="Job title or remit", max_length=200, required=False)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if name.upper() == "TBD":
            raise forms.ValidationError("TBD is not a name: choose TBD as the owner on the plan line instead")
        return name


class ProjectForm(UniqueKeyForm):
    code = forms.CharField(label="Code", max_length=KEY_MAX_LENGTH, validators=[validate_key])
    name = forms.CharField(label="Name", max_length=200)
    strand = forms.ChoiceField(label="Strand")
    lead = forms.ChoiceField(label="Lead", required=False)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self,
        *args: Any,
        programme: Programme,
        strands: list[Any],
        owners: list[Owner],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._strands = {str(s.pk): s for s in strands}
        self._owners = {str(o.pk): o for o in owners}
        self.fields["strand"].label = programme.strand_word
        _choice_field(self, "strand").choices = [(str(s.pk), s.name) for s in strands]
        _choice_field(self, "lead").choices = [("", "No lead"), *[(str(o.pk), o.name) for o in owners]]

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "code": d["code"],
            "name": d["name"],
            "strand": self._strands[d["strand"]],
            "lead": self._owners.get(d["lead"]),
            "description": d["description"],
        }
