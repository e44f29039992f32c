"""Giving the result back to the customer once it is written: a message (SMS or e-mail,
through the notify room, logged with its delivery status and linked to the order) or a
call-back task for the agents (:mod:`app.tickets.callbacks`).

A message is one-way: the order stays ``resulted`` until someone records what the customer
said (the feedback transition), as after a call-back that reached them."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.models import User
from app.extensions import db
from app.notify.addresses import canonical, is_mobile, recipient_problem
from app.notify.models import Message
from app.notify.sending import messages_about, send
from app.tickets.models import COMMENT, WorkOrder
from app.tickets.states import TRANSITIONS, Refused, may, record

#: Where a result can go back, by the notify room's channel names.
MESSAGE_CHANNELS = {"sms": _l("SMS"), "email": _l("E-mail")}
#: What the message log's statuses mean to the person reading the order.
MESSAGE_STATUSES = {
    "pending": _l("Being sent"),
    "queued": _l("Handed to the SMS gateway"),
    "sent": _l("Sent"),
    "failed": _l("Not sent"),
}
#: The states in which the result may be given back.
GIVING_BACK_STATES = frozenset({"resulted"})


def may_give_back(user: User, order: WorkOrder) -> bool:
    """Whoever may write the result (its department) or record the feedback, once the
    result is written."""
    return order.state in GIVING_BACK_STATES and (
        may(user, order, TRANSITIONS["resolve"]) or may(user, order, TRANSITIONS["feedback"]))


def default_text(order: WorkOrder) -> str:
    """The message as first offered: the order's number and its result, to edit."""
    return _("Your work order %(number)s has been dealt with: %(result)s", number=order.number,
             result=order.result.strip())


def default_title(order: WorkOrder) -> str:
    return _("Your work order %(number)s", number=order.number)


def default_recipient(order: WorkOrder, channel: str) -> str:
    """The customer's first mobile number for an SMS, their e-mail address for an e-mail."""
    customer = order.customer
    if customer is None:
        return ""
    if channel == "email":
        return customer.email or ""
    return next((phone.number for phone in customer.phones if is_mobile(phone.number)), "")


def send_result(order: WorkOrder, user: User, channel: str, to: str, text: str, title: str = "") -> Message:
    """Send the result to the customer and note it in the order's history (a note the
    customer may hear). Commits the history entry first, as the notify room asks; a
    delivery problem is the message's status, never an exception."""
    if not may_give_back(user, order):
        raise Refused(_("You may not give this work order's result back now."))
    if channel not in MESSAGE_CHANNELS:
        raise Refused(_("There is no such channel."))
    text = text.strip()
    if not text:
        raise Refused(_("Please fill in: %(fields)s.", fields=_("Message")))
    problem = recipient_problem(channel, to)
    if problem:
        raise Refused(problem)
    record(order, user, COMMENT, action="message", public=True,
           text=f"{MESSAGE_CHANNELS[channel]} → {canonical(channel, to)}: {text}")
    db.session.commit()
    return send(channel, to, text, about=("ticket", order.id), title=title.strip() or default_title(order))


def messages_of(order: WorkOrder) -> list[Message]:
    """The order's messages with their delivery status, newest first."""
    return messages_about("ticket", order.id)
