"""Forms for the plan. Field names match the labels people see in their spreadsheets."""

from __future__ import annotations

from typing import Any

from django import forms

from improve.core.dates import format_plan_date
from improve.core.forms import PlanDateField, SimpleDateField, with_loaded
from improve.core.validators import KEY_MAX_LENGTH, validate_key
from improve.programmes.models import (
    DependencyType,
    GateType,
    ItemKind,
    Owner,
    PlanItem,
    Programme,
    Rag,
    Role,
    Stage,
    Status,
    StrandTerm,
)
from improve.programmes.services import PlanItemData, ProjectData, StageData, StrandData


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
        return str(uid)

    def clean_parent(self) -> str:
        parent = self.cleaned_data["parent"].strip()
        if parent and parent not in self.items_by_uid:
            raise forms.ValidationError(f"There is no plan line with unique ID {parent}")
        if parent and self.editing is not None and self.items_by_uid[parent] == self.editing.pk:
            raise forms.ValidationError("A line cannot sit under itself")
        return str(parent)

    def service_fields(self, strands_by_id: dict[str, Any], parents: dict[str, PlanItem]) -> PlanItemData:
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


class DefinitionFilterForm(forms.Form):
    """The filters of the strands, stages, projects and owners registers: a search, and what the
    register adds (a strand for projects, a kind for owners)."""

    q = forms.CharField(label="Search names and codes", required=False, max_length=100)


class ProjectFilterForm(DefinitionFilterForm):
    strand = forms.ChoiceField(label="Strand", required=False)

    def __init__(self, *args: Any, programme: Programme, strands: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["strand"].label = programme.strand_word
        _choice_field(self, "strand").choices = [("", f"Any {programme.strand_word.lower()}")] + [
            (s.code, s.name) for s in strands
        ]


class OwnerFilterForm(DefinitionFilterForm):
    q = forms.CharField(label="Search names and job titles", required=False, max_length=100)
    kind = forms.ChoiceField(label="Kind", required=False, choices=_blank_choice("Any kind", list(Owner.Kind.choices)))


class ProgrammeForm(forms.Form):
    council = forms.CharField(label="Council", max_length=200)
    name = forms.CharField(label="Programme name", max_length=300)
    strand_term = forms.ChoiceField(label="What the programme calls its strands", choices=StrandTerm.choices)
    start_date = SimpleDateField(label="Start date")
    end_date = SimpleDateField(label="End date")
    status_date = SimpleDateField(
        label="Status date",
        help_text="Progress is reported as at this date: overdue lines and slippage are judged against it. "
        "Leave it empty to use today. For example, 30/06/2019",
    )
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

    def service_fields(self) -> StrandData:
        d = self.cleaned_data
        return {
            "code": d["code"],
            "name": d["name"],
            "aim": d["aim"],
            "lead": self._owners.get(d["lead"]),
            "order": d["order"],
        }


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

    def service_fields(self) -> StageData:
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
        return str(uid)


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
    user_id = forms.TypedChoiceField(
        label="Member who is this owner (optional)",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="A member linked to an owner can edit what that owner owns, such as their risks",
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]] = [], **kwargs: Any) -> None:  # noqa: B006
        super().__init__(*args, **kwargs)
        self.fields["user_id"].choices = [("", "Not linked to a member"), *members]  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if name.upper() == "TBD":
            raise forms.ValidationError("TBD is not a name: choose TBD as the owner on the plan line instead")
        return str(name)


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

    def service_fields(self) -> ProjectData:
        d = self.cleaned_data
        return {
            "code": d["code"],
            "name": d["name"],
            "strand": self._strands[d["strand"]],
            "lead": self._owners.get(d["lead"]),
            "description": d["description"],
        }


