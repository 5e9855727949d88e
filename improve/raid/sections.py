"""The RAID room's board-pack section: risks, issues and actions as they stood at the pack's date.

A risk counts at the pack's date unless it was closed (or became an issue) on or before it, or was
entered in the product after it (a risk brought in by a workbook carries no raised date and counts
as raised before any pack). An issue counts when it was raised on or before the date (or has no
raised date) and was not resolved by then. Scores are as at the date: a change of score recorded
in the audit trail after the date is undone for the pack, and a change between the last pack and
this one gives the risk's trend.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from improve.core.document import Block, BulletList, Cell, Column, Heading, Note, Paragraph, Section
from improve.core.document import Change as PackChange
from improve.core.document import table as make_table
from improve.core.registry import PackContext, PackSection
from improve.programmes.models import Programme
from improve.raid import scoring, selectors
from improve.raid.models import Category, Issue, IssueStatus, Priority, Risk, RiskStatus

KEY = "raid"
AREA = "Risks and issues"
#: how many risks the section lists (the heat map counts them all)
TOP = 10

_CATEGORIES = dict(Category.choices)
_PRIORITIES = dict(Priority.choices)
_PRIORITY_ORDER = {p: i for i, p in enumerate(Priority.values)}


def uk(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _band_word(score: int | None) -> str:
    band = scoring.band(score)
    return scoring.BAND_LABELS.get(band, "")


def _score_text(levels: tuple[int, int] | None) -> str:
    if levels is None:
        return "not scored"
    value = levels[0] * levels[1]
    return f"{value} ({_band_word(value)})"


@dataclass(frozen=True)
class RiskAt:
    """A risk at the pack's date: its levels then, and its trend since the last pack."""

    risk: Risk
    levels: tuple[int, int] | None
    #: "Up from 9", "Down from 16", "No change", "New"; "" when the record does not reach back
    trend: str
    appetite: int | None

    @property
    def score(self) -> int | None:
        return self.levels[0] * self.levels[1] if self.levels else None

    @property
    def above(self) -> bool:
        return self.appetite is not None and self.score is not None and self.score > self.appetite


@dataclass
class RaidAsAt:
    as_at: dt.date
    since: dt.date
    risks: list[RiskAt]
    issues: list[Issue]
    all_risks: list[Risk]
    all_issues: list[Issue]
    rescores: list[selectors.Rescore]
    risks_by_hand: dict[int, dt.datetime]
    issues_by_hand: dict[int, dt.datetime]
    #: the highest acceptable score of each category that has one
    appetites: dict[str, int]

    def top(self) -> list[RiskAt]:
        """Risks above appetite first, then by score (not yet scored last), then by reference."""
        return sorted(self.risks, key=lambda r: (not r.above, -(r.score or 0), r.score is None, r.risk.reference))


def _open_at(risk: Risk, day: dt.date, by_hand: dict[int, dt.datetime]) -> bool:
    entered = by_hand.get(risk.pk)
    if entered is not None and entered >= selectors.day_end(day):
        return False
    if risk.status == RiskStatus.OPEN:
        return True
    return risk.closed_on is not None and risk.closed_on > day


def _issue_open_at(issue: Issue, day: dt.date, by_hand: dict[int, dt.datetime]) -> bool:
    if issue.raised_on is not None and issue.raised_on > day:
        return False
    entered = by_hand.get(issue.pk)
    if issue.raised_on is None and entered is not None and entered >= selectors.day_end(day):
        return False
    if issue.status == IssueStatus.OPEN:
        return True
    return issue.resolved_on is not None and issue.resolved_on > day


def _levels_at(risk: Risk, day: dt.date, rescores: list[selectors.Rescore]) -> tuple[int, int] | None:
    """The risk's likelihood and impact now at the end of ``day``, undoing later recorded changes."""
    end = selectors.day_end(day)
    mine = [r for r in rescores if r.risk_id == risk.pk]
    before = [r for r in mine if r.at < end]
    if before:
        return before[-1].after
    if mine:
        return mine[0].before
    if risk.residual_likelihood is None or risk.residual_impact is None:
        return None
    return (risk.residual_likelihood, risk.residual_impact)


