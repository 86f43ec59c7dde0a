"""Draw a workflow's states and transitions as SVG: a layered layout computed here, no external programs."""

from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from wording import N_, say

NODE_W, NODE_H, DUMMY_W = 190, 54, 16
LAYER_GAP, NODE_GAP, MARGIN = 96, 36, 24
LABEL_CHARS = 22
FONT = "Arial, Helvetica, sans-serif"
INK, BLUE, GREY, PALE = "#0b0c0c", "#1d70b8", "#505a5f", "#f3f2f1"


@dataclass
class _Edge:
    source: str
    target: str
    labels: list[str] = field(default_factory=list)
    chain: list[str] = field(default_factory=list)  # node ids from the upper end to the lower end
    reversed: bool = False


def _layers(states: list[str], edges: list[tuple[str, str]], initial: str) -> dict[str, int]:
    """Return each state's layer: longest path from the initial state once edges that loop back are set aside."""
    out: dict[str, list[str]] = defaultdict(list)
    for source, target in edges:
        out[source].append(target)
    order, on_stack, seen, back = [], set(), set(), set()

    def visit(node: str) -> None:
        seen.add(node)
        on_stack.add(node)
        for target in out[node]:
            if target in on_stack:
                back.add((node, target))
            elif target not in seen:
                visit(target)
        on_stack.discard(node)
        order.append(node)

    for start in [initial] + states:
        if start not in seen:
            visit(start)
    layer = dict.fromkeys(states, 0)
    for node in reversed(order):
        for target in out[node]:
            if (node, target) not in back and target != node:
                layer[target] = max(layer[target], layer[node] + 1)
    return layer


def _order(rows: dict[int, list[str]], links: list[tuple[str, str]]) -> None:
    """Reorder each row by the mean position of its neighbours (a few sweeps down and up)."""
    up, down = defaultdict(list), defaultdict(list)
    for a, b in links:
        down[a].append(b)
        up[b].append(a)
    depth = max(rows) if rows else 0
    for sweep in range(6):
        levels = range(1, depth + 1) if sweep % 2 == 0 else range(depth - 1, -1, -1)
        for level in levels:
            ref = rows.get(level - 1 if sweep % 2 == 0 else level + 1, [])
            where = {n: i for i, n in enumerate(ref)}
            near = up if sweep % 2 == 0 else down

            def key(node: str, near=near, where=where, current=rows[level]) -> float:
                found = [where[n] for n in near[node] if n in where]
                return sum(found) / len(found) if found else current.index(node)

            rows[level] = sorted(rows[level], key=key)


def _place(rows: dict[int, list[str]], width_of, links: list[tuple[str, str]]) -> dict[str, float]:
    """Return the centre x of every node: rows centred, then nudged towards their neighbours without overlap."""
    x: dict[str, float] = {}
    widest = max((sum(width_of(n) for n in row) + NODE_GAP * (len(row) - 1) for row in rows.values()), default=0)
    for row in rows.values():
        left = (widest - (sum(width_of(n) for n in row) + NODE_GAP * (len(row) - 1))) / 2
        for node in row:
            x[node] = left + width_of(node) / 2
            left += width_of(node) + NODE_GAP
    near = defaultdict(list)
    for a, b in links:
        near[a].append(b)
        near[b].append(a)
    for _ in range(8):
        for row in rows.values():
            want = [sum(x[n] for n in near[node]) / len(near[node]) if near[node] else x[node] for node in row]
            placed: list[float] = []
            for i, node in enumerate(row):
                lowest = placed[-1] + (width_of(row[i - 1]) + width_of(node)) / 2 + NODE_GAP if placed else 0
                placed.append(max(want[i], lowest, width_of(node) / 2))
            for i in range(len(row) - 2, -1, -1):
                highest = placed[i + 1] - (width_of(row[i + 1]) + width_of(row[i])) / 2 - NODE_GAP
                placed[i] = max(min(placed[i], highest), width_of(row[i]) / 2)
            for node, value in zip(row, placed, strict=True):
                x[node] = value
    shift = min((x[n] - width_of(n) / 2 for n in x), default=0)
    return {n: v - shift for n, v in x.items()}


def _lines(text: str, width: int = 24, most: int = 3) -> list[str]:
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def _text(x: float, y: float, lines: list[str], size: int, colour: str = INK, weight: str = "normal") -> str:
    top = y - (len(lines) - 1) * size * 0.6
    spans = "".join(f'<tspan x="{x:.1f}" y="{top + i * size * 1.2:.1f}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return (f'<text font-family="{FONT}" font-size="{size}" font-weight="{weight}" fill="{colour}" '
            f'text-anchor="middle" dominant-baseline="middle">{spans}</text>')


