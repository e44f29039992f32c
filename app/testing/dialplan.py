"""PostLine's dialplan without Asterisk: ``extensions.conf`` parsed as Asterisk parses it
(contexts, ``exten =>``/``same =>`` lines, priorities and labels), ``queues.conf`` read, and
a small interpreter that walks the calls (enough of Asterisk's ``${...}``/``$[...]``
substitution, ``IF()``, ``REGEX()`` and the applications PostLine's dialplan uses), with
hooks standing for the world: what the IVR leaves, what ``Queue()`` and ``Dial()`` answer.

For the dialplan's own tests and for every test that needs to know what Asterisk does with
a call after the IVR (queue_log rows, the survey, after-call work). The functions take the
files' text: ``dialplan/`` is beside the package, not inside it."""
from __future__ import annotations

import configparser
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


@dataclass
class Priority:
    context: str
    exten: str
    number: int
    label: str | None
    app: str
    args: str
    lineno: int


@dataclass
class Dialplan:
    contexts: dict[str, dict[str, list[Priority]]] = field(default_factory=dict)

    def extension(self, context: str, exten: str) -> list[Priority]:
        return self.contexts[context][exten]

    def all(self) -> Iterator[Priority]:
        for extens in self.contexts.values():
            for prios in extens.values():
                yield from prios


def strip_comment(line: str) -> str:
    """Asterisk config comments start at an unescaped ';'."""
    out = []
    i = 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line) and line[i + 1] == ";":
            out.append(";")
            i += 2
            continue
        if line[i] == ";":
            break
        out.append(line[i])
        i += 1
    return "".join(out).strip()


def balanced(text: str) -> bool:
    """(), [] and {} balance and nest properly (quotes are not special to Asterisk's
    argument splitter for brackets, so they are not special here either)."""
    pairs = {")": "(", "]": "[", "}": "{"}
    stack: list[str] = []
    for ch in text:
        if ch in "([{":
            stack.append(ch)
        elif ch in pairs:
            if not stack or stack.pop() != pairs[ch]:
                return False
    return not stack


_EXT_LINE = re.compile(r"^(exten|same)\s*=>?\s*(.*)$")
_PRIO = re.compile(r"^(\d+|n)(?:\((\w[\w-]*)\))?$")


def parse_dialplan(text: str) -> Dialplan:
    plan = Dialplan()
    context: str | None = None
    last: Priority | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = strip_comment(raw)
        if not line:
            continue
        m = re.fullmatch(r"\[([\w-]+)\](\(!?[\w,-]*\))?", line)
        if m:
            context = m.group(1)
            assert context not in plan.contexts, f"line {lineno}: context [{context}] twice"
            plan.contexts[context] = {}
            last = None
            continue
        m = _EXT_LINE.match(line)
        assert m, f"line {lineno}: not a context, exten or same line: {raw!r}"
        assert context is not None, f"line {lineno}: extension outside a context"
        kind, rest = m.groups()
        if kind == "exten":
            exten, sep, rest = rest.partition(",")
            assert sep and exten.strip(), f"line {lineno}: no extension name"
            exten = exten.strip()
        else:
            assert last is not None, f"line {lineno}: 'same =>' before any 'exten =>'"
            exten = last.exten
        prio_text, sep, app_text = rest.partition(",")
        assert sep, f"line {lineno}: no application"
        pm = _PRIO.match(prio_text.strip())
        assert pm, f"line {lineno}: bad priority {prio_text!r}"
        prios = plan.contexts[context].setdefault(exten, [])
        if pm.group(1) == "n":
            assert prios, f"line {lineno}: priority n with no priority before it"
            number = prios[-1].number + 1
        else:
            number = int(pm.group(1))
            assert number == (prios[-1].number + 1 if prios else 1), \
                f"line {lineno}: priority {number} out of sequence"
        am = re.fullmatch(r"(\w+)(?:\((.*)\))?", app_text.strip())
        assert am, f"line {lineno}: application not of the form App(args): {app_text!r}"
        label = pm.group(2)
        if label:
            assert label not in {p.label for p in prios}, f"line {lineno}: label {label} twice"
        last = Priority(context, exten, number, label, am.group(1), am.group(2) or "", lineno)
        prios.append(last)
    return plan


