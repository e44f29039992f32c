"""Defaults for every setting; an instance overrides them in ``instance/config.py``
and then through ``POSTLINE_*`` environment variables (``POSTLINE_DATABASE_URL``...).

Precedence, lowest first: these defaults, ``config.py`` in the instance folder,
``POSTLINE_<NAME>`` environment variables (typed by the setting's default here, so
``POSTLINE_WEB_PORT=8000`` is an int, ``POSTLINE_SKIP_BROKEN_PLUGINS=true`` a bool and
``POSTLINE_SECRET_KEY=12345`` stays text; see :func:`settings_from_environment`), and
last the dict given to ``create_app`` (tests).

The instance folder is ``instance/`` beside the ``app`` package in a source checkout (Flask's
rule; ``<prefix>/var/app-instance`` for an installed package). ``POSTLINE_INSTANCE_PATH``
points elsewhere, e.g. ``/etc/postline`` or one folder per site on a shared host; it is read
from the environment only, because it is needed before ``config.py`` can be found.
``postline init`` writes ``config.py`` with a random ``SECRET_KEY`` into that same folder.
``postgres://`` and ``postgresql://`` URLs are used with the psycopg 3 driver."""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

#: The key shipped in the code. ``create_app`` refuses to run in production with it,
#: because anyone who reads this file could forge a session cookie.
DEFAULT_SECRET_KEY = "postline-insecure-default-key"

SHIPPED_PLUGINS = ("postcode", "ems", "newspaper", "housingfund")


