"""Layout: walk a definition's pages, build its fields and pages, and note what is wrong."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from forms.conditions import operators
from forms.problems import SNAKE_MESSAGE, DefinitionProblem, is_snake
from forms.spec import FieldSpec, Guidance, Page, Section
from forms.values import same_value
from forms.widgets import get, layout_keys, names, options_for, shape_problem
from forms.words import in_language


class LayoutBuilder:
    """Build pages and fields from a definition whose shape already passed the meta-schema."""

    def __init__(self, defn: Mapping, language: str = "en"):
        self.defn = defn
        self.language = language
        self.props: Mapping = defn["schema"]["properties"]
        self.required = set(defn["schema"].get("required", []))
        self.problems: list[DefinitionProblem] = []
        self.fields: list[FieldSpec] = []
        self.top: dict[str, FieldSpec] = {}
        self.seen: dict[str, str] = {}
        self._order = 0
        self.trees: dict[str, list] = {}
        self.written: list[tuple[FieldSpec, str]] = []
        self.grids: dict[str, list[str]] = {}
        self._top_scope = _Scope(self.props, self.required, "schema.properties", self.seen, self.top)

    def problem(self, path: str, message: str) -> None:
        """Record a problem."""
        self.problems.append(DefinitionProblem(path, message))

    def build(self) -> list[Page]:
        """Return the pages, recording problems found on the way."""
        self._check_properties(self.props, self.required, "schema")
        pages, keys = [], set()
        for pi, page in enumerate(self.defn["layout"]["pages"]):
            path = f"layout.pages[{pi}]"
            if page["key"] in keys:
                self.problem(f"{path}.key", f"repeats the page key “{page['key']}”")
            keys.add(page["key"])
            sections = [self._section(section, f"{path}.sections[{si}]", page["key"])
                        for si, section in enumerate(page["sections"])]
            pages.append(Page(page["key"], page["title"], tuple(sections), page.get("description")))
        for name in self.props:
            if name not in self.seen:
                self.problem(f"schema.properties.{name}", "is not shown anywhere in the layout")
        return pages

    def _section(self, section: Mapping, path: str, page_key: str) -> Section:
        items: list[FieldSpec | Guidance] = []
        for ii, item in enumerate(section["items"]):
            if "field" not in item:
                items.append(Guidance(item.get("guidance", ""), item.get("heading")))
                continue
            spec = self._field(item, f"{path}.items[{ii}]", page_key, self._top_scope)
            if spec is not None:
                items.append(spec)
                self.fields.append(spec)
        made = Section(section.get("title"), tuple(items), section.get("description"))
        self._check_grids(made, path)
        return made

    def _check_grids(self, section: Section, path: str) -> None:
        """Check each grid: one run of rows, sharing options, with comments, ticks and evidence of the right kind."""
        for block in section.blocks:
            if getattr(block, "kind", "") != "grid":
                continue
            where = f"{path} (grid “{block.key}”)"
            if block.key in self.grids or block.key in self.props:
                self.problem(where, f"the grid name “{block.key}” is already used: a grid's rows must follow "
                                    "one another and its name must not be a question's")
            first = block.rows[0].main
            if first.grid_role:
                self.problem(where, f"starts with “{first.name}”, a {first.grid_role}: a grid starts with a question")
            shared = [(o.html, o.label) for o in first.options]
            if not shared:
                self.problem(where, f"“{first.name}” has no options: a grid's questions share one option list")
            for row in block.rows:
                if [(o.html, o.label) for o in row.main.options] != shared:
                    self.problem(where, f"“{row.main.name}” has other options than “{first.name}”: a grid's "
                                        "questions share one option list")
                for extra in row.extras:
                    wanted = [n for n in names() if extra.grid_role in get(n).grid_roles]
                    if extra.widget not in wanted:
                        self.problem(where, f"“{extra.name}” is a {extra.grid_role}, so it must be "
                                            f"{' or '.join(wanted)}, not {extra.widget}")
            self.grids[block.key] = [row.main.name for row in block.rows]

    def _check_properties(self, props: Mapping, required: set, where: str) -> None:
        for name, prop in props.items():
            if not is_snake(name):
                self.problem(f"{where}.properties.{name}", f"the field name {SNAKE_MESSAGE}")
            if not isinstance(prop, dict) or not isinstance(prop.get("title"), str) or not prop["title"].strip():
                self.problem(f"{where}.properties.{name}", "needs a \"title\": the question as the source words it")
        for name in sorted(required - set(props)):
            self.problem(f"{where}.required", f"names “{name}”, but there is no such property")

    def _field(self, item: Mapping, path: str, page_key: str, scope: _Scope,
               parent: str | None = None) -> FieldSpec | None:
        name, widget = item["field"], item["widget"]
        if name not in scope.props:
            self.problem(f"{path}.field", f"names “{name}”, which is not in {scope.where}")
            return None
        if name in scope.seen:
            self.problem(path, f"shows “{name}” a second time (it is already at {scope.seen[name]})")
            return None
        scope.seen[name] = path
        prop = scope.props[name]
        usable = True
        if parent is not None and ("grid" in item or "grid_role" in item):
            self.problem(f"{path}.grid", "a question inside a repeating group cannot be part of a grid")
        elif "grid_role" in item and "grid" not in item:
            self.problem(f"{path}.grid_role", "names a role in a grid, but the question is in no grid")
        kind = get(widget)
        if parent is not None and kind is not None and not kind.in_rows:
            self.problem(f"{path}.widget", f"a {widget} cannot go inside a repeater row")
            usable = False
        shape = shape_problem(widget, prop)
        if shape:
            self.problem(f"{path}.widget", f"does not suit {scope.where}.{name}: {shape}")
            usable = False
        for option in (*layout_keys(), "option_meta"):
            applies = kind is not None and (kind.has_options if option == "option_meta" else option in kind.layout)
            if option in item and not applies:
                self.problem(f"{path}.{option}", f"does not apply to the {widget} widget")
        lacking = kind.item_problem(item) if kind is not None else None
        if lacking:
            self.problem(path, lacking)
            usable = False
        self._check_condition(item, path, name, scope)
        if item.get("show_when") and name in scope.required:
            self.problem(f"{scope.where.rsplit('.', 1)[0]}.required",
                         f"includes “{name}”, which has show_when; use \"required_when_shown\" instead")
        if not usable:
            return None
        options = in_language(widget, options_for(widget, prop, item.get("option_meta")), self.language)
        known = {o.html for o in options}
        for key in item.get("option_meta", {}):
            if options and key not in known:
                self.problem(f"{path}.option_meta.{key}",
                             f"is not an option of “{name}” (options: {', '.join(sorted(known))})")
        self._order += 1
        written = "expr" in (item.get("show_when") or {})
        spec = FieldSpec(
            name=name, path=name if parent is None else f"{parent}.*.{name}", label=_label(prop, name),
            hint=prop.get("description"), widget=widget, schema=prop, item=item, options=options,
            required=name in scope.required, required_when_shown=bool(item.get("required_when_shown")),
            show_when=dict(item["show_when"]) if written else item.get("show_when"),
            no_future=bool(item.get("no_future")), min_years_ago=item.get("min_years_ago"), min=prop.get("minimum"),
            max=prop.get("maximum"), page=page_key, parent=parent, order=self._order,
            grid=item.get("grid"), grid_role=item.get("grid_role"), language=self.language,
        )
        scope.specs[name] = spec
        if written:
            self.written.append((spec, path))
        if kind.repeats:
            children = self._rows(item, path, page_key, name, prop)
            spec = replace(spec, children=tuple(children))
            scope.specs[name] = spec
        return spec

    def _rows(self, item: Mapping, path: str, page_key: str, name: str, prop: Mapping) -> list[FieldSpec]:
        row = prop["items"]
        where = f"schema.properties.{name}.items"
        required = set(row.get("required", []))
        self._check_properties(row["properties"], required, where)
        scope = _Scope(row["properties"], required, f"{where}.properties", {}, {}, outer=self)
        children = []
        for ci, child in enumerate(item["items"]):
            if "field" not in child:
                self.problem(f"{path}.items[{ci}]", "a repeater row can hold only fields, not guidance")
                continue
            spec = self._field(child, f"{path}.items[{ci}]", page_key, scope, parent=name)
            if spec is not None:
                children.append(spec)
        for child_name in row["properties"]:
            if child_name not in scope.seen:
                self.problem(f"{where}.properties.{child_name}", "is not shown in the repeater's layout")
        return children

    def _check_condition(self, item: Mapping, path: str, name: str, scope: _Scope) -> None:
        cond = item.get("show_when")
        if cond is None:
            return
        path += ".show_when"
        if "expr" in cond:
            if scope.outer is not None:
                self.problem(path, "a question inside a repeating group can only use a simple condition")
            elif set(cond) - {"expr"}:
                self.problem(path, "a written condition (expr) stands alone: remove field, equals and the rest")
            return
        if len(operators(cond)) != 1:
            self.problem(path, "needs exactly one of equals, in, not_equals or not_empty")
            return
        target = cond["field"]
        # Inside a row, a name that is a sibling means the sibling; any other name means a top-level field.
        local = scope.outer is None or target in scope.props
        specs = scope.specs if local else self.top
        seen = scope.seen if local else self.seen
        if target == name:
            self.problem(f"{path}.field", "a field cannot depend on itself")
        elif target not in seen:
            known = target in scope.props or target in self.props
            why = f"which must be shown before “{name}”" if known else "which is not a field"
            self.problem(f"{path}.field", f"refers to “{target}”, {why}")
        elif target in specs:
            self._check_condition_values(cond, path, specs[target])

    def _check_condition_values(self, cond: Mapping, path: str, target: FieldSpec) -> None:
        if not target.widget_type.simple:
            self.problem(f"{path}.field", f"cannot depend on a {target.widget} field")
            return
        tests = [(op, cond[op]) for op in ("equals", "not_equals") if op in cond]
        tests += [(f"in[{i}]", v) for i, v in enumerate(cond.get("in", []))]
        for where, value in tests:
            if not _possible(target, value):
                self.problem(f"{path}.{where}", f"{json.dumps(value, ensure_ascii=False)} is not a possible "
                                                f"answer to “{target.name}”")


class _Scope:
    """The properties a layout item can name: the form's, or one repeater row's."""

    def __init__(self, props: Mapping, required: set, where: str, seen: dict, specs: dict,
                 outer: LayoutBuilder | None = None):
        self.props, self.required, self.where, self.outer = props, required, where, outer
        self.seen: dict[str, str] = seen
        self.specs: dict[str, FieldSpec] = specs


def _possible(target: FieldSpec, value: Any) -> bool:
    """Check whether `value` could be an answer to `target` (one value of a list, for checkboxes)."""
    if target.options:
        return any(same_value(o.value, value) for o in target.options)
    return target.widget_type.possible(value)


def _label(prop: Mapping, name: str) -> str:
    title = prop.get("title")
    return title.strip() if isinstance(title, str) and title.strip() else name.replace("_", " ").capitalize()
