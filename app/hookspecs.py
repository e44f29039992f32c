"""The contract between PostLine and its plugins; the core's rooms use it too.

Declaration hooks return a list of declarations from :mod:`app.api` (or ``None``); the core
gathers them with :func:`app.pluginhost.collect`, which tags, de-duplicates and orders
them. Event hooks (``postline_call_ended``) return nothing; :func:`app.pluginhost.notify`
tells every implementation and a failing one never disturbs the event's source. Hooks only
ever gain optional arguments: a plugin written for an older PostLine keeps working. Each
hook is documented in ``docs/plugin_hooks.md`` and tested in ``tests/test_hooks.py``
(``tests/test_hook_contract.py`` enforces both)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

from app.declarations import (
    AgentForm,
    AmiEvent,
    Article,
    CliCommand,
    DemoData,
    IVRNode,
    Job,
    NavItem,
    Notifier,
    Permission,
    PluginBlueprint,
    PostcodeAnswer,
    Prompt,
    Report,
    ScreenPopPanel,
    Setting,
    TicketType,
    TimelineEntry,
)

if TYPE_CHECKING:
    from app.agents.models import DeskCall
    from app.calls.models import CallRecord
    from app.cti.queue_log import QueueLogRow
    from app.customers.models import Customer
    from app.ivr.models import Voicemail
    from app.tickets.models import WorkOrder

hookspec = pluggy.HookspecMarker("postline")
hookimpl = pluggy.HookimplMarker("postline")


@hookspec
def postline_permissions() -> list[Permission]:
    """Named permissions the plugin checks, with the roles that hold them by default."""


@hookspec
def postline_nav_items() -> list[NavItem]:
    """Links for the main navigation; each is shown only to users with its permission."""


@hookspec
def postline_blueprints() -> list[PluginBlueprint]:
    """The plugin's web pages, mounted under ``/p/<plugin>``; every view needs a permission."""


@hookspec
def postline_agent_forms() -> list[AgentForm]:
    """Forms an agent fills in during a call (bookings, orders, subscriptions)."""


@hookspec
def postline_reports() -> list[Report]:
    """Excel reports offered on the reports page to users holding their permission."""


@hookspec
def postline_ivr_nodes() -> list[IVRNode]:
    """IVR nodes (leaves of the call flows) named ``<plugin>.<node>``."""


@hookspec
def postline_prompts() -> list[Prompt]:
    """The sentences the plugin's IVR nodes say, named ``<plugin>/...``, with their texts."""


@hookspec
def postline_jobs() -> list[Job]:
    """Scheduled jobs the worker runs (one worker per site, so a job never runs twice)."""


@hookspec
def postline_settings() -> list[Setting]:
    """The plugin's settings with defaults; an admin page edits them."""


@hookspec
def postline_customer_timeline(customer: Customer) -> list[TimelineEntry]:
    """What the plugin knows happened with ``customer``, for the customer's timeline."""


@hookspec
def postline_cli_commands() -> list[CliCommand]:
    """``postline`` sub-commands named after the plugin."""


@hookspec
def postline_demo_data() -> list[DemoData]:
    """Demonstration data that ``postline demo load`` adds to a new site."""


@hookspec
def postline_call_ended(call: CallRecord) -> None:
    """An event: the IVR let go of ``call`` (its record is closed and saved)."""


@hookspec
def postline_call_surveyed(call: CallRecord) -> None:
    """An event: the caller scored ``call`` in the post-call survey (``call.survey_score``,
    1 very dissatisfied … 5 very satisfied, is saved). It usually comes after
    ``postline_call_ended``: the survey runs once the agent has hung up."""


@hookspec
def postline_knowledge_articles() -> list[Article]:
    """Articles for the knowledge base (tariffs, services, policies of the plugin's line)."""


@hookspec
def postline_notifiers() -> list[Notifier]:
    """Ways to send a message to a customer or to staff (an SMS gateway, e-mail), one
    channel each; the site chooses which one serves a channel."""


@hookspec
def postline_ticket_types() -> list[TicketType]:
    """Types of work order the plugin adds (with their categories and form fields)."""


@hookspec
def postline_ticket_changed(order: WorkOrder, action: str) -> None:
    """An event: ``order`` was registered or changed by ``action`` (a transition's name,
    ``register`` or ``note``); the change is committed."""


@hookspec(firstresult=True)
def postline_postcode_for_address(province: str, city: str, county: str) -> PostcodeAnswer | None:
    """The postcode of a customer's address from its province, city and county, or ``None``
    when the plugin does not know it; the first plugin that answers is used (call it with
    :func:`app.pluginhost.first`)."""


@hookspec
def postline_voicemail_left(message: Voicemail) -> None:
    """An event: a caller left the voice ``message`` in the IVR (saved and committed; the
    call may still go on). The work orders room makes an order of it."""


@hookspec
def postline_voicemail_links(message: Voicemail) -> list[TimelineEntry]:
    """What the voice ``message`` led to (a work order...), shown with it on the voice
    messages page: the IVR knows nothing of the rooms above it."""


@hookspec
def postline_ami_event(event: AmiEvent) -> None:
    """An event from Asterisk's Manager Interface, told in the worker as it arrives (every
    event, in order; ``event.name`` says which). Agent states, the screen pop and the live
    queue figures are built on it; a plugin may follow calls the same way. Keep it quick:
    the next event waits."""


@hookspec
def postline_queue_log_added(rows: list[QueueLogRow]) -> None:
    """An event: these queue_log lines (``app.api.QueueLogRow``) were stored for the first
    time, from the file, the realtime table or our own dialplan. Told in the storing
    transaction (through ``deliver``): a failing listener makes the import fail and roll
    back, so what listeners derive (the statistics' roll-ups) always matches the rows.
    Lines come in batches, in the order read; a late line may belong to a call told of
    before."""


@hookspec
def postline_screen_pop(call: DeskCall) -> list[ScreenPopPanel]:
    """Panels for the agent's screen pop of the desk ``call`` (its caller, customer and IVR
    record): what the plugin knows of this caller, e.g. his parcels in transit."""