class Defaults:
    SECRET_KEY = DEFAULT_SECRET_KEY
    #: ``production`` (default) or ``development``. Production refuses the default key.
    ENV = "production"
    #: Empty means the embedded SQLite file ``instance/postline.sqlite``.
    DATABASE_URL = ""
    #: Allow-list of plugin names (comma-separated in the environment).
    PLUGINS = ",".join(SHIPPED_PLUGINS)
    #: Start even if a listed plugin fails to load (the failure is shown on the admin page).
    SKIP_BROKEN_PLUGINS = False
    #: Log every hook call, its arguments and results (``postline.plugins``, INFO).
    TRACE_PLUGINS = False

    TIMEZONE = "Asia/Shanghai"
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh_CN": "中文", "en": "English"}

    #: How passwords are hashed (a werkzeug method: ``scrypt``, ``pbkdf2:sha256:600000``);
    #: a new method applies to passwords set from then on, old hashes keep working.
    PASSWORD_HASH_METHOD = "scrypt"
    # Login lockout: this many failures inside the window lock the account for the window.
    LOGIN_MAX_FAILURES = 5
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: Set True behind HTTPS; plain-HTTP intranet installs would lose their login otherwise.
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=10)  # one shift plus overtime
    WTF_CSRF_TIME_LIMIT = None  # agents keep a form open for a whole call

    WEB_HOST = "127.0.0.1"
    WEB_PORT = 5000
    AGI_HOST = "127.0.0.1"
    AGI_PORT = 4573
    #: Calls served at once by one ``postline agi``; more are told BUSY and go to agents.
    AGI_MAX_CALLS = 500
    #: Seconds to wait for Asterisk's reply, beyond the command's own timeout.
    AGI_COMMAND_TIMEOUT = 60
    #: No call stays in the IVR longer than this (seconds); then it goes to an agent.
    AGI_CALL_DEADLINE = 1800
    #: Seconds a new connection has to send its AGI environment; until then it is not a
    #: call and takes none of the ``AGI_MAX_CALLS`` slots (Asterisk sends it at once).
    AGI_ENV_TIMEOUT = 5
    #: On SIGTERM, calls in progress get this long (seconds) before they go to agents.
    AGI_STOP_GRACE = 30
    # The worker's connection to the Asterisk Manager Interface (docs/cti.md).
    #: Asterisk's host; empty: AMI off (no live desk events; actions asked for fail).
    #: Asterisk's live queue_log file the worker follows every 5 s for the statistics;
    #: "" = not followed (load files with ``postline cti import-queue-log``).
    QUEUE_LOG_PATH = ""
    #: Asterisk's realtime queue_log table (an SQLAlchemy URL), read every 5 s; "" = off.
    QUEUE_LOG_TABLE_URL = ""
    QUEUE_LOG_TABLE = "queue_log"
    AMI_HOST = ""
    AMI_PORT = 5038
    #: The ``[postline]`` user of Asterisk's manager.conf and its secret.
    AMI_USERNAME = "postline"
    AMI_SECRET = ""
    #: Seconds before reconnecting after a failure: the minimum, doubled after each further
    #: failure up to the maximum, and back to the minimum after a successful login.
    AMI_RETRY_MIN = 1.0
    AMI_RETRY_MAX = 60.0
    #: While Asterisk is not connected, an action asked for by a page fails after this long
    #: (seconds), so the page can say so instead of waiting.
    AMI_ACTION_EXPIRY = 30.0
    #: How often the worker looks for new actions to send (seconds).
    AMI_POLL_SECONDS = 0.3
    #: Seconds Asterisk has to answer an action; no answer means the connection is broken.
    AMI_RESPONSE_TIMEOUT = 10.0
    #: The link's "last event" time is written at most this often (seconds).
    AMI_TOUCH_SECONDS = 5.0
    #: Seconds between the worker's checks that it still holds the site's scheduler lock
    #: (on PostgreSQL the lock goes with its connection); a lost lock pauses the jobs.
    WORKER_LOCK_CHECK_SECONDS = 30
    #: Days after closing within which a work order may be reopened (the customer calls
    #: back); later, a new order is registered.
    TICKET_REOPEN_DAYS = 7
    #: The business calendar (by name) on which work order deadlines are counted; while no
    #: calendar has that name, Monday to Friday 08:30-12:00,13:30-17:30 with China's
    #: statutory holidays and 调休 days (docs/work-orders.md, "Deadlines").
    TICKET_CALENDAR = "工单"
    #: An order is "due soon" when at most this many working hours, or at most this share
    #: (percent) of its allowed time, are left.
    TICKET_DUE_SOON_HOURS = 4
    TICKET_DUE_SOON_PERCENT = 20
    #: Working hours after the first escalation (the department's team leads and head) when
    #: an order still overdue goes one level up (the centre's managers).
    TICKET_ESCALATE_AGAIN_HOURS = 8
    #: How often the worker looks for overdue orders (minutes).
    TICKET_ESCALATION_MINUTES = 5
    #: The largest file a work order accepts as an attachment (MB).
    TICKET_ATTACHMENT_MAX_MB = 10
    #: Work order attachments. Empty means ``<instance>/attachments``; relative is in the instance.
    TICKET_ATTACHMENTS_DIR = ""
    #: Tries of a call-back task before it is closed as unreachable, and the wait (minutes)
    #: before the next try after one that did not reach the customer.
    TICKET_CALLBACK_ATTEMPTS = 3
    TICKET_CALLBACK_RETRY_MINUTES = 60
    #: Callers waiting for us (abandoned or timed-out queue calls, "call me back" in the
    #: IVR, voice messages called back; docs/callbacks.md): tries before a task is closed
    #: as unreachable, and the minutes between two tries.
    CALLBACK_ATTEMPTS = 3
    CALLBACK_RETRY_MINUTES = 30
    #: A caller who hung up in the queue sooner than this (seconds) is not called back: a
    #: short abandon (a wrong number, a change of mind), as the service level ignores it.
    CALLBACK_SHORT_ABANDON_SECONDS = 5
    #: Tasks the worker gives one ready agent at a time (he may take more from the pool).
    CALLBACK_PER_AGENT = 1
    #: The dialplan context click-to-call's Originate sends the answered agent's phone to
    #: (dialplan/extensions_postline.conf), the number being the extension.
    CALLBACK_DIAL_CONTEXT = "postline-click-to-call"

    # The agent desk (docs/agent-desk.md).
    #: After-call work ends by itself after this many seconds (the agent is made ready
    #: again); 0: it lasts until the agent ends it. ACW_LIMIT_BY_QUEUE overrides it per
    #: queue: "postline-complaint=180,postline-12329=90".
    ACW_LIMIT_SECONDS = 60
    ACW_LIMIT_BY_QUEUE = ""

    # Statistics (docs/statistics.md).
    #: A call answered within this many seconds of waiting counts within the service
    #: level; SERVICE_LEVEL_BY_QUEUE overrides it per queue: "postline-complaint=30".
    SERVICE_LEVEL_SECONDS = 20
    SERVICE_LEVEL_BY_QUEUE = ""
    #: The 12329 housing-fund line's queues (comma list), whose figures the
    #: ``housingfund-12329`` report gives as seed 004 §3.3 asks: the sample dialplan's.
    HOUSINGFUND_QUEUES = "postline-12329,postline-12329-loan,postline-12329-account"
    #: The wallboard's targets (docs/wallboard.md): a figure is green when it meets its
    #: queue's target, amber when it misses it by a little, red beyond. Each has a
    #: "_BY_QUEUE" list like SERVICE_LEVEL_BY_QUEUE. Rates in percent, waits in seconds.
    WALLBOARD_SERVICE_LEVEL_TARGET = 80
    WALLBOARD_SERVICE_LEVEL_TARGET_BY_QUEUE = ""
    WALLBOARD_ANSWER_RATE_TARGET = 90
    WALLBOARD_ANSWER_RATE_TARGET_BY_QUEUE = ""
    WALLBOARD_WAITING_TARGET = 3
    WALLBOARD_WAITING_TARGET_BY_QUEUE = ""
    WALLBOARD_LONGEST_WAIT_TARGET = 60
    WALLBOARD_LONGEST_WAIT_TARGET_BY_QUEUE = ""
    #: A rate this many percentage points below its target is amber, further below red
    #: (a count or a wait is amber up to twice its target).
    WALLBOARD_AMBER_MARGIN = 10
    #: Seconds between the wallboard's snapshots (sooner when an agent or queue changes).
    WALLBOARD_REFRESH_SECONDS = 5

    # The citizens' self-service pages under /public (docs/self-service.md).
    #: Off: every page under /public answers 404.
    SELFSERVICE_ENABLED = True
    #: Per IP address, flask-limiter's notation ("10 per hour;30 per day"); every POST of
    #: the form counts, refused ones included.
    SELFSERVICE_SUBMIT_LIMIT = "10 per hour;30 per day"
    SELFSERVICE_STATUS_LIMIT = "30 per hour"
    #: Largest attachment accepted, in bytes.
    SELFSERVICE_MAX_ATTACHMENT = 5 * 1024 * 1024
    #: Where flask-limiter counts: ``memory://`` (one process) or, with several gunicorn
    #: workers, a shared ``redis://127.0.0.1:6379``.
    RATELIMIT_STORAGE_URI = "memory://"
    #: The last hour, not the clock's hour: a limit cannot be doubled across a boundary.
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_ENABLED = True
    #: Redis unreachable: count in memory meanwhile instead of refusing citizens.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    AGI_LOG_LEVEL = "INFO"  # DEBUG shows the protocol, PINs masked
    #: The hotline used when the dialplan names none and the dialled number says nothing.
    IVR_DEFAULT_LINE = ""
    #: The centre's own area code (``591`` for Fuzhou): a caller's local number, sent by the
    #: exchange without it, is read as this city's for routing by region (``core.region``).
    LOCAL_AREA_CODE = ""
    #: Voice messages recorded by the IVR. Empty means ``<instance>/recordings``.
    IVR_RECORDINGS_DIR = ""
    #: Recordings of answered calls (Asterisk's MixMonitor, ``<dir>/YYYY/MM/DD/<uniqueid>.wav``:
    #: docs/quality.md). Empty means ``<instance>/recordings``; relative is in the instance.
    RECORDINGS_DIR = ""
    #: Sound files of the IVR prompts (`postline prompts build`). Empty means
    #: ``<instance>/sounds``; a relative path is taken inside the instance folder.
    SOUNDS_DIR = ""
    #: What the IVR puts before a prompt's name for Asterisk (``dialplan/README.md``,
    #: "Prompts"). ``None``: SOUNDS_DIR's absolute path (Asterisk on this host reads it);
    #: relative (``"postline"``, or ``""``): inside Asterisk's own sounds folder, e.g. a link
    #: to SOUNDS_DIR; absolute: SOUNDS_DIR as Asterisk's host sees it (a shared mount).
    SOUNDS_PREFIX: str | None = None
    #: Asterisk's sounds folder (``astsoundsdir``), for ``postline prompts check``.
    ASTERISK_SOUNDS_DIR = "/var/lib/asterisk/sounds"

    # The report inbox and scheduled deliveries (docs/report_inbox.md).
    #: Days a built report stays in its owner's inbox before the worker deletes it.
    REPORT_INBOX_DAYS = 30
    #: A build that has shown no sign of life for this long (minutes) lost its worker: it is
    #: queued again, or failed once it has been tried REPORT_RUN_ATTEMPTS times.
    REPORT_RUN_TIMEOUT_MINUTES = 30
    REPORT_RUN_ATTEMPTS = 2
    #: The hour (the centre's time) at which subscriptions deliver the previous day, week
    #: (on Mondays) or month (on the 1st).
    REPORT_DELIVERY_HOUR = 6

    # Messages to customers and staff (docs/notifications.md).
    #: The notifier serving each channel, by name (``postline_notifiers``); empty: channel off.
    NOTIFY_SMS = "core.sms_outbox"
    NOTIFY_EMAIL = "core.smtp"
    #: The SMS outbox folder; empty means ``<instance>/outbox/sms``, relative is in the instance.
    NOTIFY_SMS_OUTBOX = ""
    #: Tries of one message before it is given up, and the wait after the first failed one
    #: (seconds; doubled after each further failure).
    NOTIFY_MAX_ATTEMPTS = 6
    NOTIFY_RETRY_SECONDS = 300
    #: E-mail is off while SMTP_HOST is empty.
    SMTP_HOST = ""
    SMTP_PORT = 587
    SMTP_STARTTLS = True
    SMTP_USER = ""
    SMTP_PASSWORD = ""
    #: The sender address; empty: SMTP_USER.
    SMTP_FROM = ""
    SMTP_TIMEOUT = 30

    # Live pages (screen pop, agent states) by server-sent events (docs/agent-desk.md).
    #: How a web process learns of new live events: "" chooses (Redis when LIVE_REDIS_URL
    #: is set, else PostgreSQL LISTEN/NOTIFY on PostgreSQL, else polling), or one of
    #: "redis", "postgresql", "poll".
    LIVE_BACKEND = ""
    #: Redis pub/sub for the wake-ups (``redis://127.0.0.1:6379/0``); empty: not used.
    LIVE_REDIS_URL = ""
    #: Polling backend: how often (seconds) one thread per web process looks for new events
    #: (the pop must reach the agent within a second, its fetch included).
    LIVE_POLL_SECONDS = 0.5
    #: A comment line on every idle stream this often (seconds): keeps proxies from closing
    #: it and finds browsers that went away.
    LIVE_HEARTBEAT_SECONDS = 15.0
    #: A stream ends after this long (seconds) and the browser reconnects where it stopped
    #: (Last-Event-ID): a restarted web process is never left with hour-old requests.
    LIVE_STREAM_MAX_SECONDS = 3600.0
    #: Live events are kept this long (hours), then the worker forgets them.
    LIVE_KEEP_HOURS = 24.0
    #: Threads per gunicorn web worker: each open live stream holds one while it waits.
    WEB_THREADS = 64


