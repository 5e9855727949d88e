"""Dependency graph checks (pure Python, no Django)."""

from __future__ import annotations

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
