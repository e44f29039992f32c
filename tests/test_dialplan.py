"""The Asterisk configuration in dialplan/.

Without Asterisk: extensions_postline.conf is parsed as Asterisk parses extensions.conf
(contexts, ``exten =>``/``same =>`` lines, priorities and labels), every jump target
exists, the AGI URLs and the POSTLINE_* variables match what the FastAGI server uses,
and the call flows are walked by a small dialplan interpreter (enough of Asterisk's
``${...}``/``$[...]`` substitution, IF(), REGEX() and the applications the file uses):
anything but POSTLINE_STATUS=OK reaches the queue, VIP priority, preferred agent,
queue_log rows for what Asterisk does not log, survey after the agent.

With Asterisk (the binary on PATH, or $POSTLINE_ASTERISK): a private instance in a
temporary directory (no SIP, no AMI, only a control socket) loads the three files and
runs real calls over Local channels against a fake FastAGI server. Skipped when
Asterisk is absent (Debian 12 has no asterisk package; build it from source to run it).
"""
from __future__ import annotations

import configparser
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

DIALPLAN_DIR = Path(__file__).resolve().parent.parent / "dialplan"
EXTENSIONS = DIALPLAN_DIR / "extensions_postline.conf"
QUEUES = DIALPLAN_DIR / "queues.conf.sample"
MANAGER = DIALPLAN_DIR / "manager.conf.sample"
README = DIALPLAN_DIR / "README.md"

ENGINE_VARIABLES = ("POSTLINE_STATUS", "POSTLINE_QUEUE", "POSTLINE_PRIORITY",
                    "POSTLINE_AGENT", "POSTLINE_CALL_ID")


# ---------------------------------------------------------------------------------------
# A parser for extensions.conf
# ---------------------------------------------------------------------------------------

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

    def all(self):
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


@pytest.fixture(scope="module")
def plan() -> Dialplan:
    return parse_dialplan(EXTENSIONS.read_text(encoding="utf-8"))


def read_queues_conf() -> configparser.ConfigParser:
    cp = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",),
                                   comment_prefixes=(";",), inline_comment_prefixes=(";",))
    text = re.sub(r"^member\s*=>", "member =", QUEUES.read_text(encoding="utf-8"), flags=re.M)
    cp.read_string(text)
    return cp


def queue_names() -> set[str]:
    """Queues defined in queues.conf.sample (templates "(!)" are not queues)."""
    names = set()
    for line in QUEUES.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\[([\w-]+)\](\((!?)[\w,-]*\))?", line)
        if m and m.group(1) != "general" and m.group(3) != "!":
            names.add(m.group(1))
    return names


# ---------------------------------------------------------------------------------------
# Static checks
# ---------------------------------------------------------------------------------------

def test_dialplan_parses_with_the_expected_contexts(plan: Dialplan):
    for context in ("postline-settings", "postline-inbound", "postline-ivr", "postline-queue",
                    "postline-preferred-answer", "postline-acw", "postline-survey"):
        assert context in plan.contexts, context
    for exten in ("11185", "185", "12329"):
        assert exten in plan.contexts["postline-inbound"]
    assert "h" in plan.contexts["postline-queue"]
    # A [globals] or [general] here would fight the host's extensions.conf.
    assert not {"globals", "general"} & set(plan.contexts)


def test_brackets_balance_on_every_line(plan: Dialplan):
    for prio in plan.all():
        assert balanced(prio.args), f"line {prio.lineno}: unbalanced ()[]{{}} in {prio.args!r}"
        assert prio.args.count('"') % 2 == 0, f"line {prio.lineno}: odd number of quotes"
    for line in QUEUES.read_text().splitlines() + MANAGER.read_text().splitlines():
        assert balanced(strip_comment(line)), line


def test_no_stray_semicolon_inside_application_data():
    """An unescaped ';' starts a comment: text after it silently vanishes."""
    for lineno, raw in enumerate(EXTENSIONS.read_text().splitlines(), 1):
        code = strip_comment(raw)
        if code.startswith(("exten", "same")):
            assert code.endswith(")") or re.search(r",\w+$", code), \
                f"line {lineno}: application data cut short: {raw!r}"


def _target(prio: Priority, dest: str) -> tuple[str, str, str]:
    parts = [p.strip() for p in dest.split(",")]
    if len(parts) == 1:
        return prio.context, prio.exten, parts[0]
    if len(parts) == 2:
        return prio.context, parts[0], parts[1]
    assert len(parts) == 3, f"line {prio.lineno}: bad destination {dest!r}"
    return parts[0], parts[1], parts[2]


