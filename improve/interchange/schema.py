"""The sheets and columns of the programme workbook (see ``docs/workbook.md``). Pure Python.

Each column has a type that says how a cell is read and written:

- ``text``: a string, ``""`` when empty;
- ``int``: a whole number, ``None`` when empty (the importer fills in the default);
- ``date``: a calendar date or ``None``;
- ``plandate``: a date, ``"TBD"`` or ``None``;
- ``choice``: one of ``choices`` (``""`` when empty and not required).

A column may name a ``validator``: the same function the model field uses (a code or ID a page
address can carry, a date in the programme range), run by the checker on every value read.

The importer turns every row into a dict of these canonical values, and the exporter produces the
same dicts, so an exported workbook compares equal to what the importer reads back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from improve.core.dates import TBD
from improve.core.validators import KEY_MAX_LENGTH, validate_key, validate_plan_date
from improve.programmes.models import (
    DependencyType,
    GateType,
    ItemKind,
    Owner,
    Rag,
    Status,
    StrandTerm,
)

TEXT, INT, DATE, PLANDATE, CHOICE = "text", "int", "date", "plandate", "choice"


@dataclass(frozen=True)
class Column:
    name: str
    type: str = TEXT
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    multiline: bool = False
    width: int = 14
    validator: Callable[[Any], None] | None = None

    def check(self, value: Any) -> str | None:
        """What is wrong with a value read from this column, by its ``validator``; None if nothing."""
        if self.validator is None or value in ("", None, TBD):
            return None
        try:
            self.validator(value)
        except ValidationError as exc:
            return " ".join(exc.messages)
        return None


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required_sheet: bool = True
    width_default: int = 14
    by_name: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_name.update({c.name: c for c in self.columns})

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _choices(cls: type) -> tuple[str, ...]:
    return tuple(str(v) for v in cls.values)  # type: ignore[attr-defined]


MAX_INT = 2_147_483_647

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "programme",
        (
            Column("slug", required=True, max_length=80, width=24),
            Column("council", required=True, max_length=200, width=30),
            Column("name", required=True, max_length=300, width=30),
            Column("strand_term", CHOICE, required=True, choices=_choices(StrandTerm), width=12),
            Column("start", DATE, validator=validate_plan_date, width=12),
            Column("end", DATE, validator=validate_plan_date, width=12),
            Column("background", multiline=True, width=50),
            Column("objectives", multiline=True, width=50),
            Column("outcomes", multiline=True, width=50),
            Column("principles", multiline=True, width=50),
            Column("lessons_learned", multiline=True, width=50),
            Column("notes", multiline=True, width=50),
        ),
        key=("slug",),
    ),
    SheetSpec(
        "strands",
        (
            Column("code", required=True, max_length=KEY_MAX_LENGTH, validator=validate_key, width=10),
            Column("name", required=True, max_length=200, width=40),
            Column("aim", multiline=True, width=60),
            Column("lead", max_length=200, width=24),
            Column("order", INT, minimum=0, maximum=MAX_INT, width=8),
        ),
        key=("code",),
    ),
    SheetSpec(
        "stages",
        (
            Column("code", required=True, max_length=KEY_MAX_LENGTH, validator=validate_key, width=10),
            Column("name", required=True, max_length=200, width=30),
            Column("start", PLANDATE, validator=validate_plan_date, width=12),
            Column("end", PLANDATE, validator=validate_plan_date, width=12),
            Column("owner", max_length=200, width=24),
            Column("description", multiline=True, width=60),
            Column("order", INT, minimum=0, maximum=MAX_INT, width=8),
        ),
        key=("code",),
        required_sheet=False,
    ),
    SheetSpec(
        "owners",
        (
            Column("name", required=True, max_length=200, width=30),
            Column("kind", CHOICE, required=True, choices=_choices(Owner.Kind), width=10),
            Column("title", max_length=200, width=60),
        ),
        key=("name",),
    ),
    SheetSpec(
        "projects",
        (
            Column("code", required=True, max_length=KEY_MAX_LENGTH, validator=validate_key, width=10),
            Column("strand", required=True, max_length=KEY_MAX_LENGTH, width=10),
            Column("name", required=True, max_length=200, width=40),
            Column("lead", max_length=200, width=24),
            Column("description", multiline=True, width=60),
        ),
        key=("code",),
        required_sheet=False,
    ),
    SheetSpec(
        "plan_items",
        (
            Column("uid", required=True, max_length=KEY_MAX_LENGTH, validator=validate_key, width=8),
            Column("level", INT, required=True, minimum=1, maximum=9, width=7),
            Column("kind", CHOICE, required=True, choices=_choices(ItemKind), width=12),
            Column("gate_type", CHOICE, choices=_choices(GateType), width=13),
            Column("title", required=True, max_length=500, width=50),
            Column("strand", required=True, max_length=KEY_MAX_LENGTH, width=8),
            Column("project", max_length=KEY_MAX_LENGTH, width=9),
            Column("parent", max_length=KEY_MAX_LENGTH, width=8),
            Column("owner", max_length=200, width=24),
            Column("team", max_length=200, width=18),
            Column("start", PLANDATE, validator=validate_plan_date, width=12),
            Column("end", PLANDATE, validator=validate_plan_date, width=12),
            Column("status", CHOICE, required=True, choices=_choices(Status), width=12),
            Column("rag", CHOICE, choices=_choices(Rag), width=7),
            Column("percent_complete", INT, minimum=0, maximum=100, width=9),
            Column("order", INT, minimum=0, maximum=MAX_INT, width=7),
            Column("notes", multiline=True, width=50),
        ),
        key=("uid",),
    ),
    SheetSpec(
        "dependencies",
        (
            Column("predecessor", required=True, max_length=KEY_MAX_LENGTH, width=12),
            Column("successor", required=True, max_length=KEY_MAX_LENGTH, width=12),
            Column("type", CHOICE, required=True, choices=_choices(DependencyType), width=7),
            Column("lag_days", INT, minimum=-MAX_INT, maximum=MAX_INT, width=9),
        ),
        key=("predecessor", "successor"),
        required_sheet=False,
    ),
    SheetSpec(
        "baselines",
        (
            Column("name", required=True, max_length=120, width=24),
            Column("taken", DATE, required=True, validator=validate_plan_date, width=12),
            Column("note", multiline=True, width=60),
        ),
        key=("name",),
        required_sheet=False,
    ),
    SheetSpec(
        "baseline_items",
        (
            Column("baseline", required=True, max_length=120, width=24),
            Column("uid", required=True, max_length=KEY_MAX_LENGTH, validator=validate_key, width=8),
            Column("start", PLANDATE, validator=validate_plan_date, width=12),
            Column("end", PLANDATE, validator=validate_plan_date, width=12),
        ),
        key=("baseline", "uid"),
        required_sheet=False,
    ),
)

SHEET_BY_NAME: dict[str, SheetSpec] = {s.name: s for s in SHEETS}
SHEET_NAMES: tuple[str, ...] = tuple(s.name for s in SHEETS)


def normalise_name(name: object) -> str:
    """A sheet or column name as the workbook keys it: ``Plan items`` → ``plan_items``."""
    if name is None:
        return ""
    return "_".join(str(name).strip().lower().replace("-", " ").split())
