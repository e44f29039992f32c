"""Where an item is: the adapter interface for the postal network's tracking service and
its local implementation, which answers from the events stored in this database
(imported from the network's CSV/Excel exports, :mod:`.importing`).

A site connected to the network's real service writes another :class:`TrackingService`
(it must answer within a second, as the IVR and the screen pop wait for it: cache what the
network said in ``ems_event``) and registers it in :data:`SERVICES`; the setting
``tracking_service`` chooses one. Everything the line shows or says goes through
:func:`service`, so the pages, the IVR node and the pop never read the tables themselves."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Protocol

from sqlalchemy import select

from app import api

from .models import EmsEvent, EmsItem
from .numbers import S10

PLUGIN = "ems"


@dataclass(frozen=True)
class Event:
    at: datetime
    place: str
    event: str
    office: str
    status: str = "other"

    @property
    def delivered(self) -> bool:
        return self.status == "delivered"


@dataclass(frozen=True)
class Route:
    """An item and its events, oldest first; ``events`` empty means "no data yet"."""

    number: str
    kind: str
    item_id: int | None
    events: tuple[Event, ...]

    @property
    def latest(self) -> Event | None:
        return self.events[-1] if self.events else None

    @property
    def delivered(self) -> bool:
        return any(e.delivered for e in self.events)


class TrackingService(Protocol):
    """The postal network's tracking, as the line asks it."""

    def route(self, number: str) -> Route | None:
        """The item with this full number and its events; ``None`` when unknown."""

    def by_serial(self, serial: str) -> list[Route]:
        """The items whose keyed digits (S10 serial and check digit) are ``serial``,
        newest first: several countries or services may share one serial."""


class LocalTracking:
    """Answers from ``ems_item`` and ``ems_event``."""

    def route(self, number: str) -> Route | None:
        item = api.db.session.scalar(select(EmsItem).where(EmsItem.number == number))
        return None if item is None else _route(item)

    def by_serial(self, serial: str) -> list[Route]:
        items = api.db.session.scalars(select(EmsItem).where(EmsItem.serial == serial, EmsItem.kind == S10)
                                       .order_by(EmsItem.created_at.desc(), EmsItem.id.desc()).limit(5))
        return [_route(item) for item in items]


def _route(item: EmsItem) -> Route:
    events = api.db.session.scalars(select(EmsEvent).where(EmsEvent.item_id == item.id)
                                    .order_by(EmsEvent.at, EmsEvent.id))
    return Route(item.number, item.kind, item.id,
                 tuple(Event(e.at, e.place, e.event, e.office, e.status) for e in events))


#: Name → factory; the setting ``tracking_service`` names one.
SERVICES: dict[str, Callable[[], TrackingService]] = {"local": LocalTracking}


def service() -> TrackingService:
    """The site's tracking service (the local one when the setting names none known)."""
    name = api.get_setting(PLUGIN, "tracking_service")
    return SERVICES.get(name, LocalTracking)()
