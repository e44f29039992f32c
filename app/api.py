"""The one stable facade for plugins (CKAN's toolkit lesson): a plugin imports PostLine
things from here and nowhere else in ``app``, so the core can move its rooms around without
breaking third-party business lines. Names are only ever added here."""
from __future__ import annotations

from flask_login import current_user

from app.agents.models import DeskCall
from app.audit.listener import record as audit
from app.audit.models import Audited
from app.auth.models import User
from app.auth.permissions import has_permission, permission_required, public
from app.background import register_flush
from app.calls.models import CallRecord
from app.cellsafety import neutralise
from app.cti.queue_log import QueueLogRow
from app.customers.models import Customer
from app.customers.phones import national_digits
from app.declarations import (
    AgentForm,
    AmiEvent,
    Article,
    Attachment,
    CliCommand,
    Delivery,
    DemoData,
    IVRNode,
    Job,
    NavItem,
    Notifier,
    Outgoing,
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
from app.extensions import db
from app.hookspecs import hookimpl
from app.ivr.call import Call, Recording
from app.ivr.channel import Hangup
from app.ivr.masking import mask
from app.ivr.nodes import Node, Param
from app.notify.addresses import EmailAddress, PhoneNumber, email_problem, phone_problem
from app.notify.sending import send as send_message
from app.pluginhost.settings import get_setting
from app.reports.excel import Column, add_table_sheet, table_workbook
from app.reports.forms import LastDaysForm, last_days
from app.reports.progress import report_progress
from app.tickets.opening import UnknownTicketType, open_work_order
from app.timeutil import centre_today, local, utc_bounds, utcnow

__all__ = [
    "AgentForm", "AmiEvent", "Audited", "CallRecord", "CliCommand", "Column", "Customer", "DemoData", "IVRNode",
    "Job", "NavItem", "Permission", "PluginBlueprint", "Prompt", "Report", "Setting", "TicketType", "TimelineEntry",
    "User", "add_table_sheet", "audit", "current_user", "db", "get_setting", "has_permission",
    "hookimpl", "local", "neutralise", "permission_required", "public",
    "register_flush", "report_progress", "table_workbook", "utcnow",
    # reports over the centre's days
    "LastDaysForm", "centre_today", "last_days", "utc_bounds",
    # the IVR node API
    "Call", "Hangup", "Node", "Param", "Recording", "mask",
    # the knowledge base
    "Article",
    # messages to customers and staff
    "Attachment", "Delivery", "EmailAddress", "Notifier", "Outgoing", "PhoneNumber", "email_problem", "phone_problem",
    "send_message",
    # Asterisk's queue_log, as postline_queue_log_added tells it
    "QueueLogRow",
    "PostcodeAnswer",
    # the agent desk
    "ScreenPopPanel",
    # work orders a plugin's page or form opens (a pickup booking, a complaint)
    "UnknownTicketType", "open_work_order",
    # a phone number's national digits, the key customers' phones are indexed under
    "national_digits",
    # the desk call an agent is on (which plugin pages may show to whom)
    "DeskCall",
]
