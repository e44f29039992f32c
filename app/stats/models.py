"""The statistics' tables: one fact per queued call (per call and queue it entered) and the
hourly roll-ups every report reads.

A roll-up row holds only sums and counts (never a rate), so any period is the sum of its
hours and every rate is recomputed from the sums. Each row carries its hour in the
centre's zone and the day, ISO week (its Monday), month (its first day) and year that hour
belongs to, so a report groups by any period with plain SQL on SQLite and PostgreSQL alike.
The ingest keeps them up to date as lines arrive (:mod:`app.stats.rollup`); a late or
corrected line moves its call's contribution, never a nightly rebuild."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

#: How a queued call ended (``QueueCall.outcome``); "" while it waits.
ANSWERED, ABANDONED, TIMEOUT, EXITKEY, EXITEMPTY = "answered", "abandoned", "timeout", "exitkey", "exitempty"
#: Written by our dialplan (Asterisk logs nothing when it refuses a caller): the queue was
#: full, had no members to join, or the line was closed.
FULL, JOINEMPTY, CLOSED = "full", "joinempty", "closed"
OUTCOMES = (ANSWERED, ABANDONED, TIMEOUT, EXITKEY, EXITEMPTY, FULL, JOINEMPTY, CLOSED)

#: Upper edges (seconds) of the answer-time and abandon-time bands the roll-ups count.
ANSWER_BANDS = (10, 20, 30, 60, 120)
ABANDON_BANDS = (10, 30, 60, 120)


class PeriodColumns:
    """The hour a row counts in (the centre's local time, naive) and the periods it is in."""

    hour: Mapped[datetime] = mapped_column()
    day: Mapped[date] = mapped_column()
    week: Mapped[date] = mapped_column()
    month: Mapped[date] = mapped_column()
    year: Mapped[int] = mapped_column()
    hour_of_day: Mapped[int] = mapped_column()
    weekday: Mapped[int] = mapped_column()   # ISO: 1 Monday … 7 Sunday


class QueueCall(db.Model):
    """One call in one queue: what the statistics count. ``callid`` is Asterisk's (the
    caller channel's uniqueid); ``segment`` numbers the queues one call went through, so a
    caller moved through two queues is one call (``segment == 0``) in the totals.

    ``counted`` is false for a call whose ENTERQUEUE has not been read yet (its later lines
    came first): it adds nothing until the entry line arrives."""

    __tablename__ = "stats_queue_call"
    __table_args__ = (UniqueConstraint("callid", "queue", "segment", name="uq_stats_queue_call"),
                      Index("ix_stats_queue_call_entered", "entered_at"),
                      Index("ix_stats_queue_call_agent", "agent", "entered_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    callid: Mapped[str] = mapped_column(String(64))   # found through uq_stats_queue_call
    queue: Mapped[str] = mapped_column(String(64))
    segment: Mapped[int] = mapped_column(default=0)
    counted: Mapped[bool] = mapped_column(default=True)
    entered_at: Mapped[datetime] = mapped_column()          # UTC
    caller: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(16), default="")
    agent: Mapped[str] = mapped_column(String(128), default="")
    hold_s: Mapped[int] = mapped_column(default=0)           # wait until answered or left
    talk_s: Mapped[int] = mapped_column(default=0)
    ring_s: Mapped[int] = mapped_column(default=0)
    acw_s: Mapped[int | None] = mapped_column()               # set by the agent's ACW pause
    completed: Mapped[bool] = mapped_column(default=False)    # COMPLETE* or a transfer
    ended_by: Mapped[str] = mapped_column(String(16), default="")  # agent / caller / transfer
    position: Mapped[int] = mapped_column(default=0)          # position when it left
    entry_position: Mapped[int] = mapped_column(default=0)
    exit_key: Mapped[str] = mapped_column(String(8), default="")
    ringnoanswer: Mapped[int] = mapped_column(default=0)      # offers no agent took


class QueueHour(PeriodColumns, db.Model):
    """One queue's calls that entered it in one hour, as sums (see :mod:`app.stats.metrics`
    for the figures made of them)."""

    __tablename__ = "stats_queue_hour"
    __table_args__ = (UniqueConstraint("hour", "queue", name="uq_stats_queue_hour"),
                      Index("ix_stats_queue_hour_day", "day", "queue"))

    id: Mapped[int] = mapped_column(primary_key=True)
    queue: Mapped[str] = mapped_column(String(64))
    received: Mapped[int] = mapped_column(default=0)
    calls: Mapped[int] = mapped_column(default=0)             # received as a call's first queue
    answered: Mapped[int] = mapped_column(default=0)
    abandoned: Mapped[int] = mapped_column(default=0)
    timeout: Mapped[int] = mapped_column(default=0)
    exitkey: Mapped[int] = mapped_column(default=0)
    exitempty: Mapped[int] = mapped_column(default=0)
    full: Mapped[int] = mapped_column(default=0)
    joinempty: Mapped[int] = mapped_column(default=0)
    closed: Mapped[int] = mapped_column(default=0)
    transferred: Mapped[int] = mapped_column(default=0)
    sl_answered: Mapped[int] = mapped_column(default=0)       # answered within the queue's threshold
    answered_10: Mapped[int] = mapped_column(default=0)       # answered within 10 s, etc.
    answered_20: Mapped[int] = mapped_column(default=0)
    answered_30: Mapped[int] = mapped_column(default=0)
    answered_60: Mapped[int] = mapped_column(default=0)
    answered_120: Mapped[int] = mapped_column(default=0)
    abandoned_10: Mapped[int] = mapped_column(default=0)      # abandoned within 10 s of waiting, etc.
    abandoned_30: Mapped[int] = mapped_column(default=0)
    abandoned_60: Mapped[int] = mapped_column(default=0)
    abandoned_120: Mapped[int] = mapped_column(default=0)
    hold_s: Mapped[int] = mapped_column(default=0)            # of answered calls
    abandon_wait_s: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    talk_s: Mapped[int] = mapped_column(default=0)            # of completed calls
    acw_calls: Mapped[int] = mapped_column(default=0)
    acw_s: Mapped[int] = mapped_column(default=0)
    ringnoanswer: Mapped[int] = mapped_column(default=0)


class AgentHour(PeriodColumns, db.Model):
    """One agent's (queue_log's agent column: member name or interface) hour: the calls he
    answered that entered in it, and his logged-in, paused and busy seconds within it."""

    __tablename__ = "stats_agent_hour"
    __table_args__ = (UniqueConstraint("hour", "agent", "queue", name="uq_stats_agent_hour"),
                      Index("ix_stats_agent_hour_day", "day", "agent"))

    id: Mapped[int] = mapped_column(primary_key=True)
    agent: Mapped[str] = mapped_column(String(128))
    queue: Mapped[str] = mapped_column(String(64), default="")  # "" for session figures
    answered: Mapped[int] = mapped_column(default=0)
    hold_s: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    talk_s: Mapped[int] = mapped_column(default=0)
    acw_calls: Mapped[int] = mapped_column(default=0)
    acw_s: Mapped[int] = mapped_column(default=0)
    ringnoanswer: Mapped[int] = mapped_column(default=0)
    transferred: Mapped[int] = mapped_column(default=0)
    login_s: Mapped[int] = mapped_column(default=0)
    pause_s: Mapped[int] = mapped_column(default=0)           # every pause, ACW included


class AgentPauseHour(PeriodColumns, db.Model):
    """An agent's paused seconds in one hour for one reason ("" when none was given)."""

    __tablename__ = "stats_agent_pause_hour"
    __table_args__ = (UniqueConstraint("hour", "agent", "reason", name="uq_stats_agent_pause_hour"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(String(64), default="")
    pauses: Mapped[int] = mapped_column(default=0)
    pause_s: Mapped[int] = mapped_column(default=0)


class AgentState(db.Model):
    """Where each agent's session stands after the lines read so far, so the next batch
    continues an open login or pause (only closed intervals are counted)."""

    __tablename__ = "stats_agent_state"

    agent: Mapped[str] = mapped_column(String(128), primary_key=True)
    logged_in_since: Mapped[datetime | None] = mapped_column()   # UTC
    queues: Mapped[str] = mapped_column(String(1000), default="")  # "|"-joined member queues
    paused_since: Mapped[datetime | None] = mapped_column()      # UTC
    pause_reason: Mapped[str] = mapped_column(String(64), default="")
    last_epoch: Mapped[int] = mapped_column(default=0)