def _jump_targets(prio: Priority) -> list[tuple[str, str, str]]:
    if prio.app == "Goto":
        return [_target(prio, prio.args)]
    if prio.app == "GotoIf":
        cond_dest = split_top(prio.args, "?")
        assert len(cond_dest) == 2, f"line {prio.lineno}: GotoIf without one '?'"
        return [_target(prio, d) for d in split_top(cond_dest[1], ":") if d.strip()]
    if prio.app == "Gosub":
        dest = re.sub(r"\(.*\)$", "", prio.args)
        return [_target(prio, dest)]
    if prio.app == "Dial":
        m = re.search(r"U\(([\w-]+)", prio.args)
        return [(m.group(1), "s", "1")] if m else []
    return []


def test_every_jump_target_exists(plan: Dialplan):
    jumps = 0
    for prio in plan.all():
        for context, exten, target in _jump_targets(prio):
            jumps += 1
            assert "$" not in context + exten + target, f"line {prio.lineno}: computed jump"
            assert context in plan.contexts, f"line {prio.lineno}: no context {context}"
            assert exten in plan.contexts[context], f"line {prio.lineno}: no {exten}@{context}"
            prios = plan.contexts[context][exten]
            if target.isdigit():
                assert 1 <= int(target) <= len(prios), f"line {prio.lineno}: no priority {target}"
            else:
                assert target in {p.label for p in prios}, \
                    f"line {prio.lineno}: no label {target} in {exten}@{context}"
    assert jumps > 20


def test_every_label_is_used(plan: Dialplan):
    used = {(c, e, t) for prio in plan.all() for c, e, t in _jump_targets(prio)}
    for prio in plan.all():
        if prio.label:
            assert (prio.context, prio.exten, prio.label) in used, \
                f"line {prio.lineno}: label {prio.label} is never jumped to"


def test_every_engine_variable_is_read(plan: Dialplan):
    reads = {name: 0 for name in ENGINE_VARIABLES}
    for prio in plan.all():
        args = prio.args
        if prio.app == "Set":  # the left-hand side is a write, not a read
            args = args.partition("=")[2]
        for name in ENGINE_VARIABLES:
            reads[name] += len(re.findall(r"\$\{" + name + r"[}:]", args))
    assert all(reads.values()), reads


def test_agi_urls_use_the_server_paths(plan: Dialplan):
    agi = [p for p in plan.all() if p.app == "AGI"]
    urls = {p.context: p.args for p in agi}
    for prio in agi:
        assert prio.args.startswith("${POSTLINE_AGI}/"), prio.args
    assert urls["postline-ivr"] == "${POSTLINE_AGI}/ivr?line=${POSTLINE_LINE}"
    assert urls["postline-survey"] == "${POSTLINE_AGI}/survey?call=${POSTLINE_CALL_ID}"
    servers = [p.args.partition("=")[2] for p in plan.all()
               if p.app == "Set" and p.args.startswith("POSTLINE_AGI=")]
    assert servers == ["agi://127.0.0.1:4573"]
    text = EXTENSIONS.read_text()
    assert "hagi://" in text and "_agi._tcp." in text  # the failover set-up is explained


def test_queues_named_in_the_dialplan_exist():
    names = queue_names()
    assert {"postline-11185", "postline-12329", "postline-ems", "postline-press",
            "postline-complaint", "postline-12329-loan"} <= names
    text = EXTENSIONS.read_text()
    for literal in re.findall(r"postline-[\w-]+", text):
        if literal.startswith(("postline-settings", "postline-inbound", "postline-ivr",
                               "postline-queue", "postline-preferred", "postline-acw",
                               "postline-survey")):
            continue
        if literal.endswith("-"):  # postline-${POSTLINE_LINE}
            continue
        assert literal in names, literal
    # postline-${POSTLINE_LINE} for each line the inbound context names
    for line in ("11185", "12329"):
        assert f"postline-{line}" in names


def test_queues_the_ivr_flows_name_exist():
    """The IVR's default flows name queues without the prefix ("ems"): the dialplan
    tries the name, then postline-<name>; each must resolve to a queue here."""
    flows = Path(__file__).resolve().parent.parent / "app" / "ivr" / "flows" / "defaults.py"
    text = flows.read_text(encoding="utf-8")
    named = set(re.findall(r'"queue": "([\w-]+)"', text))
    lines = re.findall(r'^\s*\("(\d+)", "[^"]*", "([\w-]+)"', text, flags=re.M)
    named |= {queue for _number, queue in lines}
    assert named
    names = queue_names()
    for queue in named:
        assert queue in names or f"postline-{queue}" in names, queue


