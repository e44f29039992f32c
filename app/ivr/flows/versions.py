"""A site's flows: validated against its nodes, prompts and flows, saved as numbered
versions, one of them active for new calls (inside an app context)."""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.ivr.flows.definition import FLOW_NAME, Flow, FlowError, Problem, parse, to_flow
from app.ivr.flows.validation import validate
from app.ivr.models import IVRFlow, IVRFlowVersion
from app.ivr.nodes.base import CheckContext
from app.ivr.nodes.registry import node_types
from app.ivr.prompts import catalog


def check_context(extra_flows: set[str] = frozenset()) -> CheckContext:
    flows = set(db.session.scalars(select(IVRFlow.name))) | set(extra_flows)
    return CheckContext(prompts=frozenset(catalog()), flows=frozenset(flows))


def validate_here(definition: str | Mapping[str, Any], flow_name: str = "") -> list[Problem]:
    """:func:`validate` against this site's nodes, prompt catalog and flows."""
    return validate(definition, node_types(), check_context({flow_name} if flow_name else set()))


class FlowChanged(Exception):
    """Someone saved a version of the flow after the editor was opened: saving now would
    silently replace their work."""

    def __init__(self, number: int, author: str, at: datetime | None) -> None:
        super().__init__(f"version {number} was saved by {author or '?'} since")
        self.number, self.author, self.at = number, author, at


class NothingChanged(Exception):
    """The definition is the latest version's: a new version would be a copy of it."""

    def __init__(self, number: int) -> None:
        super().__init__(f"the definition is that of version {number}")
        self.number = number


def save_version(name: str, definition: str | Mapping[str, Any], *, title: str | None = None,
                 author: str = "", note: str = "", activate: bool = True,
                 based_on: int | None = None) -> IVRFlowVersion:
    """Validate and store ``definition`` as the flow's next version (creating the flow if
    need be); ``activate``: new calls use it from now on. ``based_on``: the latest version
    number when the editor opened the flow (0: a new flow); a later one raises
    :class:`FlowChanged`. The latest version's definition again raises
    :class:`NothingChanged` (with a new ``title``, only the title is saved and the latest
    version returned). Raises :class:`FlowError` for an invalid flow.

    Two saves at once: the flow's row is locked (PostgreSQL) and a save that still meets
    the other's version number or new flow (SQLite takes no row locks) is tried once more."""
    if not FLOW_NAME.match(name or ""):
        raise FlowError([Problem("", "bad_flow_name", f"flow name {name!r} must be lowercase "
                                 "letters, digits, '-' or '_'", {"name": name})])
    definition = parse(definition)
    problems = validate_here(definition, name)
    if problems:
        raise FlowError(problems)
    for attempt in range(2):
        try:
            return _store(name, definition, title, author, note, activate, based_on)
        except IntegrityError:
            db.session.rollback()
            if attempt:
                raise
    raise AssertionError("unreachable")


def _store(name: str, definition: dict[str, Any], title: str | None, author: str, note: str,
           activate: bool, based_on: int | None) -> IVRFlowVersion:
    flow = db.session.scalar(select(IVRFlow).where(IVRFlow.name == name).with_for_update()
                             .execution_options(populate_existing=True))
    if flow is None:
        flow = IVRFlow(name=name, title=title or name)
        db.session.add(flow)
        db.session.flush()
    latest = db.session.scalar(select(IVRFlowVersion).where(IVRFlowVersion.flow_id == flow.id)
                               .order_by(IVRFlowVersion.number.desc()).limit(1))
    number = latest.number if latest else 0
    if based_on is not None and number != based_on:
        changed = FlowChanged(number, latest.created_by if latest else "", latest.created_at if latest else None)
        db.session.rollback()
        raise changed
    if latest is not None and parse(latest.definition) == definition:
        if title is None or title == flow.title:
            db.session.rollback()
            raise NothingChanged(number)
        flow.title = title
        db.session.commit()
        return latest
    if title is not None:
        flow.title = title
    version = IVRFlowVersion(flow_id=flow.id, number=number + 1, created_by=author, note=note,
                             definition=json.dumps(definition, ensure_ascii=False, indent=1))
    db.session.add(version)
    if activate:
        flow.active_version = version.number
    db.session.commit()
    return version


def activate(name: str, number: int) -> None:
    """Make an existing version the one new calls use (a roll-back is the same)."""
    flow = db.session.scalar(select(IVRFlow).where(IVRFlow.name == name))
    if flow is None:
        raise LookupError(f"no flow named {name!r}")
    exists = db.session.scalar(select(IVRFlowVersion.id).where(
        IVRFlowVersion.flow_id == flow.id, IVRFlowVersion.number == number))
    if exists is None:
        raise LookupError(f"flow {name!r} has no version {number}")
    flow.active_version = number
    db.session.commit()


def active_flow(name: str) -> Flow | None:
    """The flow new calls run, parsed; ``None`` if there is no such flow or version."""
    row = db.session.execute(
        select(IVRFlowVersion.definition, IVRFlowVersion.number)
        .join(IVRFlow, IVRFlow.id == IVRFlowVersion.flow_id)
        .where(IVRFlow.name == name, IVRFlowVersion.number == IVRFlow.active_version)
    ).first()
    if row is None:
        return None
    return to_flow(parse(row.definition), name, row.number)


def check_active_flows() -> dict[str, list[Problem]]:
    """The active flows that would no longer be saved as they are (a plugin they use was
    disabled, a prompt removed): flow name → problems. For an admin page or a start-up log."""
    found = {}
    for name in db.session.scalars(select(IVRFlow.name).where(IVRFlow.active_version.is_not(None))):
        row = db.session.scalar(
            select(IVRFlowVersion.definition).join(IVRFlow, IVRFlow.id == IVRFlowVersion.flow_id)
            .where(IVRFlow.name == name, IVRFlowVersion.number == IVRFlow.active_version))
        problems = validate_here(row, name) if row else []
        if problems:
            found[name] = problems
    return found