def split_top(text: str, sep: str, unescape: bool = False) -> list[str]:
    """Split at ``sep`` outside (), [], {} (how Asterisk splits application and function
    arguments; there, ``unescape``: a backslash makes the next character literal)."""
    parts, depth, cur = [], 0, []
    chars = iter(text)
    for ch in chars:
        if ch == "\\" and unescape:
            cur.append(next(chars, ""))
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def read_queues_conf(text: str) -> configparser.ConfigParser:
    """A ``queues.conf`` as sections and options (``member =>`` read as an option)."""
    cp = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",),
                                   comment_prefixes=(";",), inline_comment_prefixes=(";",))
    cp.read_string(re.sub(r"^member\s*=>", "member =", text, flags=re.M))
    return cp


def queue_names(text: str) -> set[str]:
    """The queues a ``queues.conf`` defines (templates "(!)" are not queues)."""
    names = set()
    for line in text.splitlines():
        m = re.match(r"^\[([\w-]+)\](\((!?)[\w,-]*\))?", line)
        if m and m.group(1) != "general" and m.group(3) != "!":
            names.add(m.group(1))
    return names


def destination(prio: Priority, dest: str) -> tuple[str, str, str]:
    """``label``, ``exten,label`` or ``context,exten,label`` seen from ``prio``."""
    parts = [p.strip() for p in dest.split(",")]
    if len(parts) == 1:
        return prio.context, prio.exten, parts[0]
    if len(parts) == 2:
        return prio.context, parts[0], parts[1]
    assert len(parts) == 3, f"line {prio.lineno}: bad destination {dest!r}"
    return parts[0], parts[1], parts[2]


def jump_targets(prio: Priority) -> list[tuple[str, str, str]]:
    """Where a Goto, GotoIf, Gosub or Dial's U() subroutine may continue."""
    if prio.app == "Goto":
        return [destination(prio, prio.args)]
    if prio.app == "GotoIf":
        cond_dest = split_top(prio.args, "?")
        assert len(cond_dest) == 2, f"line {prio.lineno}: GotoIf without one '?'"
        return [destination(prio, d) for d in split_top(cond_dest[1], ":") if d.strip()]
    if prio.app == "Gosub":
        dest = re.sub(r"\(.*\)$", "", prio.args)
        return [destination(prio, dest)]
    if prio.app == "Dial":
        m = re.search(r"U\(([\w-]+)", prio.args)
        return [(m.group(1), "s", "1")] if m else []
    return []


class Hungup(Exception):
    pass