KNOWN_QUEUE_OPTIONS = {
    # app_queue.c queue_set_param() and [general] in Asterisk 20 and 22
    "general": {"persistentmembers", "autofill", "shared_lastcall", "log_membername_as_agent",
                "monitor-type", "negative_penalty_invalid", "log-caller-id-name",
                "force_longest_waiting_caller", "log_unpause_on_reason_change",
                "updatecdr", "keepstats"},
    "queue": {"strategy", "timeout", "retry", "wrapuptime", "servicelevel", "maxlen",
              "joinempty", "leavewhenempty", "ringinuse", "autopause", "autopausedelay",
              "autopausebusy", "autopauseunavail", "announce-frequency",
              "min-announce-frequency", "announce-holdtime", "announce-position",
              "announce-position-limit", "announce-round-seconds", "reportholdtime",
              "setinterfacevar", "setqueueentryvar", "setqueuevar", "musicclass", "member",
              "weight", "timeoutrestart", "timeoutpriority", "memberdelay", "context",
              "periodic-announce", "periodic-announce-frequency", "monitor-format",
              "log-restricted-caller-id", "defaultrule", "penaltymemberslimit",
              "announce", "membergosub", "autofill"},
}


def test_queues_conf_sample_uses_real_options():
    cp = read_queues_conf()
    assert set(cp.sections()) == queue_names() | {"general", "postline-defaults"}
    for section in cp.sections():
        known = KNOWN_QUEUE_OPTIONS["general" if section == "general" else "queue"]
        for option in cp[section]:
            assert option in known, f"[{section}] {option}"
    defaults = cp["postline-defaults"]
    assert defaults["servicelevel"] == "20"
    assert defaults["ringinuse"] == "no"
    assert defaults["setinterfacevar"] == "yes"  # MEMBERINTERFACE for after-call work
    for empty in ("joinempty", "leavewhenempty"):
        for word in defaults[empty].split(","):
            assert word.strip() in {"paused", "penalty", "inuse", "ringing", "unavailable",
                                    "invalid", "unknown", "wrapup", "yes", "no", "strict",
                                    "loose"}
    assert defaults["strategy"] in {"ringall", "leastrecent", "fewestcalls", "random",
                                    "rrmemory", "rrordered", "linear", "wrandom"}


def test_manager_conf_sample_is_local_and_minimal():
    cp = configparser.ConfigParser(strict=True, interpolation=None, delimiters=("=",),
                                   comment_prefixes=(";",), inline_comment_prefixes=(";",))
    cp.read_string(MANAGER.read_text())
    assert cp["general"]["bindaddr"] == "127.0.0.1"
    user = cp["postline"]
    assert "CHANGE" in user["secret"]
    assert user["deny"] == "0.0.0.0/0.0.0.0"
    assert user["permit"].startswith("127.0.0.1/")
    assert set(user["read"].split(",")) == {"agent", "call"}
    assert set(user["write"].split(",")) == {"agent", "originate"}


def test_readme_covers_the_integration():
    text = README.read_text()
    for needle in ("#include", "postline-inbound", "4573", "hagi://", "queue_log",
                   "POSTLINE_STATUS", "POSTLINE_CALL_ID", "survey?call=",
                   "channel originate Local/11185@postline-inbound", "QUEUE_PRIO"):
        assert needle in text, needle


# ---------------------------------------------------------------------------------------
# A small dialplan interpreter
# ---------------------------------------------------------------------------------------

class Hungup(Exception):
    pass


@dataclass
class Asterisk:
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
            elif app in ("Log", "QueueLog", "PauseQueueMember"):
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
                    context, exten, target = _target(prio, self.subst(dest))
                    prios = self.plan.extension(context, exten)
                    index = self._index(prios, target)
            elif app == "Gosub":
                dm = re.fullmatch(r"([^(]*)\((.*)\)", data)
                dest, gargs = (dm.group(1), split_top(dm.group(2), ",")) if dm else (data, [])
                c, e, t = _target(prio, dest)
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