def raid_as_at(programme: Programme, *, as_at: dt.date, since: dt.date) -> RaidAsAt:
    """The RAID log at ``as_at``, with trends since ``since``; six queries whatever its size."""
    all_risks = selectors.pack_risks(programme)
    all_issues = selectors.pack_issues(programme)
    risks_by_hand = selectors.entered_by_hand(programme, Risk)
    issues_by_hand = selectors.entered_by_hand(programme, Issue)
    rescores = selectors.risk_rescores(programme)
    appetites = selectors.appetites(programme)
    since_end = selectors.day_end(since)
    risks = []
    for risk in all_risks:
        if not _open_at(risk, as_at, risks_by_hand):
            continue
        levels = _levels_at(risk, as_at, rescores)
        entered = risks_by_hand.get(risk.pk)
        if entered is not None and entered >= since_end:
            trend = "New"
        elif entered is not None or risk.created_at < since_end:
            then = _levels_at(risk, since, rescores)
            now, was = (levels[0] * levels[1] if levels else None), (then[0] * then[1] if then else None)
            if now == was:
                trend = "No change"
            elif now is None or was is None:
                trend = "Scored" if was is None else "No longer scored"
            else:
                trend = f"{'Up' if now > was else 'Down'} from {was}"
        else:
            trend = ""  # brought in after the last pack's date: its earlier scores are not recorded
        risks.append(RiskAt(risk, levels, trend, appetites.get(risk.category)))
    issues = [i for i in all_issues if _issue_open_at(i, as_at, issues_by_hand)]
    return RaidAsAt(
        as_at, since, risks, issues, all_risks, all_issues, rescores, risks_by_hand, issues_by_hand, appetites
    )


def _heat_map_table(log: RaidAsAt) -> Block:
    counts = Counter(r.levels for r in log.risks if r.levels is not None)
    rows = []
    for impact in reversed(scoring.LEVELS):
        cells = [Cell(f"Impact {scoring.level_display(impact)}")]
        for likelihood in scoring.LEVELS:
            n = counts.get((likelihood, impact), 0)
            score = likelihood * impact
            cells.append(Cell(n, kind="number", note=f"score {score} {_band_word(score)}"))
        rows.append(tuple(cells))
    columns = ["Impact \\ likelihood"] + [
        Column(f"Likelihood {scoring.level_display(level)}", numeric=True) for level in scoring.LEVELS
    ]
    scored = sum(counts.values())
    by_band = Counter(scoring.band(r.score) for r in log.risks if r.score is not None)
    note = f"{scored} open risks scored: {by_band['red']} red, {by_band['amber']} amber, {by_band['green']} green." + (
        f" {len(log.risks) - scored} not yet scored, off the grid." if len(log.risks) > scored else ""
    )
    return make_table(f"Open risks by likelihood and impact now, {uk(log.as_at)}", columns, rows, note=note)


def build(ctx: PackContext) -> Section | None:
    """The RAID section: the top risks, the heat map, open issues by priority and overdue actions;
    None when the log has nothing open at the pack's date and no overdue action."""
    log = raid_as_at(ctx.programme, as_at=ctx.as_at, since=ctx.since)
    actions = selectors.pack_actions_due_before(ctx.programme, ctx.as_at)
    if not log.risks and not log.issues and not actions:
        if log.all_risks or log.all_issues:
            return Section(
                key=KEY,
                title="Risks, issues and actions",
                blocks=(Note(f"No risk or issue was open at {uk(ctx.as_at)}."),),
                summary=f"The RAID log as at {uk(ctx.as_at)}.",
            )
        return None
    above = [r for r in log.risks if r.above]
    appetites = bool(log.appetites)
    priorities = Counter(i.priority for i in log.issues)
    blocks: list[Block] = [
        BulletList(
            (
                f"{_count(len(log.risks), 'open risk')}, "
                + (f"{len(above)} above the programme's appetite" if appetites else "no risk appetite set"),
                f"{_count(len(log.issues), 'open issue')}: "
                + ", ".join(f"{priorities[p]} {_PRIORITIES[p].lower()}" for p in Priority.values if priorities[p])
                if log.issues
                else "no open issues",
                f"{_count(len(actions), 'action')} overdue",
            )
        )
    ]

    blocks.append(Heading("Top risks"))
    top = log.top()[:TOP]
    if top:
        rows = [
            (
                Cell(r.risk.reference),
                Cell(r.risk.title),
                Cell(r.risk.owner.name if r.risk.owner else ""),
                Cell(_CATEGORIES.get(r.risk.category, r.risk.category)),
                Cell(r.score, kind="number") if r.score is not None else Cell(scoring.NOT_SCORED),
                Cell(_band_word(r.score), kind="rag"),
                Cell(("Above" if r.above else "Within") + f" (at most {r.appetite})" if r.appetite is not None else ""),
                Cell(r.trend),
            )
            for r in top
        ]
        caption = (
            f"The {len(top)} highest of {len(log.risks)} open risks" if len(log.risks) > len(top) else "Open risks"
        )
        blocks.append(
            make_table(
                f"{caption}, above appetite first",
                ("Ref", "Risk", "Owner", "Category", Column("Score", numeric=True), "RAG", "Appetite", "Trend"),
                rows,
                note="Score now: likelihood × impact, each 1 to 5. Trend: since the last pack.",
            )
        )
    else:
        blocks.append(Paragraph(f"No risk was open at {uk(ctx.as_at)}."))

    if log.risks:
        blocks.append(Heading("Heat map"))
        blocks.append(_heat_map_table(log))

    blocks.append(Heading("Open issues"))
    if log.issues:
        issues = sorted(log.issues, key=lambda i: (_PRIORITY_ORDER.get(i.priority, 9), i.reference))
        blocks.append(
            make_table(
                "Open issues by priority",
                ("Ref", "Issue", "Priority", "Owner", "Raised", "Escalated to", "From risk"),
                [
                    (
                        Cell(i.reference),
                        Cell(i.title),
                        Cell(_PRIORITIES.get(i.priority, i.priority)),
                        Cell(i.owner.name if i.owner else ""),
                        Cell(i.raised_on, kind="date"),
                        Cell(i.get_escalation_display()),
                        Cell(i.from_risk.reference if i.from_risk else ""),
                    )
                    for i in issues
                ],
            )
        )
    else:
        blocks.append(Paragraph(f"No issue was open at {uk(ctx.as_at)}."))

    blocks.append(Heading("Overdue actions"))
    if actions:
        blocks.append(
            make_table(
                f"Actions due before {uk(ctx.as_at)} and not done by then",
                ("Ref", "Action", "On", "Owner", "Due", Column("Days overdue", numeric=True)),
                [
                    (
                        Cell(a.reference),
                        Cell(a.title),
                        Cell(f"Risk {a.risk.reference}" if a.risk else f"Issue {a.issue.reference}" if a.issue else ""),
                        Cell(a.owner.name if a.owner else ""),
                        Cell(a.due_on, kind="date"),
                        Cell((ctx.as_at - a.due_on).days if a.due_on else None, kind="number", unit="days"),
                    )
                    for a in actions
                ],
            )
        )
    else:
        blocks.append(Paragraph(f"No action was overdue at {uk(ctx.as_at)}."))

    summary = (
        f"The RAID log as at {uk(ctx.as_at)}: risks and issues open then, scores now (residual) as they "
        f"stood then, trends since {uk(ctx.since)}."
    )
    return Section(key=KEY, title="Risks, issues and actions", blocks=tuple(blocks), summary=summary)