def diagram_svg(defn, language: str | None = None) -> str:
    """Return an SVG drawing of a WorkflowDefinition (already in the reader's language) with its words in `language`."""
    states = list(defn.states)
    terminal = {name for name, state in defn.states.items() if state.terminal}
    raw = {step["name"]: step for step in defn.to_dict().get("transitions", [])}
    anywhere = [t for t in defn.transitions.values() if raw.get(t.name, {}).get("from") == "*"]
    merged: dict[tuple[str, str], _Edge] = {}
    for step in defn.transitions.values():
        if step in anywhere or not step.to:
            continue
        for source in step.sources:
            edge = merged.setdefault((source, step.to), _Edge(source, step.to))
            edge.labels.append(step.label)
    edges = list(merged.values())
    layer = _layers(states, [(e.source, e.target) for e in edges], defn.initial)
    rows: dict[int, list[str]] = defaultdict(list)
    for state in states:
        rows[layer[state]].append(state)
    links: list[tuple[str, str]] = []
    for index, edge in enumerate(edges):
        low, high = sorted((layer[edge.source], layer[edge.target]))
        edge.reversed = layer[edge.source] > layer[edge.target]
        upper, lower = (edge.target, edge.source) if edge.reversed else (edge.source, edge.target)
        edge.chain = [upper]
        for level in range(low + 1, high):
            dummy = f"~{index}~{level}"
            rows[level].append(dummy)
            edge.chain.append(dummy)
        edge.chain.append(lower)
        links += list(zip(edge.chain, edge.chain[1:], strict=False)) if low != high else []
    rows = dict(sorted(rows.items()))
    _order(rows, links)

    labelled = {edge.chain[1]: _label_size(edge)[0] + 12 for edge in edges if len(edge.chain) > 2}

    def width_of(node: str) -> float:
        return labelled.get(node, DUMMY_W) if node.startswith("~") else NODE_W

    x = _place(rows, width_of, links)
    y = {node: MARGIN + 20 + level * (NODE_H + LAYER_GAP) + NODE_H / 2 for level, row in rows.items() for node in row}
    width = max((x[n] + width_of(n) / 2 for n in x), default=NODE_W) + 2 * MARGIN
    height = max(y.values(), default=0) + NODE_H / 2 + MARGIN
    lines, labels = _edges_svg(edges, x, y, layer)
    # Labels go on top of the boxes and lines, so no state hides a transition's name.
    start = say(language, N_("Start"))
    parts = lines + [_node_svg(defn.states[s], x[s] + MARGIN, y[s], s == defn.initial, s in terminal, start)
                     for s in states] + labels
    note, note_height = _anywhere_note(defn, anywhere, width, height, language)
    height += note_height
    title = say(language, N_("Diagram of the %(title)s"), title=defn.title)
    desc = say(language, N_("%(states)s states and %(steps)s transitions. The pathway starts at “%(start)s”. "
                            "The tables below list the same information."),
               states=len(states), steps=len(defn.transitions), start=defn.states[defn.initial].label)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" lang="{escape(language or "en")}" role="img" '
            f'aria-labelledby="wf-title wf-desc" '
            f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}">'
            f'<title id="wf-title">{escape(title)}</title><desc id="wf-desc">{escape(desc)}</desc>'
            f'<defs><marker id="wf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
            f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{GREY}"/></marker></defs>'
            f'<rect width="100%" height="100%" fill="#ffffff"/>' + "".join(parts) + note + "</svg>")


def _node_svg(state, cx: float, cy: float, initial: bool, terminal: bool, start_word: str) -> str:
    fill = PALE if terminal else "#ffffff"
    stroke, width = (BLUE, 3) if initial else (INK, 2 if terminal else 1.5)
    box = (f'<rect x="{cx - NODE_W / 2:.1f}" y="{cy - NODE_H / 2:.1f}" width="{NODE_W}" height="{NODE_H}" '
           f'rx="8" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>')
    if terminal:
        box += (f'<rect x="{cx - NODE_W / 2 + 4:.1f}" y="{cy - NODE_H / 2 + 4:.1f}" width="{NODE_W - 8}" '
                f'height="{NODE_H - 8}" rx="6" fill="none" stroke="{INK}" stroke-width="1"/>')
    label = _text(cx, cy, _lines(state.label), 13, weight="bold" if initial or terminal else "normal")
    start = _text(cx, cy - NODE_H / 2 - 10, [start_word], 11, BLUE, "bold") if initial else ""
    return f'<g class="wf-state" data-state="{escape(state.name)}">{box}{label}{start}</g>'


def _label_size(edge: _Edge) -> tuple[float, float]:
    lines = _lines(" / ".join(edge.labels), LABEL_CHARS, 3)
    return max(len(line) for line in lines) * 5.4 + 8, len(lines) * 12 + 4


