"""Dependency graph checks (pure Python, no Django)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable


def find_cycle(edges: Iterable[tuple[Hashable, Hashable]]) -> list[Hashable] | None:
    """A cycle in the directed graph ``edges`` as a list of nodes (first repeated last), or None.

    Iterative depth-first search, so plans of thousands of lines do not hit recursion limits.
    """
    graph: dict[Hashable, list[Hashable]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    for root in graph:
        if colour[root] != white:
            continue
        stack: list[tuple[Hashable, int]] = [(root, 0)]
        path: list[Hashable] = [root]
        colour[root] = grey
        while stack:
            node, i = stack[-1]
            children = graph[node]
            if i < len(children):
                stack[-1] = (node, i + 1)
                child = children[i]
                if colour[child] == grey:
                    return [*path[path.index(child) :], child]
                if colour[child] == white:
                    colour[child] = grey
                    stack.append((child, 0))
                    path.append(child)
            else:
                colour[node] = black
                stack.pop()
                path.pop()
    return None


def dependency_slack(
    kind: str,
    lag_days: int,
    pred_start: dt.date | None,
    pred_end: dt.date | None,
    succ_start: dt.date | None,
    succ_end: dt.date | None,
) -> int | None:
    """Days to spare on a dependency: negative when it is broken, None when a date is missing.

    Plans here are kept by the day, so finish-to-start allows the successor to start on the day the
    predecessor ends (as councils write "Endorsed 11/04, CSG 11/04"). ``lag_days`` pushes the
    earliest allowed date later (negative: a lead time). [days]
    """
    driver = {"FS": pred_end, "SS": pred_start, "FF": pred_end, "SF": pred_start}[kind]
    driven = {"FS": succ_start, "SS": succ_start, "FF": succ_end, "SF": succ_end}[kind]
    if driver is None or driven is None:
        return None
    return (driven - (driver + dt.timedelta(days=lag_days))).days