def changes(ctx: PackContext) -> list[PackChange]:
    """Since ``ctx.since``: risks raised, closed, escalated to issues or re-scored; issues raised and resolved."""
    log = raid_as_at(ctx.programme, as_at=ctx.as_at, since=ctx.since)
    start, end = selectors.day_end(ctx.since), selectors.day_end(ctx.as_at)
    out: list[PackChange] = []
    became = {i.from_risk.reference: i for i in log.all_issues if i.from_risk is not None}
    for risk in log.all_risks:
        what = f"Risk {risk.reference} '{risk.title}'"
        entered = log.risks_by_hand.get(risk.pk)
        if entered is not None and start <= entered < end:
            out.append(
                PackChange(AREA, f"{what} raised, scored {_score_text(_levels_at(risk, ctx.as_at, log.rescores))}")
            )
        closed = risk.closed_on
        if closed is None or not ctx.since < closed <= ctx.as_at:
            continue
        if risk.status == RiskStatus.BECAME_ISSUE:
            issue = became.get(risk.reference)
            into = f" issue {issue.reference}" if issue is not None else " an issue"
            out.append(PackChange(AREA, f"{what} became{into} on {uk(closed)}"))
        elif risk.status == RiskStatus.CLOSED:
            out.append(PackChange(AREA, f"{what} closed on {uk(closed)}"))
    references = {r.pk: r for r in log.all_risks}
    for rescore in log.rescores:
        found = references.get(rescore.risk_id)
        if found is not None and start <= rescore.at < end:
            out.append(
                PackChange(
                    AREA,
                    f"Risk {found.reference} '{found.title}' re-scored from {_score_text(rescore.before)} "
                    f"to {_score_text(rescore.after)}",
                )
            )
    for issue in log.all_issues:
        what = f"Issue {issue.reference} '{issue.title}'"
        if issue.raised_on is not None and ctx.since < issue.raised_on <= ctx.as_at and issue.from_risk is None:
            out.append(PackChange(AREA, f"{what} raised, priority {_PRIORITIES.get(issue.priority, '').lower()}"))
        if issue.resolved_on is not None and ctx.since < issue.resolved_on <= ctx.as_at:
            out.append(PackChange(AREA, f"{what} {issue.get_status_display().lower()} on {uk(issue.resolved_on)}"))
    return out


SECTION = PackSection(
    key=KEY,
    title="Risks, issues and actions",
    build=build,
    changes=changes,
    order=30,
    description="The top risks (above appetite first), the heat map, open issues by priority and overdue actions.",
)
