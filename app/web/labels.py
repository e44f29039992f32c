"""What the administration pages call the code names they show: audit actions, the tables
an audit row is about and their fields, plugin hooks. A code name not listed is shown as it
is, so a plugin's own tables and actions still appear, only untranslated."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp

AUDIT_ACTIONS = {
    "create": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
    "login": _l("Logged in"),
    "logout": _l("Logged out"),
    "login_refused_locked": _l("Login refused (account locked)"),
    "download": _l("Downloaded"),
}

AUDIT_OBJECTS = {
    "user_account": _l("User"),
    "user_role": _l("User role"),
    "department": _l("Department"),
    "customer": _l("Customer"),
    "ivr_line": _l("Hotline line"),
    "ivr_flow": _l("Call flow"),
    "ivr_flow_version": _l("Call flow version"),
    "ivr_voicemail": _l("Voice message"),
    "calendar": _l("Business calendar"),
    "calendar_day": _l("Calendar day"),
    "plugin_install": _l("Plugin installation"),
    "plugin_setting": _l("Plugin setting"),
    "report": _l("Report"),
}

#: Column names, across the audited tables; the code name is shown beside the label.
AUDIT_FIELDS = {
    "id": _l("ID"),
    "username": _l("Username"),
    "display_name": _l("Name"),
    "password_hash": _l("Password"),
    "active": _l("Active"),
    "locale": _l("Language"),
    "department_id": _l("Department"),
    "user_id": _l("User"),
    "role": _l("Role"),
    "code": _l("Code"),
    # A department's, a calendar's, a category's name: 名称, where a person's is 姓名.
    "name": _lp("name of a record", "Name"),
    "kind": _l("Kind"),
    "phone": _l("Phone"),
    "address": _l("Address"),
    "postcode": _l("Postcode"),
    "vip": _l("VIP"),
    "blacklisted": _l("Blacklisted"),
    "note": _l("Note"),
    "number": _l("Number"),
    "queue": _l("Agent queue"),
    "flow_id": _l("Call flow"),
    "calendar_id": _l("Business calendar"),
    "title": _l("Title"),
    "active_version": _l("Active version"),
    "version": _l("Version"),
    "definition": _l("Definition"),
    "created_at": _l("Created at"),
    "created_by": _l("Created by"),
    "updated_at": _l("Changed at"),
    "installed_at": _l("Installed at"),
    "upgraded_at": _l("Upgraded at"),
    "plugin": _l("Plugin"),
    "value": _l("Value"),
    "day": _l("Date"),
    "hours": _l("Hours"),
    "caller": _l("Caller"),
    "line": _l("Line"),
    "call_id": _l("Call"),
    "duration_s": _l("Duration (s)"),
    "path": _l("File"),
    "status": _l("Status"),
}

HOOKS = {
    "postline_permissions": _l("Declares permissions"),
    "postline_nav_items": _l("Adds navigation links"),
    "postline_blueprints": _l("Adds web pages"),
    "postline_agent_forms": _l("Adds service forms for agents"),
    "postline_reports": _l("Adds reports"),
    "postline_ivr_nodes": _l("Adds IVR nodes"),
    "postline_prompts": _l("Adds IVR prompts"),
    "postline_jobs": _l("Adds scheduled jobs"),
    "postline_settings": _l("Has settings"),
    "postline_customer_timeline": _l("Adds to the customer timeline"),
    "postline_cli_commands": _l("Adds command-line commands"),
    "postline_demo_data": _l("Adds demonstration data"),
    "postline_call_ended": _l("Is told when a call ends"),
    "postline_call_surveyed": _l("Is told when a caller scores a call in the survey"),
    "postline_postcode_for_address": _l("Gives the postcode of an address"),
    "postline_voicemail_left": _l("Is told when a voice message is left"),
    "postline_voicemail_links": _l("Links voice messages to what they became"),
    "postline_knowledge_articles": _l("Adds knowledge-base articles"),
    "postline_notifiers": _l("Sends messages (SMS, e-mail)"),
    "postline_ticket_types": _l("Adds work-order types"),
    "postline_ticket_changed": _l("Is told when a work order changes"),
    "postline_ami_event": _l("Is told of Asterisk manager events"),
    "postline_queue_log_added": _l("Is told of new queue_log lines"),
    "postline_screen_pop": _l("Adds panels to the agent's screen pop"),
}


def label(table: dict, code: str) -> str:
    """The reader's-language label of ``code`` in ``table``, else ``code`` itself."""
    found = table.get(code)
    return str(found) if found is not None else code
