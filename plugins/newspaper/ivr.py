"""The telephone side of the newspaper line: a small menu and three nodes for registered
subscribers, and the prompts they play.

``newspaper.menu``: 1 subscribe, 2 change the address, 3 cancel, 0 an agent of the press
queue (the flow wires ``agent`` to it). Each order node opens the subscriber's account with
``call.authenticate`` (account and 6-digit PIN, read as secrets, three wrong PINs a day lock
the account), asks the issuing code as ``1*1#``, reads the order back and saves it only when
the caller presses 1.

**Saved once.** The order is saved, with a key made from the call's uniqueid, the flow
step and what was ordered, right after the 1 and before anything else is said: a caller who
hangs up then has his order, and a command or a whole call that Asterisk runs again (same
uniqueid) finds the saved order by its key and is told so, never saving a second one.
Outcomes: ``done``, ``declined`` (the caller pressed 2), ``not_found`` (no title, or no
subscription of it, after the tries), ``failed`` (the account did not open), and for the
address change ``no_address`` (no other registered address: an agent takes the new one)."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select

from app import api

from . import codes, orders
from .models import (
    CANCELLED,
    IVR,
    NewspaperSubscriber,
    NewspaperSubscription,
    NewspaperTitle,
)

KIND = "newspaper"
MENU_NODE, SUBSCRIBE_NODE = "newspaper.menu", "newspaper.subscribe"
CHANGE_NODE, CANCEL_NODE = "newspaper.change_address", "newspaper.cancel"
NODES = (MENU_NODE, SUBSCRIBE_NODE, CHANGE_NODE, CANCEL_NODE)

MENU = "newspaper/menu"
ASK_ACCOUNT = "newspaper/ask-account"
ASK_PIN = "newspaper/ask-pin"
ASK_CODE = "newspaper/ask-code"
ASK_CODE_AGAIN = "newspaper/ask-code-again"
UNKNOWN_CODE = "newspaper/unknown-code"
CLOSED = "newspaper/orders-closed"
NO_SUBSCRIPTION = "newspaper/no-subscription"
ASK_PERIOD = "newspaper/ask-period"
YOU_ORDER = "newspaper/you-order"
CODE = "newspaper/code"
DASH = "newspaper/dash"
FROM = "newspaper/from"
DELIVERY_STARTS = "newspaper/delivery-starts"
TOTAL = "newspaper/total"
CONFIRM = "newspaper/confirm"
ORDER_SAVED = "newspaper/order-saved"
ALREADY_SAVED = "newspaper/already-saved"
NOT_SAVED = "newspaper/not-saved"
NO_OTHER_ADDRESS = "newspaper/no-other-address"
ASK_ADDRESS = "newspaper/ask-address"
CHANGE_TO = "newspaper/change-to"
ADDRESS_POSTCODE = "newspaper/address-postcode"
CHANGE_STARTS = "newspaper/change-starts"
CHANGE_SAVED = "newspaper/change-saved"
CANCEL_WHAT = "newspaper/cancel-what"
STOP_STARTS = "newspaper/stop-starts"
REFUND = "newspaper/refund"
MONTHS_FEE = "newspaper/months-fee"
NOTHING_LEFT = "newspaper/nothing-left"
SAME_ADDRESS = "newspaper/same-address"
CANCEL_SAVED = "newspaper/cancel-saved"
PERIOD = {months: f"newspaper/period-{months}" for months in codes.PERIODS}

SENTENCES: dict[str, str] = {
    MENU: "报刊订阅请按1，报刊改寄请按2，报刊退订请按3，人工服务请按0。",
    ASK_ACCOUNT: "请输入八位报刊订户号。",
    ASK_PIN: "请输入六位订户密码。",
    ASK_CODE: "请输入邮发代号，中间的横杠请按星号键，以井号键结束。例如一杠一，请按一、星号、一、井号。",
    ASK_CODE_AGAIN: "请重新输入邮发代号，以井号键结束。",
    UNKNOWN_CODE: "没有找到这个邮发代号的报刊。",
    CLOSED: "这份报刊目前停止收订。",
    NO_SUBSCRIPTION: "您没有正在投递的这份报刊的订阅。",
    ASK_PERIOD: "订一个月请按1，订一个季度请按2，订半年请按3，订一年请按4。",
    YOU_ORDER: "您订阅的是",
    CODE: "邮发代号",
    DASH: "杠",
    FROM: "从",
    DELIVERY_STARTS: "起投递，",
    TOTAL: "共计",
    CONFIRM: "确认请按1，取消请按2。",
    ORDER_SAVED: "您的业务已经受理，订单号是",
    ALREADY_SAVED: "这笔业务已经受理过，不会重复办理。订单号是",
    NOT_SAVED: "您的业务没有提交。",
    NO_OTHER_ADDRESS: "您没有登记其他投递地址，正在为您转接人工服务登记新地址。",
    ASK_ADDRESS: "请输入新投递地址的序号，也就是您登记的第几个地址。",
    CHANGE_TO: "改寄到您登记的第",
    ADDRESS_POSTCODE: "个地址，邮政编码",
    CHANGE_STARTS: "起改寄。",
    CHANGE_SAVED: "您的改寄已经受理，订单号是",
    CANCEL_WHAT: "您要退订的是",
    STOP_STARTS: "起停止投递，",
    REFUND: "退还",
    MONTHS_FEE: "个月的订费，共",
    NOTHING_LEFT: "这份订阅已经没有可以办理的月份。",
    SAME_ADDRESS: "这份报刊已经投递到这个地址。",
    CANCEL_SAVED: "您的退订已经受理，订单号是",
    PERIOD[1]: "一个月，",
    PERIOD[3]: "一个季度，",
    PERIOD[6]: "半年，",
    PERIOD[12]: "一年，",
}


def prompts() -> list[api.Prompt]:
    return [api.Prompt(name, text) for name, text in SENTENCES.items()]


def request_key(call: api.Call, kind: str, payload: str) -> str | None:
    """The order's idempotency key: this call (its uniqueid), this flow step, this order."""
    uniqueid = call.info.uniqueid or (str(call.call_id) if call.call_id else "")
    if not uniqueid:
        return None
    step = call.path[-1].step if call.path else kind
    return hashlib.sha256(f"{uniqueid}|{step}|{kind}|{payload}".encode()).hexdigest()