@dataclass
class DialplanInterpreter:
    """Just enough of Asterisk to walk PostLine's dialplan. Hooks stand for the world:
    ``agi(url) -> vars to set``, ``queue(name, options) -> QUEUESTATUS``,
    ``dial(target) -> DIALSTATUS``, ``functions`` for QUEUE_* and DEVICE_STATE."""

    plan: Dialplan
    variables: dict[str, str] = field(default_factory=dict)
    agi: Callable[[str], dict[str, str]] = lambda url: {}
    queue: Callable[[str, str], str] = lambda name, options: "TIMEOUT"
    dial: Callable[[str], str] = lambda target: "NOANSWER"
    functions: dict[str, Callable[[list[str]], str]] = field(default_factory=dict)
    trace: list[tuple[str, str]] = field(default_factory=list)  # (app, substituted args)
    shared: dict[str, str] = field(default_factory=dict)

    # substitution ----------------------------------------------------------------------
    def subst(self, text: str) -> str:
        out, i = [], 0
        while i < len(text):
            if text.startswith("${", i) or text.startswith("$[", i):
                opener, closer = text[i + 1], "}" if text[i + 1] == "{" else "]"
                depth, j = 0, i + 1
                while j < len(text):
                    if text[j] == opener:
                        depth += 1
                    elif text[j] == closer:
                        depth -= 1
                        if depth == 0:
                            break
                    j += 1
                assert j < len(text), f"unclosed {opener} in {text!r}"
                inner = self.subst(text[i + 2:j])
                out.append(self.lookup(inner) if opener == "{" else self.expr(inner))
                i = j + 1
            else:
                out.append(text[i])
                i += 1
        return "".join(out)

    def lookup(self, name: str) -> str:
        m = re.fullmatch(r"([A-Z_]+)\((.*)\)", name, flags=re.S)
        if not m:
            if name == "EPOCH":
                return str(int(self.variables.get("EPOCH", "1700000000")))
            return self.variables.get(name.lstrip("_"), "")
        func, args = m.groups()
        if func == "IF":
            cond, _, rest = args.partition("?")
            yes, _, no = rest.partition(":")
            return yes if self.true(cond) else no
        if func == "REGEX":
            rm = re.fullmatch(r'"(.*)" ?(.*)', args, flags=re.S)
            return "1" if re.search(rm.group(1), rm.group(2)) else "0"
        if func == "SHARED":
            return self.shared.get(args.split(",")[0], "")
        if func == "CALLERID":
            return self.variables.get("CALLERID(num)", "")
        if func in self.functions:
            return self.functions[func](split_top(args, ",", unescape=True))
        raise AssertionError(f"the interpreter does not know {func}()")

    @staticmethod
    def true(value: str) -> bool:
        value = value.strip().strip('"')
        return value not in ("", "0")

    def expr(self, text: str) -> str:
        tokens = re.findall(r'"[^"]*"|!=|[=()*+-]|[^\s"=()*+!-]+', text)
        pos = 0

        def atom():
            nonlocal pos
            tok = tokens[pos]
            pos += 1
            if tok == "(":
                value = comparison()
                pos += 1  # ')'
                return value
            if tok == "-":
                return str(-int(atom()))
            return tok.strip('"')

        def product():
            nonlocal pos
            value = atom()
            while pos < len(tokens) and tokens[pos] == "*":
                pos += 1
                value = str(int(value) * int(atom()))
            return value

        def total():
            nonlocal pos
            value = product()
            while pos < len(tokens) and tokens[pos] in "+-":
                op = tokens[pos]
                pos += 1
                right = product()
                value = str(int(value) + int(right) if op == "+" else int(value) - int(right))
            return value

        def comparison():
            nonlocal pos
            left = total()
            while pos < len(tokens) and tokens[pos] in ("=", "!="):
                op = tokens[pos]
                pos += 1
                right = total()
                same = (int(left) == int(right)) if left.lstrip("-").isdigit() and \
                    right.lstrip("-").isdigit() else left == right
                left = "1" if same == (op == "=") else "0"
            return left

        if not tokens:
            return ""
        result = comparison()
        assert pos == len(tokens), f"cannot evaluate $[{text}]"
        return result

    # execution -------------------------------------------------------------------------
    def run(self, context: str, exten: str = "s", label: str = "1",
            args: list[str] | None = None, max_steps: int = 500) -> str:
        """Run from context,exten,label until Hangup, Return or the end of the extension
        (where Asterisk hangs up); the reason it stopped."""
        if args is not None:
            self._set_args(args)
        prios = self.plan.extension(context, exten)
        index = self._index(prios, label)
        for _ in range(max_steps):
            if index >= len(prios):
                return "end"
            prio = prios[index]
            data = self.subst(prio.args) if prio.app not in ("GotoIf", "Set") else prio.args
            index += 1
            app = prio.app
            if app in ("NoOp", "Answer", "Wait"):
                pass
            elif app in ("Log", "QueueLog", "PauseQueueMember", "UserEvent", "MixMonitor"):
                self.trace.append((app, data))
            elif app == "Set":
                name, _, value = prio.args.partition("=")
                value = self.subst(value)
                name = self.subst(name)
                fm = re.fullmatch(r"SHARED\((\w+)(,.*)?\)", name)
                if fm:
                    self.shared[fm.group(1)] = value
                else:
                    self.variables[name.lstrip("_")] = value
            elif app in ("Goto", "GotoIf"):
                dest = data
                if app == "GotoIf":
                    cond, dests = split_top(prio.args, "?")
                    yes, *no = split_top(dests, ":")
                    dest = yes if self.true(self.subst(cond)) else (no[0] if no else "")
                if dest:
                    context, exten, target = destination(prio, self.subst(dest))
                    prios = self.plan.extension(context, exten)
                    index = self._index(prios, target)
            elif app == "Gosub":
                dm = re.fullmatch(r"([^(]*)\((.*)\)", data)
                dest, gargs = (dm.group(1), split_top(dm.group(2), ",")) if dm else (data, [])
                c, e, t = destination(prio, dest)
                saved = {k: v for k, v in self.variables.items() if k.startswith("ARG")}
                self.run(c, e, t, args=gargs)
                for k in [k for k in self.variables if k.startswith("ARG")]:
                    del self.variables[k]
                self.variables.update(saved)
            elif app == "Return":
                return "Return"
            elif app == "Hangup":
                return "Hangup"
            elif app == "AGI":
                self.trace.append((app, data))
                self.variables["AGISTATUS"] = "SUCCESS"
                for k, v in self.agi(data).items():
                    if k == "HANGUP":
                        raise Hungup(data)
                    self.variables[k] = v
            elif app == "Queue":
                self.trace.append((app, data))
                qargs = split_top(data, ",")
                status = self.queue(qargs[0], qargs[1])
                if status == "HANGUP":
                    raise Hungup(data)
                self.variables["QUEUESTATUS"] = status
            elif app == "Dial":
                self.trace.append((app, data))
                status = self.dial(split_top(data, ",")[0])
                if status == "HANGUP":
                    raise Hungup(data)
                if status == "ANSWER":
                    um = re.search(r"U\(([\w-]+)\^(.*)\)", data)
                    gargs = um.group(2).split("^")
                    saved_unique = self.variables.get("UNIQUEID", "")
                    self.variables["UNIQUEID"] = "agent-leg"
                    self.run(um.group(1), "s", "1", args=gargs)
                    self.variables["UNIQUEID"] = saved_unique
                self.variables["DIALSTATUS"] = status
            else:
                raise AssertionError(f"line {prio.lineno}: the interpreter does not know {app}")
        raise AssertionError("dialplan loops")

    def _set_args(self, args: list[str]) -> None:
        for n, value in enumerate(args, 1):
            self.variables[f"ARG{n}"] = value

    @staticmethod
    def _index(prios: list[Priority], target: str) -> int:
        if target.isdigit():
            return int(target) - 1
        return next(i for i, p in enumerate(prios) if p.label == target)

    def call(self, exten: str) -> str:
        """A caller dials ``exten`` in postline-inbound: how the call ended ("Hangup", or
        "caller hung up"), and the h extension run where the channel was."""
        self.variables.setdefault("UNIQUEID", "1700000000.1")
        self.variables.setdefault("CHANNEL", "PJSIP/trunk-00000001")
        try:
            return self.run("postline-inbound", exten)
        except Hungup:
            return "caller hung up"

    def apps(self, name: str) -> list[str]:
        return [args for app, args in self.trace if app == name]


