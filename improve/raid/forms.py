"""Forms of the RAID log. Rules live in the models and services; the forms turn text into values."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from improve.core.forms import SimpleDateField, with_loaded
from improve.core.validators import KEY_MAX_LENGTH, validate_key
from improve.programmes.models import Owner, PlanItem, Programme, Strand
from improve.raid import scoring
from improve.raid.models import (
    ActionStatus,
    Category,
    Escalation,
    Issue,
    IssueStatus,
    LogSpec,
    Priority,
    Risk,
    RiskStatus,
)

LEVELS = [(str(n), scoring.level_display(n)) for n in scoring.LEVELS]
SPLIT_RE = re.compile(r"[,;\s]+")


def _date(**kwargs: Any) -> SimpleDateField:
    """A dd/mm/yyyy date field whose input the form template draws 10 characters wide."""
    field = SimpleDateField(**kwargs)
    field.govuk_width = "10"  # type: ignore[attr-defined]
    return field


def _blank(label: str, choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", label), *choices]


class LevelField(forms.CharField):
    """A likelihood or impact, typed: 1–5, or L / M / H as the councils' papers rate them (a text
    input, so a rating copied from a paper goes in as printed)."""

    #: the GOV.UK input width class the form template asks for (``govuk-input--width-3``)
    govuk_width = "3"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        label = str(kwargs.get("label", "the level"))
        kwargs.setdefault("error_messages", {"required": f"{label}: enter {scoring.ACCEPTED}"})
        kwargs.setdefault(
            "help_text", "1 Very low, 2 Low, 3 Medium, 4 High or 5 Very high; L, M and H are read as 2, 3 and 4"
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        try:
            return scoring.parse_level(text)
        except scoring.LevelError as exc:
            raise forms.ValidationError(f"{self.label}: {exc}") from exc


def _uids(text: str) -> list[str]:
    return [u for u in SPLIT_RE.split(text.strip()) if u]


class LinksMixin(forms.Form):
    """Strands (checkboxes) and plan lines (typed unique IDs) a risk or issue is linked to."""

    strands = forms.MultipleChoiceField(label="Strands", required=False, widget=forms.CheckboxSelectMultiple)
    plan_items = forms.CharField(
        label="Plan lines (unique IDs)",
        required=False,
        max_length=2000,
        help_text="The unique IDs of the plan lines it affects, separated by commas, for example 17, 18",
    )

    def setup_links(self, programme: Programme, strands: list[Strand], items_by_uid: dict[str, int]) -> None:
        self._strands = {str(s.pk): s for s in strands}
        field = self.fields["strands"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101 - declared above
        field.choices = [(str(s.pk), s.name) for s in strands]
        field.label = programme.strand_word_plural
        self._items_by_uid = items_by_uid

    def clean_plan_items(self) -> list[str]:
        uids = _uids(self.cleaned_data["plan_items"])
        unknown = [u for u in uids if u not in self._items_by_uid]
        if unknown:
            raise forms.ValidationError(
                f"There is no plan line with unique ID {', '.join(unknown)}: enter IDs from the plan"
            )
        return list(dict.fromkeys(uids))

    def chosen_strands(self) -> list[Strand]:
        return [self._strands[pk] for pk in self.cleaned_data.get("strands", [])]

    @staticmethod
    def links_initial(obj: Risk | Issue) -> dict[str, Any]:
        return {
            "strands": [str(s.pk) for s in obj.strands.all()],
            "plan_items": ", ".join(obj.plan_item_uids),
        }


class OwnerChoiceMixin(forms.Form):
    owner = forms.ChoiceField(label="Owner", required=False)

    def setup_owner(self, owners: list[Owner]) -> None:
        self._owners = {str(o.pk): o for o in owners}
        field = self.fields["owner"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [("", "No owner"), *[(str(o.pk), o.name) for o in owners]]

    def chosen_owner(self) -> Owner | None:
        return self._owners.get(self.cleaned_data.get("owner") or "")


class RiskForm(LinksMixin, OwnerChoiceMixin):
    reference = forms.CharField(
        label="Reference",
        max_length=KEY_MAX_LENGTH,
        validators=[validate_key],
        help_text="The risk's ID in your log, for example R1: letters, digits, '.', '-' and '_'",
    )
    title = forms.CharField(label="Risk", max_length=300)
    category = forms.ChoiceField(label="Category", choices=Category.choices)
    cause = forms.CharField(label="Cause", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    event = forms.CharField(label="Event", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    effect = forms.CharField(label="Effect", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # Empty, all four: the risk is recorded "not yet scored" (the model checks each pair is whole).
    inherent_likelihood = LevelField(label="Likelihood before mitigation", required=False)
    inherent_impact = LevelField(label="Impact before mitigation", required=False)
    residual_likelihood = LevelField(label="Likelihood now", required=False)
    residual_impact = LevelField(label="Impact now", required=False)
    target_likelihood = LevelField(label="Target likelihood", required=False)
    target_impact = LevelField(label="Target impact", required=False)
    proximity = _date(label="Proximity", help_text="When it could happen, for example 31/03/2020")
    review_on = _date(label="Review date", help_text="For example, 01/07/2019")
    status = forms.ChoiceField(label="Status", choices=RiskStatus.choices)
    closed_on = _date(label="Closed on", help_text="For a closed risk, for example 01/07/2019")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    loaded = forms.CharField(widget=forms.HiddenInput, required=False)

    field_order = [
        "reference",
        "title",
        "category",
        "owner",
        "cause",
        "event",
        "effect",
        "inherent_likelihood",
        "inherent_impact",
        "residual_likelihood",
        "residual_impact",
        "target_likelihood",
        "target_impact",
        "proximity",
        "review_on",
        "status",
        "closed_on",
        "strands",
        "plan_items",
        "notes",
    ]

    def __init__(
        self,
        *args: Any,
        programme: Programme,
        owners: list[Owner],
        strands: list[Strand],
        items_by_uid: dict[str, int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.setup_owner(owners)
        self.setup_links(programme, strands, items_by_uid)

    @classmethod
    def initial_for(cls, risk: Risk) -> dict[str, Any]:
        def level(n: int | None) -> str:
            return str(n) if n is not None else ""

        return {
            "reference": risk.reference,
            "title": risk.title,
            "category": risk.category,
            "owner": str(risk.owner_id or ""),
            "cause": risk.cause,
            "event": risk.event,
            "effect": risk.effect,
            "inherent_likelihood": level(risk.inherent_likelihood),
            "inherent_impact": level(risk.inherent_impact),
            "residual_likelihood": level(risk.residual_likelihood),
            "residual_impact": level(risk.residual_impact),
            "target_likelihood": level(risk.target_likelihood),
            "target_impact": level(risk.target_impact),
            "proximity": risk.proximity,
            "review_on": risk.review_on,
            "status": risk.status,
            "closed_on": risk.closed_on,
            "notes": risk.notes,
            **cls.links_initial(risk),
            "version": risk.version,
        }

    @classmethod
    def initial_with_loaded(cls, risk: Risk) -> dict[str, Any]:
        initial = cls.initial_for(risk)
        loaded = with_loaded({k: v for k, v in initial.items() if k != "strands"})
        return {**loaded, "strands": initial["strands"]}

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        names = (
            "reference",
            "title",
            "category",
            "cause",
            "event",
            "effect",
            "inherent_likelihood",
            "inherent_impact",
            "residual_likelihood",
            "residual_impact",
            "target_likelihood",
            "target_impact",
            "proximity",
            "review_on",
            "status",
            "closed_on",
            "notes",
        )
        return {**{n: d[n] for n in names}, "owner": self.chosen_owner()}


class IssueForm(LinksMixin, OwnerChoiceMixin):
    reference = forms.CharField(
        label="Reference",
        max_length=KEY_MAX_LENGTH,
        validators=[validate_key],
        help_text="The issue's ID in your log, for example I1",
    )
    title = forms.CharField(label="Issue", max_length=300)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    impact = forms.CharField(label="Impact", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    priority = forms.ChoiceField(label="Priority", choices=Priority.choices)
    escalation = forms.ChoiceField(label="Escalation level", choices=Escalation.choices)
    status = forms.ChoiceField(label="Status", choices=IssueStatus.choices)
    raised_on = _date(label="Raised on")
    resolved_on = _date(label="Resolved on")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    loaded = forms.CharField(widget=forms.HiddenInput, required=False)

    field_order = [
        "reference",
        "title",
        "description",
        "impact",
        "priority",
        "owner",
        "escalation",
        "status",
        "raised_on",
        "resolved_on",
        "strands",
        "plan_items",
        "notes",
    ]

    def __init__(
        self,
        *args: Any,
        programme: Programme,
        owners: list[Owner],
        strands: list[Strand],
        items_by_uid: dict[str, int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.setup_owner(owners)
        self.setup_links(programme, strands, items_by_uid)

    @classmethod
    def initial_for(cls, issue: Issue) -> dict[str, Any]:
        return {
            "reference": issue.reference,
            "title": issue.title,
            "description": issue.description,
            "impact": issue.impact,
            "priority": issue.priority,
            "owner": str(issue.owner_id or ""),
            "escalation": issue.escalation,
            "status": issue.status,
            "raised_on": issue.raised_on,
            "resolved_on": issue.resolved_on,
            "notes": issue.notes,
            **cls.links_initial(issue),
            "version": issue.version,
        }

    @classmethod
    def initial_with_loaded(cls, issue: Issue) -> dict[str, Any]:
        initial = cls.initial_for(issue)
        loaded = with_loaded({k: v for k, v in initial.items() if k != "strands"})
        return {**loaded, "strands": initial["strands"]}

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        names = (
            "reference",
            "title",
            "description",
            "impact",
            "priority",
            "escalation",
            "status",
            "raised_on",
            "resolved_on",
            "notes",
        )
        return {**{n: d[n] for n in names}, "owner": self.chosen_owner()}


class ActionForm(OwnerChoiceMixin):
    title = forms.CharField(label="Action", widget=forms.Textarea(attrs={"rows": 3}))
    due_on = _date(label="Due date")
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices)
    done_on = _date(label="Done on", help_text="For a done action, for example 01/07/2019")

    field_order = ["title", "owner", "due_on", "status", "done_on"]

    def __init__(self, *args: Any, owners: list[Owner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_owner(owners)

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "title": d["title"],
            "due_on": d["due_on"],
            "status": d["status"],
            "done_on": d["done_on"],
            "owner": self.chosen_owner(),
        }


class DateForm(forms.Form):
    """The one date of closing a risk, completing an action or raising an issue from a risk."""

    on = _date(label="Date", required=True, error_messages={"required": "Enter the date, like 01/07/2019"})


class LogEntryForm(OwnerChoiceMixin):
    reference = forms.CharField(label="Reference", max_length=KEY_MAX_LENGTH, validators=[validate_key])
    title = forms.CharField(label="Summary", max_length=300)
    description = forms.CharField(label="Detail", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    partner = forms.CharField(label="Partner or other programme", required=False, max_length=300)
    status = forms.ChoiceField(label="Status")
    raised_on = _date(label="Raised on")
    review_on = _date(label="Review date")
    plan_items = forms.CharField(
        label="Plan lines waiting on it (unique IDs)",
        required=False,
        max_length=2000,
        help_text="Separated by commas, for example 17, 18",
    )

    def __init__(
        self, *args: Any, spec: LogSpec, owners: list[Owner], items_by_uid: dict[str, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.setup_owner(owners)
        self._items_by_uid = items_by_uid
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = list(spec.statuses)
        if not spec.partner:
            del self.fields["partner"]
        if not spec.plan_items:
            del self.fields["plan_items"]
        if not spec.review:
            del self.fields["review_on"]

    def clean_plan_items(self) -> list[str]:
        uids = _uids(self.cleaned_data["plan_items"])
        unknown = [u for u in uids if u not in self._items_by_uid]
        if unknown:
            raise forms.ValidationError(f"There is no plan line with unique ID {', '.join(unknown)}")
        return list(dict.fromkeys(uids))

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        out: dict[str, Any] = {k: d[k] for k in ("reference", "title", "description", "status", "raised_on") if k in d}
        for k in ("partner", "review_on"):
            if k in self.fields:
                out[k] = d[k]
        out["owner"] = self.chosen_owner()
        return out


class AppetiteForm(forms.Form):
    """The maximum acceptable residual score of each category (empty: no appetite set)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Category.choices:
            self.fields[value] = forms.IntegerField(
                label=str(label),
                required=False,
                min_value=scoring.MIN_SCORE,
                max_value=scoring.MAX_SCORE,
                help_text="A score from 1 to 25; leave empty for no appetite",
                error_messages={
                    "min_value": f"{label}: enter a score from 1 to 25",
                    "max_value": f"{label}: enter a score from 1 to 25",
                    "invalid": f"{label}: enter a whole number from 1 to 25",
                },
            )


