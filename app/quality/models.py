"""The quality room's tables: scoring templates with their weighted criteria, the scores
given to answered calls (with the criteria copied in, so a later edit of the template never
changes an old score), the appeal each score may carry, and the sampling rules with the
weekly lists of calls they draw.

A score belongs to one desk call (one agent answering one call): the desk call says who
answered and what the call was about; the recording is found by its caller channel's
uniqueid (:mod:`app.quality.recordings`)."""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.agents.models import DeskCall
from app.audit.editing import Edited
from app.audit.models import Audited
from app.auth.models import User
from app.extensions import db
from app.timeutil import utcnow

# A score's states: given; disputed by the agent; the appeal answered either way.
SCORED, APPEALED, UPHELD, REVISED = "scored", "appealed", "upheld", "revised"
STATES = (SCORED, APPEALED, UPHELD, REVISED)

# Sampling rules.
RANDOM, COMPLAINTS = "random", "complaints"
RULE_KINDS = (RANDOM, COMPLAINTS)


class QualityTemplate(Edited, Audited, db.Model):
    """A scoring form (质检表). ``version`` goes up with every change of its criteria; a
    score records the version it was given with."""

    __tablename__ = "quality_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    criteria: Mapped[list[QualityCriterion]] = relationship(
        order_by="(QualityCriterion.position, QualityCriterion.id)", back_populates="template",
        cascade="all, delete-orphan")


class QualityCriterion(Audited, db.Model):
    """One line of a template: its ``group`` (服务态度, 业务能力...), what is checked,
    ``max_points`` (its weight in the score) and whether it is ``critical``: a critical
    item not met makes the whole score 0, whatever the other items got."""

    __tablename__ = "quality_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("quality_template.id"), index=True)
    group: Mapped[str] = mapped_column("criterion_group", String(64), default="")
    text: Mapped[str] = mapped_column(String(255))
    max_points: Mapped[int] = mapped_column(default=10)
    critical: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(default=100)

    template: Mapped[QualityTemplate] = relationship(back_populates="criteria")


class QualityScore(Edited, Audited, db.Model):
    """A call's score. ``items`` is JSON, the criteria as they were when scored with the
    points and comment each got: ``[{"group", "text", "max", "critical", "points",
    "comment"}]``; ``score`` is 0–100. The appeal's fields are stamped at each step."""

    __tablename__ = "quality_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    desk_call_id: Mapped[int] = mapped_column(ForeignKey("desk_call.id"), unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("quality_template.id"))
    template_name: Mapped[str] = mapped_column(String(100), default="")
    template_version: Mapped[int] = mapped_column(default=1)
    items: Mapped[str] = mapped_column(Text, default="[]")
    score: Mapped[int] = mapped_column(default=0)
    critical_failed: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default=SCORED, index=True)
    scored_by: Mapped[str] = mapped_column(String(100), default="")
    scored_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    appeal_reason: Mapped[str] = mapped_column(Text, default="")
    appealed_at: Mapped[datetime | None] = mapped_column()
    appeal_answer: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str] = mapped_column(String(100), default="")
    answered_at: Mapped[datetime | None] = mapped_column()

    desk_call: Mapped[DeskCall] = relationship()
    agent: Mapped[User] = relationship(foreign_keys=[agent_id])

    @property
    def item_list(self) -> list[dict[str, Any]]:
        return json.loads(self.items or "[]")


class SampleRule(Audited, db.Model):
    """A team lead's rule for the weekly list of calls to score: ``random`` draws
    ``per_agent`` answered calls of each agent, ``complaints`` takes every call summarised
    as a complaint. ``queue`` limits the rule to one queue ("" for all)."""

    __tablename__ = "quality_sample_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16), default=RANDOM)
    per_agent: Mapped[int] = mapped_column(default=5)
    queue: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SampleItem(Audited, db.Model):
    """A call drawn for scoring in the week starting ``week`` (a Monday, the centre's
    calendar), by ``rule_id``. A call is drawn at most once a week, whichever rule came first."""

    __tablename__ = "quality_sample_item"
    __table_args__ = (UniqueConstraint("week", "desk_call_id", name="uq_quality_sample_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[date] = mapped_column(Date, index=True)
    desk_call_id: Mapped[int] = mapped_column(ForeignKey("desk_call.id"))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("quality_sample_rule.id"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    drawn_at: Mapped[datetime] = mapped_column(default=utcnow)
    drawn_by: Mapped[str] = mapped_column(String(100), default="")

    desk_call: Mapped[DeskCall] = relationship()
    rule: Mapped[SampleRule | None] = relationship()
