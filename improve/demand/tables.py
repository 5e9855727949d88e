"""The SSDA903 tables and how a file is recognised as one of them: by its columns, not its name.

Each table lists its columns as the DfE specification names them (upper case; a file's column
names are compared without regard to case or surrounding spaces). A file is the table whose
``marker`` columns it has; when several would do, the one sharing most columns with the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    #: columns whose presence says "this is the table"
    marker: frozenset[str]
    #: columns the loader needs (the rest may be absent)
    required: frozenset[str]
    #: whether the loader keeps anything of it (the others are recognised and counted)
    stored: bool = False


HEADER = Table(
    "Header",
    ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    marker=frozenset({"CHILD", "SEX", "DOB", "ETHNIC"}),
    required=frozenset({"CHILD", "SEX", "DOB"}),
    stored=True,
)
EPISODES = Table(
    "Episodes",
    (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    marker=frozenset({"CHILD", "DECOM", "RNE", "LS"}),
    required=frozenset({"CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC"}),
    stored=True,
)


def _other(name: str, columns: tuple[str, ...], marker: str) -> Table:
    return Table(name, columns, marker=frozenset({"CHILD", marker}), required=frozenset({"CHILD"}))


OTHERS = (
    _other("UASC", ("CHILD", "SEX", "DOB", "DUC"), "DUC"),
    _other("Reviews", ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"), "REVIEW"),
    _other("Missing", ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"), "MIS_START"),
    _other(
        "OC2",
        (
            "CHILD",
            "DOB",
            "SDQ_SCORE",
            "SDQ_REASON",
            "CONVICTED",
            "HEALTH_CHECK",
            "IMMUNISATIONS",
            "TEETH_CHECK",
            "HEALTH_ASSESSMENT",
            "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED",
        ),
        "SDQ_SCORE",
    ),
    _other("OC3", ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"), "IN_TOUCH"),
    _other(
        "AD1",
        ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
        "DATE_INT",
    ),
    _other(
        "PlacedAdoption", ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"), "DATE_PLACED"
    ),
    _other("PrevPerm", ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"), "PREV_PERM"),
    _other("SW_Episodes", ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"), "SW_ID"),
)

TABLES: tuple[Table, ...] = (HEADER, EPISODES, *OTHERS)


def normalise(columns: Iterable[str]) -> list[str]:
    """Column names as the specification spells them (upper case, no spaces or byte-order mark)."""
    return [c.replace("\ufeff", "").strip().upper() for c in columns]


def recognise(columns: Iterable[str]) -> Table | None:
    """The table a file with these columns holds, or None."""
    have = set(normalise(columns))
    candidates = [t for t in TABLES if t.marker <= have]
    if not candidates:
        return None
    return max(candidates, key=lambda t: len(have & set(t.columns)))
