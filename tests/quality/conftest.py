"""Answered desk calls (written directly: the desk writes them on AgentConnect), their
recordings in a temporary RECORDINGS_DIR, a scoring template, and clients logged in as
the people of the quality pages."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.agents.models import DeskCall
from app.extensions import db
from app.quality.models import QualityCriterion, QualityTemplate

#: A caller channel created 2026-12-02 10:00:47 in Shanghai (02:00:47 UTC).
UNIQUEID = "1796176847.18"
ANSWERED = datetime(2026, 12, 2, 2, 1)


@pytest.fixture
def recordings(app, tmp_path: Path) -> Path:
    folder = tmp_path / "recordings"
    folder.mkdir()
    app.config["RECORDINGS_DIR"] = str(folder)
    return folder


@pytest.fixture
def record(recordings: Path) -> Callable[..., Path]:
    """``record(uniqueid, data)`` → the file MixMonitor would have written for that channel."""

    def write(uniqueid: str, data: bytes = b"RIFF" + bytes(range(256)) * 4, day: str = "2026/12/02") -> Path:
        path = recordings / day / f"{uniqueid}.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def make_call(app) -> Callable[..., DeskCall]:
    """``make_call(agent, **fields)`` → an answered desk call of that agent."""
    counter = iter(range(100, 10_000))

    def make(agent: Any, **fields: Any) -> DeskCall:
        n = next(counter)
        values: dict[str, Any] = {"agent_id": agent.id, "uniqueid": f"1796176847.{n}", "queue": "postline-11185",
                                  "caller": f"1380013{n:04d}", "offered_at": ANSWERED - timedelta(seconds=5),
                                  "answered_at": ANSWERED, "talk_s": 192}
        values.update(fields)
        call = DeskCall(**values)
        db.session.add(call)
        db.session.commit()
        return call

    return make


@pytest.fixture
def template(app) -> QualityTemplate:
    """Three criteria: 20 + 30 points and a critical one of 10."""
    made = QualityTemplate(name="通用服务质检表", criteria=[
        QualityCriterion(group="服务规范", text="标准开场白", max_points=20, position=1),
        QualityCriterion(group="业务能力", text="答复准确", max_points=30, position=2),
        QualityCriterion(group="红线", text="未泄露客户信息", max_points=10, critical=True, position=3),
    ])
    db.session.add(made)
    db.session.commit()
    return made



@pytest.fixture
def people(make_user) -> dict[str, Any]:
    return {"inspector": make_user("qa", username="qa-li"), "lead": make_user("teamlead", username="lead-wang"),
            "agent": make_user("agent", username="agent-zhang"), "other": make_user("agent", username="agent-chen")}
