"""Writing the demo's organization tree in bulk.

The plan's dated operations (foundings, renames, moves, merges, a split, dissolutions) are
replayed in memory with the effects the organization services give them
(``organizations.services``, ``members.restructuring``): the organizations as they stand at
the end, every ``TreePosition`` period and every ``OrgEvent``, in the order the services
would write them. The rows then go in through ``core.bulk`` (COPY on PostgreSQL), like the
members: at 500.000 members the plan has some 36.000 operations, which cost a few
milliseconds each through the services. The plan was checked against the services' rules
when it was made (the tests build a small demo both ways and compare); the build's one audit
entry covers these rows, as it covers the members.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Max

from dangbo.core.bulk import Rows
from dangbo.organizations.models import PATH_SEGMENT_WIDTH, Organization, OrgEvent, TreePosition

from .plan import TreePlan

Kind = OrgEvent.Kind


@dataclass(slots=True)
class _Node:
    id: int
    code: str
    values: dict[str, Any]  # the organization's row, by attribute name
    parent_id: int | None
    path: str
    depth: int
    name: str
    kind: str
    dissolved_on: dt.date | None = None
    open: list | None = None  # the open TreePosition row
    children: list[int] = field(default_factory=list)  # in founding order; sorted by path on use


class TreeWriter:
    """Replays the plan's operations in memory; ``write`` then inserts every row."""

    def __init__(self, plan: TreePlan, sectors: dict[str, int]) -> None:
        self.plan = plan
        self.sectors = sectors
        self.orgs = Rows(Organization, with_pk=True)
        self.positions = Rows(TreePosition)
        self.events = Rows(OrgEvent)
        self.nodes: dict[int, _Node] = {}
        self.by_code: dict[str, _Node] = {}
        self.position_rows: list[list] = []
        self.event_rows: list[list] = []
        self.next_id = (Organization.objects.aggregate(m=Max("id"))["m"] or 0) + 1

    # -- the services' effects ---------------------------------------------------

    def _position(self, node: _Node, on: dt.date) -> None:
        row = self.positions.row({
            "organization_id": node.id, "parent_id": node.parent_id, "path": node.path,
            "depth": node.depth, "name": node.name, "kind": node.kind, "valid_from": on,
        })  # fmt: skip
        self.position_rows.append(row)
        node.open = row

    def _close(self, node: _Node, on: dt.date) -> None:
        if node.open is not None:
            node.open[self.positions.index["valid_until"]] = on
            node.open = None

    def _event(self, node: _Node, kind: str, on: dt.date, decision: dict | None, **extra) -> None:
        decision = decision or {}
        values = {
            "organization_id": node.id, "kind": kind, "happened_on": on,
            "decision_number": decision.get("number", "") or "",
            "decision_signed_on": decision.get("signed_on"),
            "decision_issuer": decision.get("issuer", "") or "",
        }  # fmt: skip
        values.update(extra)
        self.event_rows.append(self.events.row(values))

    def _subtree(self, node: _Node) -> list[_Node]:
        """The node and everything under it (dissolved ones too), by path."""
        out, stack = [], [node]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(self.nodes[c] for c in current.children)
        return sorted(out, key=lambda n: n.path)

    def found(self, code: str, name: str, kind: str, parent: _Node | None, on: dt.date,
              decision: dict | None, *, event_kind: str = Kind.FOUNDED,
              related: _Node | None = None, **fields: Any) -> _Node:  # fmt: skip
        decision = decision or {}
        pk, self.next_id = self.next_id, self.next_id + 1
        path = (parent.path if parent else "") + f"{pk:0{PATH_SEGMENT_WIDTH}d}."
        depth = parent.depth + 1 if parent else 0
        values = {
            "id": pk, "code": code.strip(), "name": name.strip(), "kind": kind,
            "established_on": on, "established_decision": decision.get("number", "") or "",
            **fields,
        }  # fmt: skip
        node = _Node(pk, values["code"], values, parent.id if parent else None, path, depth,
                     values["name"], kind)  # fmt: skip
        self.nodes[pk] = self.by_code[node.code] = node
        if parent is not None:
            parent.children.append(pk)
        self._position(node, on)
        self._event(node, event_kind, on, decision, related_id=related.id if related else None)
        return node

    def rename(self, node: _Node, name: str, on: dt.date, decision: dict | None) -> None:
        old, node.name = node.name, name.strip()
        self._close(node, on)
        self._position(node, on)
        self._event(node, Kind.RENAMED, on, decision,
                    details={"old_name": old, "new_name": node.name})  # fmt: skip

    def move(self, node: _Node, new_parent: _Node, on: dt.date, decision: dict | None) -> None:
        old_parent = self.nodes[node.parent_id] if node.parent_id else None
        old_path = node.path
        new_path = new_parent.path + f"{node.id:0{PATH_SEGMENT_WIDTH}d}."
        delta = new_parent.depth + 1 - node.depth
        subtree = self._subtree(node)
        for each in subtree:
            self._close(each, on)
        if old_parent is not None:
            old_parent.children.remove(node.id)
        new_parent.children.append(node.id)
        node.parent_id = new_parent.id
        for each in subtree:  # a new period for every node below still standing, as the services
            each.path = new_path + each.path[len(old_path) :]
            each.depth += delta
            if each.dissolved_on is None:
                self._position(each, on)
        self._event(node, Kind.MOVED, on, decision, related_id=new_parent.id, details={
            "old_parent": old_parent.code if old_parent else None, "new_parent": new_parent.code,
        })  # fmt: skip

    def dissolve(self, node: _Node, on: dt.date, decision: dict | None, *,
                 event_kind: str = Kind.DISSOLVED, related: _Node | None = None) -> None:  # fmt: skip
        node.dissolved_on = on
        node.values["dissolved_on"] = on
        node.values["dissolved_decision"] = (decision or {}).get("number", "") or ""
        self._close(node, on)
        self._event(node, event_kind, on, decision, related_id=related.id if related else None)

    def _active_children(self, node: _Node) -> list[_Node]:
        children = (self.nodes[c] for c in node.children)
        return sorted((c for c in children if c.dissolved_on is None), key=lambda n: n.path)

    def merge(self, source: _Node, target: _Node, on: dt.date, decision: dict | None) -> None:
        for child in self._active_children(source):
            self.move(child, target, on, decision)
        self.dissolve(source, on, decision, event_kind=Kind.MERGED_INTO, related=target)
        self.event_rows.append(self.events.row({
            "organization_id": target.id, "kind": Kind.ABSORBED, "happened_on": on,
            "related_id": source.id, "decision_number": (decision or {}).get("number", "") or "",
        }))  # fmt: skip

    def split(
        self, source: _Node, parts: list[dict], on: dt.date, decision: dict | None
    ) -> list[_Node]:
        created = []
        for part in parts:
            org = self.found(
                part["code"], part["name"], part["kind"], part["parent"], on, decision,
                event_kind=Kind.SPLIT_FROM, related=source,
                sector_id=source.values.get("sector_id"),
            )  # fmt: skip
            for child in sorted((self.by_code[c] for c in part["cells"]), key=lambda n: n.path):
                if child.parent_id == source.id:
                    self.move(child, org, on, decision)
            created.append(org)
        self.dissolve(source, on, decision, event_kind=Kind.SPLIT_INTO)
        return created

    # -- the plan ----------------------------------------------------------------

    def replay(self) -> None:
        plan, by_code = self.plan, self.by_code
        for op in plan.ops:
            p = plan.orgs[op.code]
            decision = op.data.get("decision")
            if op.kind == "found":
                self.found(
                    p.code, p.name, p.kind, by_code[p.parent] if p.parent else None,
                    p.established_on, decision,
                    sector_id=self.sectors.get(p.sector) if p.sector else None,
                    staff_headcount=p.staff_headcount, committee_name=p.committee_name,
                    place_name=p.place_name,
                )  # fmt: skip
            elif op.kind == "rename":
                self.rename(by_code[op.code], op.data["name"], op.on, decision)
            elif op.kind in ("merge", "merge_cell"):
                self.merge(by_code[op.code], by_code[op.data["target"]], op.on, decision)
            elif op.kind == "split":
                parts = [
                    {"code": plan.orgs[c].code, "name": plan.orgs[c].name,
                     "kind": plan.orgs[c].kind, "parent": by_code[plan.orgs[c].parent],
                     "cells": plan.orgs[c].cells}
                    for c in op.data["parts"]
                ]  # fmt: skip
                for org in self.split(by_code[op.code], parts, op.on, decision):
                    org.values["staff_headcount"] = plan.orgs[org.code].staff_headcount
            elif op.kind == "dissolve":
                self.dissolve(by_code[op.code], op.on, decision)
            elif op.kind == "move":
                self.move(by_code[op.code], by_code[op.data["parent"]], op.on, decision)
            else:  # pragma: no cover
                raise ValueError(op.kind)

    def write(self) -> int:
        """Insert the organizations (in founding order: parents first), their periods and
        events; return the number of organizations."""
        rows = []
        for node in self.nodes.values():
            node.values.update(parent_id=node.parent_id, path=node.path, depth=node.depth,
                               name=node.name, kind=node.kind)  # fmt: skip
            rows.append(self.orgs.row(node.values))
        self.orgs.insert(rows)
        self.positions.insert(self.position_rows)
        self.events.insert(self.event_rows)
        if connection.vendor == "postgresql":
            from django.core.management.color import no_style

            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [Organization]):
                    cursor.execute(sql)
        return len(rows)