class SettingError(ValueError):
    """An environment variable holds a value its setting cannot take (one line: which
    variable, what was expected, what it held)."""


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def settings_from_environment(environ: Mapping[str, str], prefix: str,
                              defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The ``<prefix><NAME>`` variables of ``environ`` as settings, each typed by its
    default: a text default keeps the raw text (``POSTLINE_SECRET_KEY=12345`` is the string
    ``"12345"``), a bool, int, float or timedelta default (seconds) is parsed, and a bad
    value is a :class:`SettingError`. A setting with no default (or a ``None``, list or dict
    one) is read as JSON, falling back to the text. ``NAME__KEY`` sets one key of a dict
    setting, as Flask's ``from_prefixed_env`` does."""
    found: dict[str, Any] = {}
    for variable in sorted(environ):
        if not variable.startswith(prefix):
            continue
        name, raw = variable[len(prefix):], environ[variable]
        if "__" not in name:
            found[name] = typed_value(variable, raw, defaults.get(name))
            continue
        head, *keys = name.split("__")
        current = found.setdefault(head, dict(defaults.get(head) or {}))
        for key in keys[:-1]:
            current = current.setdefault(key, {})
        current[keys[-1]] = typed_value(variable, raw, None)
    return found


def typed_value(variable: str, raw: str, default: Any) -> Any:
    """``raw`` as a value of ``default``'s type (see :func:`settings_from_environment`)."""
    if isinstance(default, str):
        return raw
    if isinstance(default, bool):
        word = raw.strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise SettingError(f"{variable}: expected true or false, got {raw!r}")
    if isinstance(default, (int, float, timedelta)):
        kind = int if isinstance(default, int) else float
        try:
            number = kind(raw.strip())
        except ValueError:
            expected = "a whole number" if kind is int else "a number"
            raise SettingError(f"{variable}: expected {expected}"
                               f"{' of seconds' if isinstance(default, timedelta) else ''}, "
                               f"got {raw!r}") from None
        return timedelta(seconds=number) if isinstance(default, timedelta) else number
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(default, (list, dict)) and not isinstance(value, type(default)):
        raise SettingError(f"{variable}: expected a JSON {type(default).__name__}, got {raw!r}")
    return value