def make(plan: Dialplan, *, status: str | None = "OK", queue: str = "", priority: str = "",
         agent: str = "", call_id: str = "42", members: str = "", paused: str = "0",
         device: str = "NOT_INUSE", queues: set[str] | None = None, logged: str = "3",
         queue_result: str = "CONTINUE", dial_result: str = "NOANSWER") -> Asterisk:
    queues = queue_names() if queues is None else queues

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

    ast = Asterisk(plan, agi=agi, queue=lambda name, options: queue_result,
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


# ---------------------------------------------------------------------------------------
# Flows
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["ERROR", "BUSY", "HANGUP", "", None, "ok", "garbage"])
def test_anything_but_ok_goes_to_the_queue(plan: Dialplan, status):
    ast = make(plan, status=status)
    ast.call("11185")
    assert ast.apps("Queue"), f"POSTLINE_STATUS={status!r} did not reach an agent"
    assert ast.apps("Queue")[0].startswith("postline-11185,")


def test_ok_without_transfer_ends_the_call(plan: Dialplan):
    ast = make(plan, status="OK", queue="")
    assert ast.call("11185") == "Hangup"
    assert not ast.apps("Queue") and len(ast.apps("AGI")) == 1


def test_ok_with_transfer_goes_to_the_queue_the_ivr_chose(plan: Dialplan):
    ast = make(plan, status="OK", queue="postline-ems")
    ast.call("11185")
    assert ast.apps("Queue")[0].split(",")[0] == "postline-ems"


@pytest.mark.parametrize("exten, line", [("11185", "11185"), ("185", "11185"),
                                          ("12329", "12329")])
def test_each_line_names_itself_to_the_ivr_and_its_queue(plan: Dialplan, exten, line):
    ast = make(plan, status="ERROR")
    ast.call(exten)
    assert ast.apps("AGI")[0] == f"agi://127.0.0.1:4573/ivr?line={line}"
    assert ast.apps("Queue")[0].startswith(f"postline-{line},")


def test_agisstatus_is_not_what_decides(plan: Dialplan):
    """A missing sound file leaves AGISTATUS=FAILURE; the IVR's OK still counts."""
    ast = make(plan, status="OK")
    ast.agi = lambda url, inner=ast.agi: {**inner(url), "AGISTATUS": "FAILURE"}
    assert ast.call("11185") == "Hangup" and not ast.apps("Queue")


@pytest.mark.parametrize("named, queue", [("ems", "postline-ems"),
                                          ("postline-ems", "postline-ems"),
                                          ("12329-loan", "postline-12329-loan"),
                                          ("11185", "postline-11185")])
def test_queue_names_with_or_without_the_prefix(plan: Dialplan, named, queue):
    ast = make(plan, status="OK", queue=named)
    ast.call("11185")
    assert ast.apps("Queue")[0].split(",")[0] == queue
    assert ast.apps("Log") == []


def test_unknown_queue_falls_back_to_the_lines_queue(plan: Dialplan):
    ast = make(plan, status="OK", queue="postline-nosuch")
    ast.call("12329")
    assert ast.apps("Queue")[0].startswith("postline-12329,")
    assert any("postline-nosuch" in log for log in ast.apps("Log"))


@pytest.mark.parametrize("priority, expected", [("10", "10"), ("", "0"), ("-1", "-1"),
                                                ("VIP", "0"), ("5;x", "0")])
def test_vip_priority_reaches_queue_prio(plan: Dialplan, priority, expected):
    ast = make(plan, status="OK", queue="postline-11185", priority=priority)
    ast.call("11185")
    assert ast.variables["QUEUE_PRIO"] == expected


def test_queue_options_continue_to_the_survey_after_the_agent(plan: Dialplan):
    ast = make(plan, status="OK", queue="postline-11185", queue_result="CONTINUE")
    assert ast.call("11185") == "Hangup"
    options = ast.apps("Queue")[0].split(",")[1]
    assert "c" in options and "F" not in options
    assert ast.apps("AGI")[-1] == "agi://127.0.0.1:4573/survey?call=42"


def test_no_survey_without_a_call_record(plan: Dialplan):
    ast = make(plan, status=None, queue_result="CONTINUE")
    ast.call("11185")
    assert [url for url in ast.apps("AGI") if "survey" in url] == []


@pytest.mark.parametrize("status, logged, event", [("FULL", "3", "FULL"),
                                                    ("JOINEMPTY", "2", "JOINEMPTY"),
                                                    ("JOINEMPTY", "0", "CLOSED"),
                                                    ("JOINUNAVAIL", "0", "CLOSED")])
def test_queue_log_rows_for_what_asterisk_does_not_log(plan: Dialplan, status, logged, event):
    ast = make(plan, status="ERROR", queue_result=status, logged=logged)
    ast.variables["CALLERID(num)"] = "13800138000"
    ast.call("11185")
    rows = [split_top(r, ",") for r in ast.apps("QueueLog")]
    assert rows == [["postline-11185", "1700000000.1", "NONE", event,
                     f"13800138000|{status}|42"]]
    # ... then the voice-message node, not silence
    assert ast.apps("AGI")[-1] == "agi://127.0.0.1:4573/node/core.voicemail?line=11185"