def scenario(plan: Dialplan, queues: set[str], *, status: str | None = "OK", queue: str = "",
             priority: str = "", agent: str = "", call_id: str = "42", members: str = "",
             paused: str = "0", device: str = "NOT_INUSE", logged: str = "3",
             queue_result: str = "CONTINUE", dial_result: str = "NOANSWER") -> DialplanInterpreter:
    """PostLine's dialplan with the world around it decided in advance: the IVR leaves
    ``status``, ``queue``, ``priority``, ``agent`` and ``call_id`` (``status=None``: the
    FastAGI server was unreachable, nothing is set); ``queues`` exist; the preferred agent's
    ``members``/``paused``/``logged``/``device`` state; what ``Queue()`` and ``Dial()``
    answer."""

    def agi(url: str) -> dict[str, str]:
        if "/ivr?" not in url:
            return {}
        if status is None:  # server unreachable: AGI sets nothing
            return {}
        return {"POSTLINE_STATUS": status, "POSTLINE_QUEUE": queue,
                "POSTLINE_PRIORITY": priority, "POSTLINE_AGENT": agent,
                "POSTLINE_CALL_ID": call_id}

    def fieldnum(args: list[str]) -> str:
        items = ast.variables.get(args[0], "").split(",")
        return str(items.index(args[2]) + 1) if args[2] in items else "0"

    def queue_member(args: list[str]) -> str:
        return {"paused": paused, "logged": logged}[args[1]]

    ast = DialplanInterpreter(plan, agi=agi, queue=lambda name, options: queue_result,
                   dial=lambda target: dial_result, functions={
                       "QUEUE_EXISTS": lambda a: "1" if a[0] in queues else "0",
                       "QUEUE_MEMBER_LIST": lambda a: members,
                       "QUEUE_MEMBER": queue_member,
                       "FIELDNUM": fieldnum,
                       "DEVICE_STATE": lambda a: device,
                       "IMPORT": lambda a: "",
                   })
    ast.variables["MEMBERINTERFACE"] = "PJSIP/1002" if queue_result == "CONTINUE" else ""
    return ast
