"""Where Asterisk leaves the recording of an answered call, and the list of answered calls
with their recordings that team leads and inspectors search.

Asterisk's MixMonitor (``dialplan/extensions_postline.conf``, ``[postline-record]``) names
the file by the caller channel's uniqueid, in a folder per day of the channel's creation
in the centre's timezone::

    <RECORDINGS_DIR>/2026/12/02/1796154447.18.wav

The day is read from the uniqueid itself (its first part is the epoch at which Asterisk
created the channel), so the file is found from the uniqueid alone, whatever the call's
rows say about its times. A path is never taken from the request: a page names the desk
call, and the path is built here from its uniqueid, which must look like one."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import Select, select

from app.agents.models import DeskCall
from app.auth.models import User
from app.calls.models import CallRecord
from app.extensions import clamped_page, db
from app.quality.models import QualityScore
from app.timeutil import parse_day, within_days

PAGE_SIZE = 50
#: What MixMonitor may write (``wav``: the dialplan's choice) or a site may convert to.
EXTENSIONS = (".wav", ".mp3", ".ogg")
MIMETYPES = {".wav": "audio/wav", ".mp3": "audio/mpeg", ".ogg": "audio/ogg"}
#: ``1796154447.18``, or ``host-1796154447.18`` when Asterisk's ``systemname`` is set.
UNIQUEID = re.compile(r"^(?:[A-Za-z0-9_-]{1,64}-)?(\d{9,11})\.\d{1,10}$")


def recordings_dir(app: Flask | None = None) -> Path:
    """``RECORDINGS_DIR`` (relative: inside the instance folder), default
    ``<instance>/recordings``. With Asterisk on another host it is a mount both see."""
    app = app or current_app
    folder = Path(os.path.expanduser(app.config.get("RECORDINGS_DIR") or "recordings"))
    return folder if folder.is_absolute() else Path(app.instance_path) / folder


def day_folder(uniqueid: str) -> str | None:
    """``2026/12/02`` for a uniqueid created that day in the centre's timezone; ``None``
    when the text is not a uniqueid (nothing is looked up for it)."""
    match = UNIQUEID.match(uniqueid or "")
    if match is None:
        return None
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    created = datetime.fromtimestamp(int(match.group(1)), tz=timezone.utc).astimezone(zone)
    return created.strftime("%Y/%m/%d")


def recording_file(uniqueid: str) -> Path | None:
    """The recording of the call whose caller channel is ``uniqueid``, or ``None`` when
    there is none (not recorded, deleted by the retention policy, not a uniqueid)."""
    day = day_folder(uniqueid)
    if day is None:
        return None
    folder = recordings_dir()
    for place in (folder / day, folder):
        for extension in EXTENSIONS:
            path = place / f"{uniqueid}{extension}"
            if path.is_file():
                return path
    return None


def call_uniqueid(call: DeskCall) -> str:
    """The caller channel's uniqueid: the desk call's, else its IVR call record's."""
    if call.uniqueid:
        return call.uniqueid
    if call.call_id:
        record = db.session.get(CallRecord, call.call_id)
        return record.uniqueid if record is not None else ""
    return ""


def desk_call_recording(call: DeskCall) -> Path | None:
    return recording_file(call_uniqueid(call))


@dataclass
class Filters:
    """The recordings list's filters, as they stand in the URL."""

    date_from: str = ""
    date_to: str = ""
    agent: str = ""
    queue: str = ""
    caller: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    NAMES = ("date_from", "date_to", "agent", "queue", "caller")

    def args(self) -> dict[str, str]:
        """The filters for a link (empty ones left out), so the pager keeps them."""
        return {n: getattr(self, n) for n in self.NAMES if getattr(self, n)}


def read_filters(args: Any) -> Filters:
    """The filters from the query string; a bad value is a message beside it, never a 500."""
    filters = Filters(**{n: (args.get(n) or "").strip()[:64] for n in Filters.NAMES})
    for name in ("date_from", "date_to"):
        if getattr(filters, name) and parse_day(getattr(filters, name)) is None:
            filters.errors[name] = _("Not a date (YYYY-MM-DD).")
    if filters.agent and not filters.agent.isdigit():
        filters.errors["agent"] = _("Unknown agent.")
    if filters.caller and not re.fullmatch(r"[0-9+*#-]{1,32}", filters.caller):
        filters.errors["caller"] = _("A phone number has only digits.")
    return filters


def answered_calls(filters: Filters) -> Select:
    """Answered desk calls matching the filters (the errors' filters left out)."""
    start = parse_day(filters.date_from) if "date_from" not in filters.errors else None
    end = parse_day(filters.date_to) if "date_to" not in filters.errors else None
    query = select(DeskCall).where(DeskCall.answered_at.is_not(None),
                                   *within_days(DeskCall.answered_at, start, end))
    if filters.agent and "agent" not in filters.errors:
        query = query.where(DeskCall.agent_id == int(filters.agent[:9]))
    if filters.queue:
        query = query.where(DeskCall.queue == filters.queue)
    if filters.caller and "caller" not in filters.errors:
        query = query.where(DeskCall.caller.contains(filters.caller, autoescape=True))
    return query


@dataclass
class Row:
    call: DeskCall
    has_recording: bool
    score: Any = None


@dataclass
class Page:
    rows: list[Row]
    number: int
    pages: int
    total: int


def recordings_page(filters: Filters, wanted: int) -> Page:
    """Page ``wanted`` of the answered calls, newest first, each with whether its file is
    there and its score if it has one."""
    calls, number, pages, total = clamped_page(answered_calls(filters), DeskCall.answered_at.desc(),
                                               wanted, PAGE_SIZE)
    scores = {s.desk_call_id: s for s in db.session.scalars(
        select(QualityScore).where(QualityScore.desk_call_id.in_([c.id for c in calls])))} if calls else {}
    rows = [Row(call, desk_call_recording(call) is not None, scores.get(call.id)) for call in calls]
    return Page(rows, number, pages, total)


def agents_choice() -> list[User]:
    """The people who answered calls, for the agent filter."""
    return list(db.session.scalars(select(User).where(User.id.in_(select(DeskCall.agent_id).distinct()))
                                   .order_by(User.username)))


def queues_choice() -> list[str]:
    return [q for q in db.session.scalars(select(DeskCall.queue).distinct().order_by(DeskCall.queue)) if q]