# --- the registers' filters ---------------------------------------------------------------------


class RiskFilterForm(forms.Form):
    q = forms.CharField(label="Search risks", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", required=False, choices=_blank("Any status", list(RiskStatus.choices)))
    category = forms.ChoiceField(
        label="Category", required=False, choices=_blank("Any category", list(Category.choices))
    )
    owner = forms.ChoiceField(label="Owner", required=False)
    strand = forms.ChoiceField(label="Strand", required=False)
    basis = forms.ChoiceField(
        label="Scores",
        required=False,
        choices=[("", "Now (residual)"), ("inherent", "Before mitigation (inherent)")],
    )
    likelihood = forms.TypedChoiceField(
        label="Likelihood", required=False, coerce=int, empty_value=None, choices=_blank("Any likelihood", LEVELS)
    )
    impact = forms.TypedChoiceField(
        label="Impact", required=False, coerce=int, empty_value=None, choices=_blank("Any impact", LEVELS)
    )
    above_appetite = forms.BooleanField(label="Above appetite only", required=False)
    not_scored = forms.BooleanField(label="Not yet scored only", required=False)
    review_overdue = forms.BooleanField(label="Review overdue only", required=False)

    def __init__(self, *args: Any, programme: Programme, owners: list[Owner], strands: list[Strand], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_choices(self, "owner", [("", "Any owner"), *[(o.name, o.name) for o in owners]])
        self.fields["strand"].label = programme.strand_word
        _set_choices(
            self, "strand", [("", f"Any {programme.strand_word.lower()}"), *[(s.code, s.name) for s in strands]]
        )


class IssueFilterForm(forms.Form):
    q = forms.CharField(label="Search issues", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", required=False, choices=_blank("Any status", list(IssueStatus.choices)))
    priority = forms.ChoiceField(
        label="Priority", required=False, choices=_blank("Any priority", list(Priority.choices))
    )
    escalation = forms.ChoiceField(
        label="Escalation level", required=False, choices=_blank("Any level", list(Escalation.choices))
    )
    owner = forms.ChoiceField(label="Owner", required=False)
    strand = forms.ChoiceField(label="Strand", required=False)

    def __init__(self, *args: Any, programme: Programme, owners: list[Owner], strands: list[Strand], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_choices(self, "owner", [("", "Any owner"), *[(o.name, o.name) for o in owners]])
        self.fields["strand"].label = programme.strand_word
        _set_choices(
            self, "strand", [("", f"Any {programme.strand_word.lower()}"), *[(s.code, s.name) for s in strands]]
        )


class LogFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", required=False)

    def __init__(self, *args: Any, spec: LogSpec, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "status", [("", "Any status"), *spec.statuses])


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared as a choice field
    field.choices = choices


def items_for(uids: list[str], by_uid: dict[str, PlanItem]) -> list[PlanItem]:
    return [by_uid[u] for u in uids if u in by_uid]
