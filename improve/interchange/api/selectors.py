"""The read API's reads: the registers every room offers, their rows, and the tokens.

A register is a sheet of the programme workbook (:func:`improve.core.registry.Registry.sheets`):
each room that registers a workbook part brings its registers, and the API names none of them.
Rows are the workbook export's canonical rows, so the API, the CSV download and the workbook
always agree.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet

from improve.core.audit import change_count
from improve.core.registry import registry
from improve.core.workbook import SheetSpec, WorkbookPart
from improve.interchange.api.models import ApiToken
from improve.interchange.api.services import token_digest
from improve.interchange.workbook import collector_paused
from improve.programmes import selectors as programme_selectors
from improve.programmes.models import Programme

#: How long a part's exported rows are kept at most (any write to the programme makes a new key). [s]
ROWS_CACHE_SECONDS = 10 * 60


@dataclass(frozen=True)
class ApiRegister:
    """One register: a workbook sheet, the room that keeps it and the room's workbook part."""

    spec: SheetSpec
    part: WorkbookPart
    room: str  # the room's title

    @property
    def name(self) -> str:
        return self.spec.name


def registers() -> list[ApiRegister]:
    """Every room's registers, in workbook order (the part that identifies the programme first)."""
    found = [(room, room.workbook) for room in registry.rooms() if room.workbook is not None]
    found.sort(key=lambda pair: not pair[1].identifies)
    return [ApiRegister(spec, part, room.title) for room, part in found for spec in part.sheets]


def register_named(name: str) -> ApiRegister | None:
    return next((r for r in registers() if r.name == name), None)


def programmes_of(user: Any) -> QuerySet[Programme]:
    """The programmes the user is a member of."""
    return programme_selectors.programmes_for_user(user)


def register_rows(programme: Programme, register: ApiRegister) -> list[dict[str, Any]]:
    """The register's current rows (canonical workbook values), in the workbook's order.

    The room's whole part is exported once and kept in the cache under the programme's
    :func:`~improve.core.audit.change_count`: every write to the programme, in any room, is
    audited under it, so kept rows are never out of date, and a page of a register costs one
    count while nothing changes.
    """
    part = register.part
    key = f"api:rows:{programme.pk}:{programme.created_at.timestamp()}:{change_count(programme.pk)}:{part.label}"
    kept = _KEPT.get(key)
    if kept is None:
        kept = cache.get(key)
        if not isinstance(kept, dict):
            with collector_paused():
                kept = part.export(programme)
            cache.set(key, kept, ROWS_CACHE_SECONDS)
        _KEPT[key] = kept
        while len(_KEPT) > KEPT_IN_PROCESS:
            _KEPT.popitem(last=False)
    else:
        _KEPT.move_to_end(key)
    rows = kept.get(register.name, [])
    return rows if isinstance(rows, list) else []


#: The parts' rows last asked for, kept in this process as they are: reading 7,000 rows back out of
#: the cache (unpickling them) took 50–80 ms at ten times B&D, far more than the page. Keyed as in
#: the cache, so a change anywhere in the programme makes a new key here too.
KEPT_IN_PROCESS = 16
_KEPT: OrderedDict[str, dict[str, Any]] = OrderedDict()


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """The user's tokens, revoked ones too, newest first."""
    return ApiToken.all_objects.filter(user=user).order_by("archived_at", "-created_at", "-pk")


def token_of(user: Any, pk: int) -> ApiToken | None:
    return ApiToken.objects.filter(user=user, pk=pk).first()


def token_by_secret(secret: str) -> ApiToken | None:
    """The token with this secret (by its digest), revoked or not, with its user; None if unknown."""
    return ApiToken.all_objects.select_related("user").filter(digest=token_digest(secret)).first()
