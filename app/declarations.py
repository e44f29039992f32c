"""What hooks return: small declarations that the core turns into pages, menus, jobs...

Every declaration has a ``name`` (unique within its hook across all plugins) and a
``weight`` (lower first). ``collect()`` fills in ``plugin`` with the name of the plugin that
declared it (``core`` for the core's rooms), so nobody has to trust a plugin to name itself."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import click
from flask import Blueprint


@dataclass
class Permission:
    """A named right, e.g. ``postcode.lookup``, granted by default to ``roles``.

    ``admin`` holds every permission whatever ``roles`` says."""

    name: str
    title: str
    roles: Sequence[str] = ()
    weight: int = 100
    plugin: str = ""


@dataclass
class NavItem:
    """A link in the main navigation, shown only to users holding ``permission``."""

    name: str
    title: str
    endpoint: str
    permission: str
    section: str = "desk"  # desk | backoffice | reports | admin
    weight: int = 100
    plugin: str = ""


@dataclass
class PluginBlueprint:
    """A plugin's pages. The blueprint must be named after the plugin (``postcode`` or
    ``postcode_*``); it is mounted under ``/p/<plugin>``."""

    name: str
    blueprint: Blueprint
    weight: int = 100
    plugin: str = ""


@dataclass
class AgentForm:
    """A form an agent fills in during a call (a booking, an order). ``handle(form, user)``
    saves it and returns the confirmation shown to the agent."""

    name: str
    title: str
    form_class: type
    handle: Callable[[Any, Any], str]
    permission: str
    weight: int = 100
    plugin: str = ""


@dataclass
class Report:
    """A downloadable Excel report. ``build(params)`` returns an ``openpyxl.Workbook``;
    ``form_class`` (optional, a WTForms form) asks for the parameters."""

    name: str
    title: str
    permission: str
    build: Callable[[dict[str, Any]], Any]
    form_class: type | None = None
    description: str = ""
    weight: int = 100
    plugin: str = ""


@dataclass
class IVRNode:
    """A leaf of an IVR flow, named ``<plugin>.<node>``. ``node_class`` (best a subclass of
    ``app.api.Node``, with ``params_spec``, ``outcomes`` and ``terminal``) has
    ``run(call) -> outcome``: the step's ``next`` in the flow maps that outcome to the
    next step. ``call`` is an ``app.api.Call`` (play, ask, menu, say_*, authenticate,
    record, transfer, hangup; see ``docs/plugin_hooks.md``)."""

    name: str
    title: str
    node_class: type
    weight: int = 100
    plugin: str = ""


@dataclass
class Job:
    """A scheduled job run by the worker. ``func`` must be a module-level function (the
    scheduler stores it by reference); it runs inside an app context. ``trigger`` and
    ``trigger_args`` are APScheduler's (``"cron", {"hour": 2}`` or ``"interval", {"minutes": 5}``)."""

    name: str
    func: Callable[[], Any]
    trigger: str
    trigger_args: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    weight: int = 100
    plugin: str = ""


@dataclass
class Setting:
    """A plugin setting with its default; admins change it on the plugin's settings page.
    ``kind`` is ``str``, ``int``, ``bool`` or ``choice`` (with ``choices``). An ``int``
    setting accepts only values from ``minimum`` to ``maximum`` (``None``: the database's
    integer range), so a value the plugin cannot use is a form error, not a surprise."""

    name: str
    title: str
    default: Any
    kind: str = "str"
    choices: Sequence[tuple[str, str]] = ()
    description: str = ""
    minimum: int | None = None
    maximum: int | None = None
    weight: int = 100
    plugin: str = ""


@dataclass
class TimelineEntry:
    """Something that happened with a customer, shown on the customer's page."""

    name: str
    at: datetime
    title: str
    detail: str = ""
    url: str = ""
    weight: int = 100
    plugin: str = ""


@dataclass
class CliCommand:
    """A ``postline`` sub-command. Its name must be the plugin's name or start with it
    (``postcode``, ``postcode-import``), so that plugins cannot shadow core commands."""

    name: str
    command: click.Command
    weight: int = 100
    plugin: str = ""


@dataclass
class Prompt:
    """A sentence the IVR says: ``name`` is its sound file's name (``postcode/ask-code``
    plays ``<sounds>/postcode/ask-code``), ``text`` the Mandarin that ``postline prompts
    build`` speaks into it. A plugin's names start with ``<plugin>/``."""

    name: str
    text: str
    weight: int = 100
    plugin: str = ""