@pytest.mark.parametrize("status", ["TIMEOUT", "LEAVEEMPTY", "LEAVEUNAVAIL"])
def test_no_duplicate_rows_for_what_asterisk_logs(plan: Dialplan, status):
    ast = make(plan, status="ERROR", queue_result=status)
    ast.call("11185")
    assert ast.apps("QueueLog") == []
    assert "/node/" in ast.apps("AGI")[-1]


def test_preferred_agent_is_rung_first_and_logged_like_a_queue_call(plan: Dialplan):
    ast = make(plan, status="OK", queue="postline-ems", agent="PJSIP/1002",
               members="PJSIP/1001,PJSIP/1002", dial_result="ANSWER")
    assert ast.call("11185") == "Hangup"
    assert ast.apps("Dial")[0].startswith("PJSIP/1002,10,g")
    assert not ast.apps("Queue")
    events = [split_top(r, ",")[3] for r in ast.apps("QueueLog")]
    assert events == ["ENTERQUEUE", "CONNECT", "COMPLETEAGENT"]
    assert ast.apps("AGI")[-1].endswith("/survey?call=42")


@pytest.mark.parametrize("members, paused, device", [
    ("PJSIP/1001", "0", "NOT_INUSE"),           # not a member of this queue
    ("PJSIP/1001,PJSIP/1002", "1", "NOT_INUSE"),  # paused (on a break, in ACW)
    ("PJSIP/1001,PJSIP/1002", "0", "INUSE"),      # on another call
    ("PJSIP/1001,PJSIP/1002", "0", "UNAVAILABLE"),
])
def test_preferred_agent_skipped_when_he_cannot_answer(plan: Dialplan, members, paused, device):
    ast = make(plan, status="OK", queue="postline-ems", agent="PJSIP/1002", members=members,
               paused=paused, device=device)
    ast.call("11185")
    assert not ast.apps("Dial") and ast.apps("Queue")


def test_preferred_agent_not_answering_falls_back_to_the_queue(plan: Dialplan):
    ast = make(plan, status="OK", queue="postline-ems", agent="PJSIP/1002",
               members="PJSIP/1002", dial_result="NOANSWER")
    ast.call("11185")
    assert ast.apps("Dial") and ast.apps("Queue")
    # RINGNOANSWER only; Queue() writes the call's one ENTERQUEUE itself
    assert [split_top(r, ",")[3] for r in ast.apps("QueueLog")] == ["RINGNOANSWER"]


def test_caller_hanging_up_during_the_preferred_ring_is_an_abandon(plan: Dialplan):
    ast = make(plan, status="OK", queue="postline-ems", agent="PJSIP/1002",
               members="PJSIP/1002", dial_result="HANGUP")
    assert ast.call("11185") == "caller hung up"
    ast.run("postline-queue", "h")
    assert [split_top(r, ",")[3] for r in ast.apps("QueueLog")] == ["ENTERQUEUE", "ABANDON"]


def test_after_call_work_pause_is_optional(plan: Dialplan):
    ast = make(plan, status="OK", queue="postline-ems")
    ast.call("11185")
    assert ast.apps("PauseQueueMember") == []
    text = EXTENSIONS.read_text().replace("POSTLINE_ACW_PAUSE=no", "POSTLINE_ACW_PAUSE=yes")
    ast = make(parse_dialplan(text), status="OK", queue="postline-ems")
    ast.call("11185")
    assert ast.apps("PauseQueueMember") == [",PJSIP/1002,,ACW"]


# ---------------------------------------------------------------------------------------
# Optional: a real Asterisk
# ---------------------------------------------------------------------------------------

def asterisk_binary() -> str | None:
    candidate = os.environ.get("POSTLINE_ASTERISK") or shutil.which("asterisk")
    if candidate and os.access(candidate, os.X_OK):
        return candidate
    return None


