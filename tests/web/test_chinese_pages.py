"""The Chinese interface shows no English: every page each demo role can open is rendered
in zh_CN, and no message of the catalog appears there in English (nor the engine's English
call reasons or raw hook names), outside code: ``<code>``/``<kbd>`` and the small grey code
names beside labels, which name things in flows and configuration and stay as they are."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import url_for
from sqlalchemy import select

from app.auth.demo import DEMO_PASSWORD
from app.auth.models import User
from app.auth.roles import ROLES
from app.customers.models import Customer
from app.extensions import db
from app.pluginhost import collect
from app.testing import submit

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "app" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
#: Elements whose text is code or data, not interface: never translated.
CODE_TAGS = {"code", "kbd", "pre", "textarea", "script", "style", "option"}
CODE_CLASSES = {"code-name"}
ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")
#: English that is right in a Chinese interface: names, and the language switch.
ALLOWED = {"PostLine", "English", "VIP", "IVR", "ID"}
#: English the code writes that a page must translate before showing it.
RAW_ENGLISH = re.compile(r"caller pressed 0|retries exhausted|no input|postline_[a-z_]+")
#: Pages not made of interface text (files, the health check).
SKIPPED = {"main.healthz", "ivr.voicemail_audio", "static", "customers.export"}  # not pages: downloads


class VisibleText(HTMLParser):
    """The text a reader sees (and hears: labels for screen readers), code left out."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        code = tag in CODE_TAGS or bool(CODE_CLASSES & set((values.get("class") or "").split()))
        if tag not in ("input", "br", "meta", "link", "img", "col", "hr"):
            self.stack.append(code or (bool(self.stack) and self.stack[-1]))
        if not (code or (self.stack and self.stack[-1])):
            self.texts.extend(values[a] for a in ATTRIBUTES if values.get(a))
            if tag == "input" and values.get("type") in ("submit", "button"):
                self.texts.append(values.get("value") or "")

    def handle_endtag(self, tag):
        if tag not in ("input", "br", "meta", "link", "img", "col", "hr") and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if data.strip() and not (self.stack and self.stack[-1]):
            self.texts.append(data.strip())


def visible_text(html: str) -> list[str]:
    body = html.split("<body", 1)[-1]
    parser = VisibleText()
    parser.feed(body)
    return parser.texts


def english_msgids() -> set[str]:
    """Catalog messages whose Chinese differs from the English (so English seen is a miss)."""
    with open(CATALOG, "rb") as handle:
        catalog = read_po(handle)
    found = set()
    for message in catalog:
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        string = message.string[0] if isinstance(message.string, tuple) else message.string
        if msgid and string and string != msgid and "%(" not in msgid and msgid not in ALLOWED:
            found.add(msgid)
    return found


def english_in(texts: list[str], msgids: set[str]) -> list[str]:
    """A text that is a whole message in English, holds a message of several words, or
    holds English the code wrote."""
    sentences = {m for m in msgids if " " in m and len(m) >= 12}
    problems = []
    for text in texts:
        if text in msgids:
            problems.append(f"untranslated message {text!r}")
        problems.extend(f"untranslated message {m!r} in {text[:60]!r}" for m in sentences
                        if m in text and m != text)
        problems.extend(f"English {m!r} in {text[:60]!r}" for m in RAW_ENGLISH.findall(text))
    return problems


def page_urls(app) -> list[str]:
    """A URL for every GET page, with real ids from the demo data for those that take one."""
    user = db.session.scalar(select(User).order_by(User.id))
    customer = db.session.scalar(select(Customer).order_by(Customer.id))
    values = {
        "user_id": user.id, "customer_id": customer.id, "number": "11185", "message_id": 1,
    }
    names = {
        "ivr.flow_detail": "11185", "ivr.flow_edit": "11185", "admin.plugin_settings": "postcode",
        "reports.report": collect("postline_reports")[0].name,
        "agents.form": collect("postline_agent_forms")[0].name if collect("postline_agent_forms") else None,
    }
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIPPED or rule.endpoint.endswith(".static"):
            continue
        args = {}
        for arg in rule.arguments:
            args[arg] = names.get(rule.endpoint) if arg == "name" else values.get(arg)
        if any(v is None for v in args.values()):
            continue
        urls.append(url_for(rule.endpoint, **args))
    return sorted(set(urls))


@pytest.fixture
def demo(app):
    for data in collect("postline_demo_data"):
        data.load()
    return app


@pytest.mark.parametrize("role", list(ROLES))
def test_no_english_on_any_page_in_chinese(demo, client, role):
    msgids = english_msgids()
    submit(client, "/auth/login", {"username": role, "password": DEMO_PASSWORD})
    submit(client, "/lang", {"lang": "zh_CN"}, page="/")
    problems, seen = {}, []
    for url in page_urls(demo):
        response = client.get(url)
        if response.status_code in (403, 404):
            continue
        assert response.status_code == 200, f"{url}: {response.status_code}"
        if response.mimetype == "text/event-stream":  # the desk's live stream: no page, no end
            response.close()
            continue
        seen.append(url)
        found = english_in(visible_text(response.get_data(as_text=True)), msgids)
        if found:
            problems[url] = sorted(set(found))
    assert "http://postline.test/" in seen and problems == {}, f"{role} sees English:\n" + "\n".join(
        f"{url}: {found}" for url, found in problems.items())


def test_the_check_finds_an_untranslated_message():
    msgids = english_msgids()
    assert english_in(["Audit log"], msgids) == ["untranslated message 'Audit log'"]
    assert english_in(["审计日志"], msgids) == []
    assert english_in(visible_text("<body><p>用户 <span class='code-name'>display_name</span></p>"
                                   "<code>caller pressed 0</code></body>"), msgids) == []
    assert english_in(visible_text("<body><p>结果：caller pressed 0</p></body>"), msgids) != []


@pytest.mark.parametrize("keys, reason", [("0", "来电者按了0"), ("", "无输入")])
def test_simulator_outcome_is_in_chinese(demo, client, keys, reason):
    submit(client, "/auth/login", {"username": "teamlead", "password": DEMO_PASSWORD})
    # a Tuesday morning, Beijing time: the line is open and the menu waits for a key
    response = submit(client, "/ivr/simulator", {"line": "11185", "inputs": keys, "caller": "13900000002",
                                                 "when": "2026-03-03T10:00"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and reason in html
    assert english_in(visible_text(html), english_msgids()) == []