def say_code(call: api.Call, code: str) -> None:
    first, second = code.split("-")
    call.play(CODE)
    call.say_digits(first)
    call.play(DASH)
    call.say_digits(second)


def _subscriber(call: api.Call) -> NewspaperSubscriber | None:
    account = call.authenticate(KIND, ASK_ACCOUNT, ASK_PIN, orders.check_pin,
                                account_max_digits=orders.ACCOUNT_DIGITS,
                                account_validator=lambda d: d.isdigit() and len(d) == orders.ACCOUNT_DIGITS)
    return orders.subscriber_by_account(account) if account else None


def _title(call: api.Call, tries: int, day: date, ordering: bool, again: bool = False) -> NewspaperTitle | None:
    prompt = ASK_CODE_AGAIN if again else ASK_CODE
    for _ in range(tries):
        typed = call.ask(prompt, codes.KEYPAD_MAX, timeout_s=10, validator=codes.is_keypad_code)
        code = codes.canonical(typed) or ""
        call.data["newspaper.code"] = code
        title = orders.title_by_code(code)
        prompt = ASK_CODE_AGAIN
        if title is None:
            call.play(UNKNOWN_CODE)
        elif ordering and not title.orderable_on(day):
            call.play(CLOSED)
        else:
            return title
    return None


def _subscription(call: api.Call, subscriber: NewspaperSubscriber, tries: int, day: date,
                  replayed: Callable[[NewspaperTitle], NewspaperSubscription | None] | None = None,
                  ) -> NewspaperSubscription | None:
    """The running subscription of the title the caller types; ``replayed`` finds the one
    this very call already changed (a replayed call must hear "already done", not "none")."""
    for attempt in range(tries):
        title = _title(call, 1, day, ordering=False, again=attempt > 0)
        if title is None:
            continue
        found = orders.running_subscription(subscriber, title, day) or (replayed(title) if replayed else None)
        if found is not None:
            return found
        call.play(NO_SUBSCRIPTION)
    return None


def _confirmed(call: api.Call) -> bool:
    if call.menu(CONFIRM, ["1", "2"]) == "1":
        return True
    call.play(NOT_SAVED)
    return False


def _said_saved(call: api.Call, saved: orders.Saved, first: str, number: int) -> None:
    call.play(first if saved.created else ALREADY_SAVED)
    call.say_digits(str(number))


class MenuNode(api.Node):
    """The newspaper submenu; ``0`` is an outcome here (``agent``), so that the flow can send
    the caller to the press queue rather than the line's."""

    params_spec = (api.Param("prompt", "prompt", MENU, title="Prompt"),)
    outcomes = ("subscribe", "change_address", "cancel", "agent")
    KEYS = {"1": "subscribe", "2": "change_address", "3": "cancel", "0": "agent"}

    def run(self, call: api.Call) -> str:
        key = call.menu(self.params["prompt"], list(self.KEYS), timeout_s=10, allow_agent=False)
        return self.KEYS[key]


class _OrderNode(api.Node):
    params_spec = (api.Param("tries", "int", 3, title="Issuing codes a caller may try", minimum=1),)


class SubscribeNode(_OrderNode):
    """订阅: a title by its issuing code, a period among those it allows, one copy to the
    subscriber's first address, from the month the order deadline allows."""

    outcomes = ("done", "declined", "not_found", "failed")

    def run(self, call: api.Call) -> str:
        subscriber = _subscriber(call)
        if subscriber is None:
            return "failed"
        day = call.local_now().date()
        title = _title(call, self.params["tries"], day, ordering=True)
        if title is None:
            return "not_found"
        offered = {key: months for key, months in codes.PERIOD_KEYS.items() if months in title.period_months}
        months = offered[call.menu(ASK_PERIOD, sorted(offered))]
        quote = orders.quote_order(title, months, 1, day)
        call.play(YOU_ORDER)
        say_code(call, title.code)
        call.play(PERIOD[months])
        call.play(FROM)
        call.say_date(quote.start)
        call.play(DELIVERY_STARTS)
        call.play(TOTAL)
        call.say_amount(quote.amount_fen)
        if not _confirmed(call):
            return "declined"
        if call.dry_run:
            call.play(ORDER_SAVED)
            return "done"
        saved = orders.subscribe(subscriber, title, months, 1, day=day, channel=IVR, by="ivr",
                                 key=request_key(call, "subscribe", f"{subscriber.id}|{title.id}|{months}"))
        call.data["newspaper.subscription"] = saved.row.id
        _said_saved(call, saved, ORDER_SAVED, saved.row.id)
        return "done"


