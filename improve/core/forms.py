"""Form parts every room uses: UK date fields and the three-way merge after an edit conflict."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms

from improve.core.dates import PlanDateError, parse_plan_date
from improve.core.validators import validate_plan_date

DATE_HINT = "For example, 18/04/2019. Enter TBD if the date is still to be decided; leave it empty if there is none."


class PlanDateField(forms.CharField):
    """A UK date, TBD, or empty; cleans to ``(date | None, tbd)``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", DATE_HINT)
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> tuple[dt.date | None, bool]:
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