class FakeAGI(threading.Thread):
    """A FastAGI server that answers /ivr with the variables of the current scenario."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.ivr_vars: dict[str, str] = {}
        self.requests: list[str] = []

    def run(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn: socket.socket):
        with conn, conn.makefile("rwb") as f:
            env = {}
            for raw in f:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                if not line:
                    break
                key, _, value = line.partition(": ")
                env[key] = value
            script = env.get("agi_network_script", "")
            self.requests.append(script)
            if script.startswith("ivr"):
                for name, value in self.ivr_vars.items():
                    f.write(f'SET VARIABLE {name} "{value}"\n'.encode())
                    f.flush()
                    f.readline()

    def close(self):
        self.sock.close()


MODULES = ["pbx_config", "app_queue", "res_speech", "res_agi", "res_clioriginate", "app_dial",
           "app_stack", "func_logic", "func_strings", "func_devstate", "func_callerid",
           "func_global", "app_verbose", "bridge_simple", "res_musiconhold"]


class PrivateAsterisk:
    def __init__(self, binary: str, agi_port: int):
        self.binary = binary
        self.root = Path(tempfile.mkdtemp(prefix="pl-ast-"))
        etc = self.root / "etc"
        for sub in ("etc", "var", "run", "log", "spool"):
            (self.root / sub).mkdir()
        self.conf = etc / "asterisk.conf"
        self.conf.write_text(
            "[directories]\n"
            f"astetcdir => {etc}\nastvarlibdir => {self.root}/var\nastdbdir => {self.root}/var\n"
            f"astkeydir => {self.root}/var\n"
            f"astagidir => {self.root}/var\nastspooldir => {self.root}/spool\n"
            f"astrundir => {self.root}/run\nastlogdir => {self.root}/log\n"
            "[options]\nverbose = 3\nnocolor = yes\n")
        (etc / "modules.conf").write_text(
            "[modules]\nautoload = no\n" + "".join(f"load => {m}.so\n" for m in MODULES))
        (etc / "logger.conf").write_text(
            "[general]\nqueue_log = yes\n[logfiles]\nmessages => notice,warning,error,verbose\n")
        dialplan = EXTENSIONS.read_text().replace("agi://127.0.0.1:4573",
                                                  f"agi://127.0.0.1:{agi_port}")
        dialplan = dialplan.replace("POSTLINE_ACW_PAUSE=no", "POSTLINE_ACW_PAUSE=yes")
        dialplan = dialplan.replace("POSTLINE_PREFERRED_RING=10", "POSTLINE_PREFERRED_RING=3")
        (etc / "extensions_postline.conf").write_text(dialplan)
        (etc / "extensions.conf").write_text(
            "[general]\nstatic = yes\nwriteprotect = yes\n\n"
            "#include extensions_postline.conf\n\n"
            "[postline-test-agents]\n"
            "; agent1 answers, talks a second and hangs up\n"
            "exten => agent1,1,Answer()\n same => n,Wait(1)\n same => n,Hangup()\n"
            "; agent2 rings and never answers\n"
            "exten => agent2,1,Ringing()\n same => n,Wait(60)\n"
            "; agent3 answers and talks until the caller hangs up\n"
            "exten => agent3,1,Answer()\n same => n,Wait(60)\n")
        shutil.copy(QUEUES, etc / "queues.conf")
        (etc / "musiconhold.conf").write_text("[general]\n")
        self.proc = subprocess.Popen([binary, "-C", str(self.conf), "-f", "-n", "-q"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("asterisk exited at start-up:\n" + self.log())
            if (self.root / "run" / "asterisk.ctl").exists():
                out = self.rx("core waitfullybooted", check=False)
                if "fully booted" in out.lower():
                    return
            time.sleep(0.2)
        raise RuntimeError("asterisk did not boot:\n" + self.log())

    def rx(self, command: str, check: bool = True) -> str:
        res = subprocess.run([self.binary, "-C", str(self.conf), "-rx", command],
                             capture_output=True, text=True, timeout=30)
        if check:
            assert res.returncode == 0, res.stderr
        return res.stdout

    def log(self) -> str:
        path = self.root / "log" / "messages"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_size(self) -> int:
        return len(self.log())

    def queue_log(self) -> list[list[str]]:
        path = self.root / "log" / "queue_log"
        if not path.exists():
            return []
        return [line.split("|") for line in path.read_text().splitlines()]

    def wait_idle(self, timeout: float = 30) -> None:
        deadline = time.time() + timeout
        time.sleep(0.5)
        while time.time() < deadline:
            if self.rx("core show channels count").startswith("0 active channels"):
                return
            time.sleep(0.3)
        raise AssertionError("calls still up:\n" + self.rx("core show channels"))

    def stop(self):
        try:
            self.rx("core stop now", check=False)
            self.proc.wait(timeout=15)
        except (subprocess.TimeoutExpired, OSError):
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module", name="pbx")
def private_asterisk():
    """A private Asterisk with the dialplan, and the fake FastAGI server it calls."""
    binary = asterisk_binary()
    if not binary:
        pytest.skip("no asterisk binary (set POSTLINE_ASTERISK or put asterisk on PATH)")
    agi = FakeAGI()
    agi.start()
    instance = PrivateAsterisk(binary, agi.port)
    instance.agi = agi
    yield instance
    instance.stop()
    agi.close()


@dataclass
class Call:
    requests: list[str]          # AGI scripts PostLine's server was asked for
    rows: list[list[str]]        # queue_log rows written during the call
    log: str                     # Asterisk's log during the call

    def events(self) -> list[str]:
        return [row[4] for row in self.rows]


def place_call(ast: PrivateAsterisk, ivr_vars: dict[str, str], exten: str = "11185",
               caller_seconds: int = 20, members: tuple[tuple[str, str], ...] = ()) -> Call:
    """A caller dials ``exten``; the fake IVR leaves ``ivr_vars``; the caller hangs up
    after ``caller_seconds`` unless the call ended before. ``members``: (queue, agent)
    pairs logged in for this call only."""
    for queue, agent in members:
        ast.rx(f"queue add member Local/{agent}@postline-test-agents to {queue}")
    try:
        ast.agi.ivr_vars = ivr_vars
        ast.agi.requests.clear()
        rows_before, log_before = len(ast.queue_log()), ast.log_size()
        ast.rx(f"channel originate Local/{exten}@postline-inbound "
               f"application Wait {caller_seconds}")
        ast.wait_idle()
        return Call(list(ast.agi.requests), ast.queue_log()[rows_before:],
                    ast.log()[log_before:])
    finally:
        for queue, agent in members:
            ast.rx(f"queue remove member Local/{agent}@postline-test-agents from {queue}")


def test_asterisk_loads_everything_without_warnings(pbx):
    for context in ("postline-inbound", "postline-ivr", "postline-queue", "postline-survey",
                    "postline-settings", "postline-preferred-answer", "postline-acw"):
        out = pbx.rx(f"dialplan show {context}")
        assert f"'{context}'" in out, out
    queues = pbx.rx("queue show")
    for name in queue_names():
        assert name in queues
    assert "postline-defaults" not in queues
    problems = [line for line in pbx.log().splitlines()
                if ("WARNING" in line or "ERROR" in line)
                and any(where in line for where in ("app_queue.c", "pbx_config.c", "config.c",
                                                    "loader.c", "pbx.c", "extensions"))]
    assert problems == []
    modules = pbx.rx("module show")
    for module in MODULES:
        assert f"{module}.so" in modules, module


def test_asterisk_error_status_goes_to_the_queue_and_logs_closed(pbx):
    call = place_call(pbx, {"POSTLINE_STATUS": "ERROR", "POSTLINE_CALL_ID": "7"})
    assert call.requests == ["ivr?line=11185", "node/core.voicemail?line=11185"]
    assert [row[2:] for row in call.rows] == [["postline-11185", "NONE", "CLOSED",
                                               "", "JOINEMPTY", "7"]]


def test_asterisk_unreachable_agi_server_still_reaches_an_agent_queue(pbx):
    call = place_call(pbx, {})  # the server says nothing: POSTLINE_STATUS stays empty
    assert call.events() == ["CLOSED"]
    assert "AGISTATUS=SUCCESS" in call.log


def test_asterisk_ok_without_queue_just_ends(pbx):
    call = place_call(pbx, {"POSTLINE_STATUS": "OK", "POSTLINE_CALL_ID": "44"})
    assert call.requests == ["ivr?line=11185"]
    assert call.rows == []


def test_asterisk_queue_call_then_survey_and_after_call_work(pbx):
    call = place_call(pbx, {"POSTLINE_STATUS": "OK", "POSTLINE_QUEUE": "ems",
                                 "POSTLINE_PRIORITY": "5", "POSTLINE_CALL_ID": "42"},
                      exten="12329", members=(("postline-ems", "agent1"),))
    assert call.requests == ["ivr?line=12329", "survey?call=42"]
    events = call.events()
    assert events[:2] == ["ENTERQUEUE", "CONNECT"] and "COMPLETEAGENT" in events
    assert "PAUSEALL" in events  # ACW, with POSTLINE_ACW_PAUSE=yes in this instance
    assert next(r for r in call.rows if r[4] == "PAUSEALL")[5] == "ACW"
    assert "QUEUE_PRIO=5" in call.log
    assert "postline-preferred-answer" not in call.log


def test_asterisk_full_queue_is_logged(pbx):
    pbx.rx("queue add member Local/agent2@postline-test-agents to postline-12329-loan")
    try:
        # a caller already waiting (agent2 never answers) fills a queue of maxlen 1
        pbx.agi.ivr_vars = {"POSTLINE_STATUS": "OK", "POSTLINE_QUEUE": "postline-12329-loan"}
        pbx.rx("channel originate Local/12329@postline-inbound application Wait 8")
        time.sleep(1)
        queues = Path(pbx.root / "etc" / "queues.conf")
        original = queues.read_text()
        queues.write_text(original.replace("maxlen = 50", "maxlen = 1"))
        pbx.rx("queue reload parameters postline-12329-loan")
        try:
            call = place_call(pbx, {"POSTLINE_STATUS": "OK", "POSTLINE_CALL_ID": "45",
                                         "POSTLINE_QUEUE": "postline-12329-loan"}, "12329")
        finally:
            queues.write_text(original)
            pbx.rx("queue reload parameters postline-12329-loan")
    finally:
        pbx.rx("queue remove member Local/agent2@postline-test-agents "
                    "from postline-12329-loan")
    assert [r[4:] for r in call.rows if r[1] != "NONE" and r[4] == "FULL"] == \
        [["FULL", "", "FULL", "45"]]
    assert call.requests[-1] == "node/core.voicemail?line=12329"


def test_asterisk_preferred_agent_answers_then_survey(pbx):
    call = place_call(pbx, {"POSTLINE_STATUS": "OK", "POSTLINE_QUEUE": "postline-press",
                                 "POSTLINE_AGENT": "Local/agent1@postline-test-agents",
                                 "POSTLINE_CALL_ID": "43"},
                      members=(("postline-press", "agent1"),))
    assert call.requests == ["ivr?line=11185", "survey?call=43"]
    assert "Executing [s@postline-preferred-answer:1]" in call.log
    assert "Queue(" not in call.log
    rows = [r for r in call.rows if r[1] != "NONE"]
    assert [r[4] for r in rows] == ["ENTERQUEUE", "CONNECT", "COMPLETEAGENT"]
    assert {r[2] for r in rows} == {"postline-press"}
    assert rows[1][3] == "Local/agent1@postline-test-agents"
    holdtime, calltime, origpos = rows[2][5:8]
    assert int(holdtime) <= 2 and 1 <= int(calltime) <= 4 and origpos == "1"


def test_asterisk_caller_hangs_up_talking_to_the_preferred_agent(pbx):
    call = place_call(pbx, {"POSTLINE_STATUS": "OK", "POSTLINE_QUEUE": "postline-press",
                                 "POSTLINE_AGENT": "Local/agent3@postline-test-agents",
                                 "POSTLINE_CALL_ID": "46"},
                      caller_seconds=3, members=(("postline-press", "agent3"),))
    rows = [r for r in call.rows if r[1] != "NONE"]
    assert [r[4] for r in rows] == ["ENTERQUEUE", "CONNECT", "COMPLETECALLER"]
    assert "PAUSEALL" in call.events()
    assert "survey" not in " ".join(call.requests)


def test_asterisk_caller_hangs_up_while_the_preferred_agent_rings(pbx):
    call = place_call(pbx, {"POSTLINE_STATUS": "OK", "POSTLINE_QUEUE": "postline-press",
                                 "POSTLINE_AGENT": "Local/agent2@postline-test-agents",
                                 "POSTLINE_CALL_ID": "47"},
                      caller_seconds=1, members=(("postline-press", "agent2"),))
    rows = [r for r in call.rows if r[1] != "NONE"]
    assert [r[4] for r in rows] == ["ENTERQUEUE", "ABANDON"]
    assert rows[1][5:7] == ["1", "1"]


def test_asterisk_preferred_agent_not_answering_then_the_queue(pbx):
    call = place_call(pbx, {"POSTLINE_STATUS": "OK", "POSTLINE_QUEUE": "postline-press",
                                 "POSTLINE_AGENT": "Local/agent2@postline-test-agents",
                                 "POSTLINE_CALL_ID": "48"},
                      caller_seconds=5, members=(("postline-press", "agent2"),))
    rows = [r for r in call.rows if r[1] != "NONE"]
    assert [r[4] for r in rows][:2] == ["RINGNOANSWER", "ENTERQUEUE"]
    assert 3000 <= int(rows[0][5]) <= 4000  # ms, as Asterisk logs it
    assert rows[-1][4] == "ABANDON"  # the caller gave up in the queue
    assert [r[4] for r in rows].count("ENTERQUEUE") == 1