def _served_subscription(call: api.Call, tries: int) -> str | tuple[Any, Any, Any, date]:
    """The caller's subscription still to be served, with what stopping it next allows
    (the months and the refund), for a change of address or a cancellation; or the outcome
    when there is none (``failed``: the account did not open; ``not_found``)."""
    subscriber = _subscriber(call)
    if subscriber is None:
        return "failed"
    day = call.local_now().date()
    subscription = _subscription(call, subscriber, tries, day,
                                 replayed=lambda title: _cancelled_in(call, subscriber, title))
    if subscription is None:
        return "not_found"
    call.data["newspaper.subscription"] = subscription.id
    if subscription.status == CANCELLED:  # this call cancelled it already: say what was saved
        quote = orders.CancelQuote(subscription.stop_from or day, subscription.refund_months,
                                   subscription.refund_fen)
    else:
        quote = orders.quote_cancel(subscription, day)
    if quote.months == 0:
        call.play(NOTHING_LEFT)
        return "not_found"
    return subscriber, subscription, quote, day


class ChangeAddressNode(_OrderNode):
    """改寄: one of the subscriber's other registered addresses, from the next month the
    deadline allows (a new address is an agent's work: ``no_address``)."""

    outcomes = ("done", "declined", "not_found", "failed", "no_address")

    def run(self, call: api.Call) -> str:
        found = _served_subscription(call, self.params["tries"])
        if isinstance(found, str):
            return found
        subscriber, subscription, quote, day = found
        addresses = {str(a.position): a for a in subscriber.addresses if a.position < 10}
        current = orders.current_address(subscription, quote.stop_from)
        if not [a for a in addresses.values() if a.text != current]:
            call.play(NO_OTHER_ADDRESS)
            return "no_address"
        address = addresses[call.ask(ASK_ADDRESS, 1, validator=addresses.__contains__)]
        key = request_key(call, "change", f"{subscription.id}|{address.id}")
        if address.text == current and orders.change_by_key(key) is None:
            call.play(SAME_ADDRESS)
            return "declined"
        call.play(CHANGE_TO)
        call.say_number(address.position)
        call.play(ADDRESS_POSTCODE)
        if address.postcode:
            call.say_digits(address.postcode)
        call.play(FROM)
        call.say_date(quote.stop_from)
        call.play(CHANGE_STARTS)
        if not _confirmed(call):
            return "declined"
        if call.dry_run:
            call.play(CHANGE_SAVED)
            return "done"
        saved = orders.change_address(subscription, address.district, address.text, address.postcode, day=day,
                                      channel=IVR, by="ivr",
                                      key=key)
        _said_saved(call, saved, CHANGE_SAVED, subscription.id)
        return "done"


class CancelNode(_OrderNode):
    """退订: delivery stops from the next month the deadline allows; the whole months not
    served are refunded."""

    outcomes = ("done", "declined", "not_found", "failed")

    def run(self, call: api.Call) -> str:
        found = _served_subscription(call, self.params["tries"])
        if isinstance(found, str):
            return found
        subscriber, subscription, quote, day = found
        call.play(CANCEL_WHAT)
        say_code(call, subscription.title.code)
        call.play(FROM)
        call.say_date(quote.stop_from)
        call.play(STOP_STARTS)
        call.play(REFUND)
        call.say_number(quote.months)
        call.play(MONTHS_FEE)
        call.say_amount(quote.refund_fen)
        if not _confirmed(call):
            return "declined"
        if call.dry_run:
            call.play(CANCEL_SAVED)
            return "done"
        saved = orders.cancel(subscription, day=day, by="ivr",
                              key=request_key(call, "cancel", str(subscription.id)))
        _said_saved(call, saved, CANCEL_SAVED, subscription.id)
        return "done"


def _cancelled_in(call: api.Call, subscriber: NewspaperSubscriber,
                  title: NewspaperTitle) -> NewspaperSubscription | None:
    """A subscription of ``title`` that this call (by its key) has already cancelled."""
    rows = api.db.session.scalars(select(NewspaperSubscription).where(
        NewspaperSubscription.subscriber_id == subscriber.id, NewspaperSubscription.title_id == title.id,
        NewspaperSubscription.status == CANCELLED, NewspaperSubscription.cancel_key.is_not(None)))
    return next((row for row in rows if row.cancel_key == request_key(call, "cancel", str(row.id))), None)