def _edge_path(edge: _Edge, x: dict, y: dict, layer: dict, side: int) -> tuple[str, tuple[float, float]]:
    """Return the SVG path of an edge and where its label would best sit."""
    shift = side * 14
    if layer[edge.source] == layer[edge.target]:
        a, b = x[edge.source] + MARGIN, x[edge.target] + MARGIN
        top = y[edge.source] - NODE_H / 2
        d = f"M{a:.1f},{top:.1f} C{a:.1f},{top - 40:.1f} {b:.1f},{top - 40:.1f} {b:.1f},{top:.1f}"
        return d, ((a + b) / 2, top - 34)
    points = [(x[n] + MARGIN, y[n]) for n in edge.chain]
    points[0] = (points[0][0] + shift, points[0][1] + NODE_H / 2)
    points[-1] = (points[-1][0] + shift, points[-1][1] - NODE_H / 2)
    if edge.reversed:
        points.reverse()
    d = f"M{points[0][0]:.1f},{points[0][1]:.1f}"
    for (px, py), (qx, qy) in zip(points, points[1:], strict=False):
        bend = (qy - py) / 2
        d += f" C{px:.1f},{py + bend:.1f} {qx:.1f},{qy - bend:.1f} {qx:.1f},{qy:.1f}"
    if len(points) > 2:
        # A long edge is labelled where it passes beside the next row, in the space kept for it there.
        return d, (x[edge.chain[1]] + MARGIN, y[edge.chain[1]])
    (ax, ay), (bx, by) = points
    width = _label_size(edge)[0]
    return d, ((ax + bx) / 2 + side * (width / 2 + 4), (ay + by) / 2)


def _overlaps(a: tuple, b: tuple) -> bool:
    return abs(a[0] - b[0]) * 2 < a[2] + b[2] + 4 and abs(a[1] - b[1]) * 2 < a[3] + b[3] + 2


def _edges_svg(edges: list[_Edge], x: dict, y: dict, layer: dict) -> tuple[list[str], list[str]]:
    """Return the edges' lines and their labels, labels moved apart where they would cover each other."""
    pairs = {(e.source, e.target) for e in edges}
    lines, boxes = [], []
    for edge in edges:
        # Two states linked both ways: each direction keeps to its own side, label and all.
        opposite = (edge.target, edge.source) in pairs and edge.source != edge.target
        side = (1 if edge.reversed else -1) if opposite else 0
        d, (cx, cy) = _edge_path(edge, x, y, layer, side)
        dash = ' stroke-dasharray="6 4"' if edge.reversed else ""
        lines.append(f'<path class="wf-transition" d="{d}" fill="none" stroke="{GREY}" stroke-width="1.5"{dash} '
                     f'marker-end="url(#wf-arrow)"/>')
        width, height = _label_size(edge)
        for step in (0, -1, 1, -2, 2, -3, 3):
            box = (cx, cy + step * (height / 2 + 3), width, height)
            if not any(_overlaps(box, other) for other, _e in boxes):
                break
        boxes.append((box, edge))
    labels = []
    for (cx, cy, width, height), edge in boxes:
        labels.append(f'<g class="wf-label"><rect x="{cx - width / 2:.1f}" y="{cy - height / 2:.1f}" '
                      f'width="{width:.1f}" height="{height}" rx="3" fill="#ffffff" fill-opacity="0.92"/>'
                      f'{_text(cx, cy, _lines(" / ".join(edge.labels), LABEL_CHARS, 3), 10, GREY)}</g>')
    return lines, labels


def _anywhere_note(defn, steps: list, width: float, top: float, language: str | None) -> tuple[str, float]:
    if not steps:
        return "", 0
    lines = [f"{s.label} → {defn.states[s.to].label if s.to in defn.states else s.to}" for s in steps]
    box = 30 + 16 * len(lines)
    parts = [f'<rect x="{MARGIN}" y="{top:.1f}" width="{width - 2 * MARGIN:.1f}" height="{box}" rx="6" '
             f'fill="{PALE}" stroke="{GREY}" stroke-dasharray="4 3"/>',
             f'<text x="{MARGIN + 12}" y="{top + 18:.1f}" font-family="{FONT}" font-size="12" font-weight="bold" '
             f'fill="{INK}">{escape(say(language, N_("From any state that is not an end:")))}</text>']
    for i, line in enumerate(lines):
        parts.append(f'<text x="{MARGIN + 12}" y="{top + 36 + i * 16:.1f}" font-family="{FONT}" font-size="12" '
                     f'fill="{INK}">{escape(line)}</text>')
    return "".join(parts), box + MARGIN