@dataclass
class DemoData:
    """Demonstration data for ``postline demo load``. ``load()`` adds what is missing (a
    second run adds nothing) and returns how many of each kind it added."""

    name: str
    load: Callable[[], dict[str, int]]
    weight: int = 100
    plugin: str = ""


@dataclass
class Article:
    """An article for the knowledge base: ``name`` is its slug, unique within the plugin (the
    sync finds the article again by plugin and slug). ``category`` is a path such as
    ``"邮政业务/资费"`` (created when missing); ``answer`` is what an agent tells the caller
    (``body`` when empty). ``postline knowledge sync`` adds it as a published article, and
    when the text changes saves a new version; an editor's retirement is respected."""

    name: str
    title: str
    body: str
    answer: str = ""
    category: str = ""
    keywords: Sequence[str] = ()
    weight: int = 100
    plugin: str = ""


@dataclass
class Attachment:
    """A file sent with an e-mail (a delivered report)."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class Outgoing:
    """One message as a notifier receives it. ``id`` is the message log's id: a notifier
    that keys its work on it (a file name, a gateway's client reference) makes a retry of
    the same message replace, not repeat, what it handed on. ``attachments`` are the files
    the message's subject supplies (:mod:`app.notify.attachments`); notifiers that cannot
    carry files ignore them."""

    id: int
    channel: str
    to: str
    text: str
    title: str = ""
    attachments: Sequence[Attachment] = ()


@dataclass
class Delivery:
    """What a notifier says it did with one message. ``status`` is ``sent`` (delivered to
    the carrier), ``queued`` (handed to a gateway that delivers later) or ``failed`` with a
    ``reason``; a ``permanent`` failure (a number the gateway refuses) is not retried.
    ``reference`` is the carrier's id for it, kept in the log for tracing."""

    status: str
    reason: str = ""
    reference: str = ""
    permanent: bool = False

    @classmethod
    def sent(cls, reference: str = "") -> Delivery:
        return cls("sent", reference=reference)

    @classmethod
    def queued(cls, reference: str = "") -> Delivery:
        return cls("queued", reference=reference)

    @classmethod
    def failed(cls, reason: str, permanent: bool = False) -> Delivery:
        return cls("failed", reason=reason, permanent=permanent)


@dataclass
class Notifier:
    """A way to send messages on one ``channel`` (``sms`` or ``email``). ``send(outgoing)``
    sends one :class:`Outgoing` and returns a :class:`Delivery`; the site picks one notifier
    per channel by name (``NOTIFY_SMS = "core.sms_outbox"``)."""

    name: str
    channel: str
    send: Callable[[Outgoing], Delivery]
    title: str = ""
    weight: int = 100
    plugin: str = ""


@dataclass
class TicketType:
    """A type of work order (``name`` is its code, e.g. ``ems_pickup``). ``categories`` are
    its two-level categories as ``("投诉", "邮件延误")`` pairs, added to the category table
    when missing; ``form_class`` (a Flask-WTF form, optional) holds the type's own fields,
    shown when an order of this type is registered and kept with the order."""

    name: str
    title: str
    categories: Sequence[tuple[str, str]] = ()
    form_class: type | None = None
    weight: int = 100
    plugin: str = ""


@dataclass
class PostcodeAnswer:
    """The postcode of an address's province/city/county, as a postcode plugin knows it;
    ``place`` names the region it found (shown next to the postcode)."""

    postcode: str
    place: str = ""


@dataclass(frozen=True)
class AmiEvent:
    """One event from the Asterisk Manager Interface, as the worker received it: ``name``
    is its ``Event:`` header (``AgentConnect``), ``headers`` all its headers as text."""

    name: str
    headers: dict[str, str]
    received_at: datetime

    def get(self, key: str, default: str = "") -> str:
        return self.headers.get(key, default)


@dataclass
class ScreenPopPanel:
    """A panel of the agent's screen pop (``postline_screen_pop``): what the plugin knows
    of this caller. Either ``rows`` of (label, value) text, or a Jinja ``template`` of the
    plugin's (rendered with ``context``, autoescaped); never raw HTML, so a caller's data
    cannot inject markup into the agent's page."""

    name: str
    title: str
    rows: Sequence[tuple[str, str]] = ()
    template: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    weight: int = 100
    plugin: str = ""
