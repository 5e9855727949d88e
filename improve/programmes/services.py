"""Writes to the programme and its plan. Each is atomic, validates, and is audited (through core).

Services take typed data (the ``*Data`` dicts below): a caller may change only the fields a
service allows. Rules live once: on the model's ``clean()`` (dates, gates, complete means 100 %)
or here (loops, who may do what to members), so the web, the workbook and the command line obey
the same rules.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from improve.accounts.models import User
from improve.accounts.services import user_ensure
from improve.core import audit
from improve.core.audit import Actor
from improve.core.models import AuditEvent
from improve.core.services import (
    EditConflict,
    model_archive,
    model_create,
    model_delete,
    model_restore,
    model_update,
)
from improve.programmes.graph import find_cycle
from improve.programmes.models import (
    Baseline,
    BaselineItem,
    Dependency,
    Membership,
    Owner,
    PlanItem,
    Programme,
    Project,
    Role,
    Stage,
    Strand,
)

__all__ = ["EditConflict"]


class ProgrammeData(TypedDict, total=False):
    slug: str
    council: str
    name: str
    strand_term: str
    start_date: dt.date | None
    end_date: dt.date | None
    status_date: dt.date | None
    background: str
    objectives: str
    outcomes: str
    principles: str
    lessons_learned: str
    notes: str


class OwnerData(TypedDict, total=False):
    name: str
    kind: str
    title: str
    user_id: int | None  # a member of the programme, or None


class StrandData(TypedDict, total=False):
    code: str
    name: str
    aim: str
    lead: Owner | None
    order: int


class StageData(TypedDict, total=False):
    code: str
    name: str
    start_date: dt.date | None
    start_tbd: bool
    end_date: dt.date | None
    end_tbd: bool
    owner: Owner | None
    description: str
    order: int


class ProjectData(TypedDict, total=False):
    code: str
    strand: Strand
    name: str
    lead: Owner | None
    description: str


class PlanItemData(TypedDict, total=False):
    uid: str
    level: int
    kind: str
    gate_type: str
    title: str
    strand: Strand
    project: Project | None
    parent: PlanItem | None
    owner: Owner | None
    owner_tbd: bool
    team: str
    start_date: dt.date | None
    start_tbd: bool
    end_date: dt.date | None
    end_tbd: bool
    status: str
    rag: str
    percent_complete: int
    order: int
    notes: str


def _fields(data_type: type) -> frozenset[str]:
    return frozenset(data_type.__annotations__)


PROGRAMME_FIELDS = _fields(ProgrammeData) - {"slug"}
OWNER_FIELDS = _fields(OwnerData)
STRAND_FIELDS = _fields(StrandData)
STAGE_FIELDS = _fields(StageData)
PROJECT_FIELDS = _fields(ProjectData)
PLAN_ITEM_FIELDS = _fields(PlanItemData)


# --- the programme ------------------------------------------------------------------------------


@transaction.atomic
def programme_create(*, actor: Actor, data: ProgrammeData) -> Programme:
    """Start a programme (a programme office administrator's act; see ``programme_start``)."""
    return model_create(actor=actor, instance=Programme(), fields=_fields(ProgrammeData), data=data)


@transaction.atomic
def programme_start(
    *, actor: Actor, data: ProgrammeData, members: Iterable[tuple[str, str, str]] = ()
) -> tuple[Programme, list[tuple[Membership, str]]]:
    """Create a programme with its first members ``(email, full name, role)``, all or nothing.

    Only a programme office administrator may start a programme. Returns the programme and each
    membership with the temporary password of anyone new (empty for existing users). A problem
    with a member is raised keyed ``members.<index>.<field>`` (``members.1.full_name``), and
    nothing is saved.
    """
    if actor.user is None or not getattr(actor.user, "is_programme_admin", False):
        raise ValidationError("Only a programme office administrator can start a programme")
    programme = programme_create(actor=actor, data=data)
    added = []
    for i, (email, name, role) in enumerate(members):
        try:
            added.append(member_add(actor=actor, programme=programme, email=email, full_name=name, role=role))
        except ValidationError as exc:
            # Say which member the problem is with: ``members.0.email`` is the first member's e-mail.
            raise ValidationError(
                {f"members.{i}.{field}": errors for field, errors in _error_dict(exc, "email").items()}
            ) from exc
    return programme, added


def _error_dict(exc: ValidationError, default_field: str) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {default_field: exc.messages}


@transaction.atomic
def programme_update(*, actor: Actor, programme: Programme, expected_version: int, data: ProgrammeData) -> Programme:
    current = Programme.objects.get(pk=programme.pk)
    saved, _changed = model_update(
        actor=actor, instance=current, fields=PROGRAMME_FIELDS, data=data, expected_version=expected_version
    )
    return saved


# --- the definition: owners, strands, stages, projects ------------------------------------------


D = TypeVar("D", Owner, Strand, Stage, Project)


def _definition_save(
    model: type[D],
    fields: frozenset[str],
    *,
    actor: Actor,
    programme: Programme,
    obj: D | None,
    data: Mapping[str, Any],
) -> D:
    """Add (``obj`` None) or change one part of the programme's definition."""
    if obj is None:
        return model_create(actor=actor, instance=model(programme=programme), fields=fields, data=data)
    current = model.all_objects.get(pk=obj.pk)
    return model_update(actor=actor, instance=current, fields=fields, data=data)[0]


@transaction.atomic
def owner_save(*, actor: Actor, programme: Programme, owner: Owner | None = None, data: OwnerData) -> Owner:
    return _definition_save(Owner, OWNER_FIELDS, actor=actor, programme=programme, obj=owner, data=data)


@transaction.atomic
def strand_save(*, actor: Actor, programme: Programme, strand: Strand | None = None, data: StrandData) -> Strand:
    return _definition_save(Strand, STRAND_FIELDS, actor=actor, programme=programme, obj=strand, data=data)


@transaction.atomic
def stage_save(*, actor: Actor, programme: Programme, stage: Stage | None = None, data: StageData) -> Stage:
    return _definition_save(Stage, STAGE_FIELDS, actor=actor, programme=programme, obj=stage, data=data)


@transaction.atomic
def project_save(*, actor: Actor, programme: Programme, project: Project | None = None, data: ProjectData) -> Project:
    return _definition_save(Project, PROJECT_FIELDS, actor=actor, programme=programme, obj=project, data=data)


#: What can be archived from the programme's pages (they keep their history and can be restored).
Archivable = Strand | Stage | Owner | Project | PlanItem | Baseline


def _check_strand_empty(strand: Strand) -> None:
    """A strand is archived only once its current plan lines are moved or archived."""
    lines = PlanItem.objects.filter(strand=strand).count()
    if lines:
        raise ValidationError(
            f"{strand.name} still has {lines} current plan line{'s' if lines != 1 else ''}: "
            "move them to another strand or archive them first"
        )


@transaction.atomic
def part_archive(*, actor: Actor, instance: Archivable, reason: str = "") -> Archivable:
    """Archive one part of the programme: hidden from every list and the workbook, kept in history."""
    if isinstance(instance, Strand):
        _check_strand_empty(instance)
    model_archive(actor=actor, instance=instance, reason=reason)
    return instance


@transaction.atomic
def part_restore(*, actor: Actor, instance: Archivable) -> Archivable:
    model_restore(actor=actor, instance=instance)
    return instance


# --- plan items ---------------------------------------------------------------------------------


def check_parent(item: PlanItem) -> None:
    """The parent chain must stay in the programme and not come back to the item."""
    seen = {item.pk}
    parent = item.parent
    while parent is not None:
        if parent.pk in seen:
            raise ValidationError({"parent": "This would put the item under itself"})
        if parent.programme_id != item.programme_id:
            raise ValidationError({"parent": "The parent must be in the same programme"})
        seen.add(parent.pk)
        parent = parent.parent


@transaction.atomic
def plan_item_create(*, actor: Actor, programme: Programme, data: PlanItemData) -> PlanItem:
    item = PlanItem(programme=programme)
    if not data.get("order"):
        last = (
            PlanItem.all_objects.filter(programme=programme).order_by("-order").values_list("order", flat=True).first()
        )
        data = {**data, "order": (last or 0) + 10}
    return model_create(actor=actor, instance=item, fields=PLAN_ITEM_FIELDS, data=data, check=check_parent)


@transaction.atomic
def plan_item_update(*, actor: Actor, item: PlanItem, expected_version: int, data: PlanItemData) -> PlanItem:
    """Change a plan item. Raises :class:`EditConflict` if it changed since ``expected_version``."""
    current = PlanItem.all_objects.select_related("strand", "owner", "project", "parent").get(pk=item.pk)
    saved, _changed = model_update(
        actor=actor,
        instance=current,
        fields=PLAN_ITEM_FIELDS,
        data=data,
        expected_version=expected_version,
        check=check_parent,
    )
    return saved


# --- dependencies -------------------------------------------------------------------------------


def check_no_loop(edges: list[tuple[int, int]], labels: dict[int, str]) -> None:
    cycle = find_cycle(edges)
    if cycle:
        path = " → ".join(labels.get(int(n), str(n)) for n in cycle)  # type: ignore[call-overload]
        raise ValidationError({"predecessor": f"This would make a dependency loop: {path}"})


@transaction.atomic
def dependency_create(
    *,
    actor: Actor,
    programme: Programme,
    predecessor: PlanItem,
    successor: PlanItem,
    type: str = "FS",  # noqa: A002 - the dependency's type, as MS Project names it
    lag_days: int = 0,
) -> Dependency:
    if predecessor.pk == successor.pk:
        raise ValidationError({"predecessor": "An item cannot depend on itself"})
    if predecessor.programme_id != programme.pk or successor.programme_id != programme.pk:
        raise ValidationError({"predecessor": "Both items must be in this programme"})

    def no_loop(_dep: Dependency) -> None:
        edges = list(Dependency.objects.filter(programme=programme).values_list("predecessor_id", "successor_id"))
        edges.append((predecessor.pk, successor.pk))
        labels = dict(PlanItem.all_objects.filter(programme=programme).values_list("pk", "uid"))
        check_no_loop(edges, labels)

    return model_create(
        actor=actor,
        instance=Dependency(programme=programme),
        fields={"predecessor", "successor", "type", "lag_days"},
        data={"predecessor": predecessor, "successor": successor, "type": type, "lag_days": lag_days},
        check=no_loop,
    )


@transaction.atomic
def dependency_delete(*, actor: Actor, dependency: Dependency) -> None:
    model_delete(actor=actor, instance=dependency)


# --- baselines ----------------------------------------------------------------------------------


@transaction.atomic
def baseline_create(
    *, actor: Actor, programme: Programme, name: str, note: str = "", taken_on: dt.date | None = None
) -> Baseline:
    """Freeze the dates of every current (not archived) plan item."""
    baseline = model_create(
        actor=actor,
        instance=Baseline(programme=programme),
        fields={"name", "note", "taken_on"},
        data={"name": name, "note": note, "taken_on": taken_on or timezone.localdate()},
    )
    rows = PlanItem.objects.filter(programme=programme).values_list(
        "uid", "title", "start_date", "start_tbd", "end_date", "end_tbd"
    )
    BaselineItem.objects.bulk_create(
        [
            BaselineItem(
                baseline=baseline, uid=uid, title=title, start_date=s, start_tbd=stbd, end_date=e, end_tbd=etbd
            )
            for uid, title, s, stbd, e, etbd in rows
        ],
        batch_size=500,
    )
    return baseline


# --- members ------------------------------------------------------------------------------------


@transaction.atomic
def membership_grant(
    *, actor: Actor, user: User, programme: Programme, role: str, strands: Iterable[Strand] = ()
) -> Membership:
    """Give ``user`` ``role`` in the programme (workstream leads: on ``strands``).

    Nobody changes their own role: another SRO or programme manager must.
    """
    membership = Membership.objects.filter(user=user, programme=programme).first()
    own = membership is not None and actor.user is not None and membership.user_id == actor.user.pk
    if own and membership is not None and role != membership.role:
        raise ValidationError({"role": "You cannot change your own role: ask another SRO or programme manager"})
    creating = membership is None
    if membership is None:
        membership = Membership(user=user, programme=programme, role=role)
    before = None if creating else audit.audit_values(membership)
    membership.role = role
    membership.full_clean()
    membership.save()
    membership.strands.set(list(strands))
    after = audit.audit_values(membership)
    if before != after:
        action = AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE
        audit.record(actor=actor, obj=membership, action=action, before=before, after=after)
    return membership


@transaction.atomic
def member_add(
    *,
    actor: Actor,
    programme: Programme,
    email: str,
    full_name: str,
    role: str,
    strands: Iterable[Strand] = (),
) -> tuple[Membership, str]:
    """Give ``email`` a role in the programme, creating the user if new.

    Returns the membership and, for a new user, a temporary password to pass on (empty otherwise).
    """
    if role not in Role.values:
        raise ValidationError({"role": f"'{role}' is not a role: use one of {', '.join(Role.values)}"})
    try:
        validate_email(email.strip())
    except ValidationError as exc:
        raise ValidationError(
            {"email": f"'{email}' is not an e-mail address: enter one like name@council.gov.uk"}
        ) from exc
    temporary = ""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        if not full_name.strip():
            raise ValidationError({"full_name": "Enter their full name: they are new to Improvement Office"})
        temporary = secrets.token_urlsafe(12)
        user = user_ensure(actor=actor, email=email.strip(), full_name=full_name.strip(), password=temporary)
    if Membership.objects.filter(user=user, programme=programme).exists():
        raise ValidationError({"email": f"{user.email} is already a member of this programme"})
    membership = membership_grant(actor=actor, user=user, programme=programme, role=role, strands=strands)
    return membership, temporary


@transaction.atomic
def member_remove(*, actor: Actor, membership: Membership) -> None:
    """Take away someone's access to the programme. Nobody removes themselves."""
    if actor.user is not None and membership.user_id == actor.user.pk:
        raise ValidationError("You cannot remove yourself from the programme: ask another SRO or programme manager")
    model_delete(actor=actor, instance=membership)