class MemberForm(forms.Form):
    """Give someone a role in a programme; workstream leads also get their strands."""

    email = forms.EmailField(label="E-mail address", widget=forms.EmailInput(attrs={"spellcheck": "false"}))
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        required=False,
        help_text="Needed only if they have not used Improvement Office before",
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=forms.RadioSelect)
    strands = forms.MultipleChoiceField(
        label="Strands they lead",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For workstream leads: the strands whose plan lines they may change",
    )

    def __init__(
        self,
        *args: Any,
        strands: list[Any],
        strand_word: str,
        existing_emails: set[str],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.existing_emails = existing_emails
        self._strands = {str(s.pk): s for s in strands}
        field = self.fields["strands"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(s.pk), s.name) for s in strands]
        field.label = f"{strand_word}s they lead"
        if editing:
            del self.fields["email"]
            del self.fields["full_name"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == Role.WORKSTREAM_LEAD and not data.get("strands"):
            self.add_error("strands", "Select the strands this workstream lead leads")
        if data.get("role") and data.get("role") != Role.WORKSTREAM_LEAD and data.get("strands"):
            self.add_error("strands", "Only workstream leads have strands: clear these or choose Workstream lead")
        return data

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email in self.existing_emails:
            raise forms.ValidationError(f"{email} is already a member of this programme")
        return str(email)

    def chosen_strands(self) -> list[Any]:
        return [self._strands[pk] for pk in self.cleaned_data.get("strands", [])]


DATE_INVALID = "Enter a real date, like 01/04/2019"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
#: Words a programme's short name cannot be: they are pages under /programmes/ themselves.
RESERVED_SLUGS = frozenset({"new", "administrators"})


class ProgrammeStartForm(forms.Form):
    """Start a programme: its definition and its first members (the SRO, perhaps a manager)."""

    slug = forms.RegexField(
        label="Short name",
        regex=SLUG_PATTERN,
        max_length=80,
        help_text="Used in the programme's web address and workbook: lower-case letters, digits and hyphens, "
        "for example havering-2019",
        error_messages={
            "invalid": "Short name must be lower-case letters, digits and hyphens (not at the start or end), "
            "for example havering-2019",
            "required": "Enter a short name, for example havering-2019",
        },
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    council = forms.CharField(
        label="Council", max_length=200, error_messages={"required": "Enter the council, for example Havering"}
    )
    name = forms.CharField(
        label="Programme name",
        max_length=300,
        error_messages={"required": "Enter the programme name, for example Children's Services Improvement"},
    )
    strand_term = forms.ChoiceField(
        label="What the programme calls its strands",
        choices=StrandTerm.choices,
        initial=StrandTerm.STRAND,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the programme calls its strands"},
    )
    start_date = SimpleDateField(
        label="Start date",
        required=True,
        error_messages={"required": "Enter the start date, like 01/04/2019", "invalid": DATE_INVALID},
    )
    end_date = SimpleDateField(
        label="End date",
        required=True,
        help_text="For example, 31/03/2021",
        error_messages={"required": "Enter the end date, like 31/03/2021", "invalid": DATE_INVALID},
    )
    status_date = SimpleDateField(
        label="Status date (optional)",
        help_text="Progress is reported as at this date. Leave it empty to use today. For example, 30/06/2019",
    )
    sro_email = forms.EmailField(
        label="SRO's e-mail address",
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
        error_messages={
            "required": "Enter the SRO's e-mail address",
            "invalid": "Enter the SRO's e-mail address in the right form, like name@council.gov.uk",
        },
    )
    sro_name = forms.CharField(
        label="SRO's full name",
        max_length=200,
        help_text="If they already use Improvement Office, their account keeps its name",
        error_messages={"required": "Enter the SRO's full name"},
    )
    manager_email = forms.EmailField(
        label="Programme manager's e-mail address (optional)",
        required=False,
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
        error_messages={
            "invalid": "Enter the programme manager's e-mail address in the right form, like name@council.gov.uk"
        },
    )
    manager_name = forms.CharField(label="Programme manager's full name (optional)", max_length=200, required=False)
    join = forms.BooleanField(
        label="Add me to the programme as a PMO officer, so that I can open it and set it up",
        required=False,
    )

    def __init__(self, *args: Any, taken_slugs: set[str], own_email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.taken_slugs = taken_slugs
        self.own_email = own_email.lower()

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"])
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(f"Short name cannot be '{slug}': it is a page of its own. Choose another")
        if slug in self.taken_slugs:
            raise forms.ValidationError(f"Short name '{slug}' is already another programme's: choose another")
        return slug

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "End date must be the same as or after the start date")
        sro, manager = (data.get("sro_email") or "").lower(), (data.get("manager_email") or "").lower()
        if manager and manager == sro:
            self.add_error("manager_email", "The programme manager must be someone other than the SRO")
        if data.get("manager_name", "").strip() and not manager and "manager_email" not in self.errors:
            self.add_error("manager_email", "Enter the programme manager's e-mail address, or clear their name")
        if manager and not data.get("manager_name", "").strip():
            self.add_error("manager_name", "Enter the programme manager's full name")
        return data

    def programme_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        fields = ("slug", "council", "name", "strand_term", "start_date", "end_date", "status_date")
        return {k: d[k].strip() if isinstance(d[k], str) else d[k] for k in fields}

    def members(self, full_name: str) -> list[tuple[str, str, str]]:
        """``(email, full name, role)`` of the first members, in the form's order (``full_name``: mine)."""
        d = self.cleaned_data
        out = [(d["sro_email"].lower(), d["sro_name"].strip(), str(Role.SRO))]
        if d.get("manager_email"):
            out.append((d["manager_email"].lower(), d["manager_name"].strip(), str(Role.PROGRAMME_MANAGER)))
        if d.get("join") and self.own_email not in {email for email, _, _ in out}:
            out.append((self.own_email, full_name, str(Role.PMO_OFFICER)))
        return out


class AdministratorForm(forms.Form):
    """Make an existing user a programme office administrator."""

    email = forms.EmailField(
        label="E-mail address",
        help_text="They must already have an account in Improvement Office",
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
        error_messages={
            "required": "Enter the e-mail address of the person to make an administrator",
            "invalid": "Enter an e-mail address in the right form, like name@council.gov.uk",
        },
    )
