"""The telephone side of the EMS line: the IVR node ``ems.track`` and its prompts.

The caller types the 9 digits of an S10 number (serial and check digit: a keypad has no
letters) or a 13-digit domestic number, then ``#``. A wrong check digit is refused at once
(“邮件号码有误”) and the caller types again; a wrong length is the call verb's business
(:meth:`Call.ask`: “invalid input”, then again). A known item with events: its latest
status with date, time and place, then a menu: 1 the full route, 2 the latest status
again, 3 another item, 9 back (outcome ``done``), 0 an agent. An unknown item, or one
without events yet: “no data yet”, and another try. ``0`` at any question transfers to the
``queue`` parameter (the EMS agents) with the number in ``call.data``, so the agent's
screen pop shows it; ``*`` repeats a question (the call verbs).

Outcomes: ``done`` (the caller chose 9 after hearing a status) and ``unknown`` (every try
found nothing). Queries are counted at the call's end from ``call.data`` (:mod:`.queries`)."""
from __future__ import annotations

from app import api

from . import events as ev
from .numbers import BadNumber, ItemNumber, keyed_shape_ok, parse_keyed
from .queries import DATA_FOUND, DATA_NUMBER, DATA_QUERIES
from .tracking import Event, Route, service

NODE = "ems.track"
MOST_DIGITS = 13
AGENT = "0"

ASK = "ems/ask-number"
ASK_AGAIN = "ems/ask-again"
BAD_CHECK = "ems/bad-check-digit"
NO_DATA = "ems/no-data"
YOUR_ITEM = "ems/your-item"
LATEST = "ems/latest"
AT_PLACE = "ems/at-place"
HOUR = "ems/hour"
MINUTE = "ems/minute"
ROUTE_START = "ems/route-start"
ROUTE_END = "ems/route-end"
AFTER = "ems/after-status"
TO_AGENT = "ems/to-agent"

SENTENCES: dict[str, str] = {
    ASK: "请输入邮件号码：国际邮件请输入号码中间的九位数字，国内邮件请输入十三位数字，以井号键结束。"
         "人工服务请按零。",
    ASK_AGAIN: "请重新输入邮件号码，以井号键结束。",
    BAD_CHECK: "您输入的邮件号码有误，请核对后重新输入。",
    NO_DATA: "暂时还没有这个邮件的信息，请稍后再查。",
    YOUR_ITEM: "您查询的邮件",
    LATEST: "最新状态是：",
    AT_PLACE: "地点",
    HOUR: "点",
    MINUTE: "分",
    ROUTE_START: "下面播报邮件的全程信息。",
    ROUTE_END: "全程信息播报完毕。",
    AFTER: "听取全程信息请按一，重听最新状态请按二，查询其他邮件请按三，返回上级菜单请按九，人工服务请按零。",
    TO_AGENT: "正在为您转接人工服务，请稍候。",
}


def prompts() -> list[api.Prompt]:
    """The node's sentences, one per status and one per place name it can say."""
    texts = {**SENTENCES, **{ev.STATUS_PREFIX + s: text for s, text in ev.STATUSES.items()},
             **ev.place_prompts()}
    return [api.Prompt(name, text) for name, text in texts.items()]


def find(keyed: ItemNumber | str) -> Route | None:
    """The item a caller's digits name: a domestic number exactly, an S10 serial the
    newest item with it."""
    tracking = service()
    if isinstance(keyed, ItemNumber):
        return tracking.route(keyed.text)
    found = tracking.by_serial(keyed)
    return found[0] if found else None


class TrackNode(api.Node):
    """Asks for an item number and says where the item is; see the module's docstring."""

    params_spec = (
        api.Param("tries", "int", 3, title="Numbers a caller may try", minimum=1),
        api.Param("timeout_s", "int", 15, title="Seconds to wait for the digits", minimum=1),
        api.Param("queue", "queue", "ems", title="Queue of the EMS agents"),
    )
    outcomes = ("done", "unknown")

    def run(self, call: api.Call) -> str:
        prompt = ASK
        tries = 0
        while tries < self.params["tries"]:
            digits = call.ask(prompt, MOST_DIGITS, timeout_s=self.params["timeout_s"], allow_agent=False,
                              validator=lambda d: d == AGENT or keyed_shape_ok(d))
            if digits == AGENT:
                self._to_agent(call)
            try:
                keyed = parse_keyed(digits)
            except BadNumber:
                call.play(BAD_CHECK)
                prompt, tries = ASK_AGAIN, tries + 1
                continue
            route = find(keyed)
            self._note(call, digits, route)
            if route is None or route.latest is None:
                call.play(NO_DATA)
                prompt, tries = ASK_AGAIN, tries + 1
                continue
            self._say_latest(call, route)
            choice = self._after(call, route)
            if choice == "done":
                return "done"
            prompt, tries = ASK, 0  # another item: a fresh set of tries
        return "unknown"

    def _note(self, call: api.Call, digits: str, route: Route | None) -> None:
        call.data[DATA_NUMBER] = route.number if route else digits
        call.data[DATA_FOUND] = route is not None
        call.data.setdefault(DATA_QUERIES, []).append([route.number if route else digits, route is not None])

    def _after(self, call: api.Call, route: Route) -> str:
        while True:
            key = call.menu(AFTER, (AGENT, "1", "2", "3", "9"), timeout_s=self.params["timeout_s"], allow_agent=False)
            if key == AGENT:
                self._to_agent(call)
            if key == "1":
                self._say_route(call, route)
            elif key == "2":
                self._say_latest(call, route)
            elif key == "3":
                return "another"
            else:
                return "done"

    def _to_agent(self, call: api.Call) -> None:
        call.play(TO_AGENT)
        call.transfer(queue=self.params["queue"] or None)

    def _say_latest(self, call: api.Call, route: Route) -> None:
        call.play(YOUR_ITEM)
        call.say_digits(route.number if route.number.isdigit() else route.number[2:11])
        call.play(LATEST)
        self._say_event(call, route.latest)  # type: ignore[arg-type]  # checked by the caller

    def _say_route(self, call: api.Call, route: Route) -> None:
        call.play(ROUTE_START)
        for event in route.events:
            self._say_event(call, event)
        call.play(ROUTE_END)

    def _say_event(self, call: api.Call, event: Event) -> None:
        when = api.local(event.at)
        call.say_date(when.date())  # type: ignore[union-attr]  # never None for a time
        call.say_number(when.hour)  # type: ignore[union-attr]
        call.play(HOUR)
        call.say_number(when.minute)  # type: ignore[union-attr]
        call.play(MINUTE)
        place = ev.spoken_place(f"{event.place} {event.office}")
        if place is not None:
            call.play(AT_PLACE)
            call.play(ev.place_prompt(place))
        call.play(ev.STATUS_PREFIX + (event.status if event.status in ev.STATUSES else "other"))
