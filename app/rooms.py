"""The core's rooms, listed once. Each is a package ``app.<room>`` whose ``hooks`` module
registers the room with the same hookspecs as plugins (pytest's and Datasette's built-in
plugins), so its models, pages, menus, permissions and commands reach the app the way a
plugin's do. Adding a room is adding its name here; no wiring code changes. (The picture of
the layers in ``.importlinter`` shows where it stands; the architecture test asks for it.)

Bottom-up, in the order of those layers: a room may use the rooms before it, never one
after it."""
from __future__ import annotations

CORE_ROOMS: tuple[str, ...] = (
    "audit",
    "auth",
    "customers",
    "calendars",
    "knowledge",
    "notify",
    "calls",
    "ivr",
    "cti",
    "tickets",
    "agents",
    "quality",
    "stats",
    "reports",
    "worker",
    "web",
    "selfservice",
    "commands",
)
