"""Agents with an extension and skills, and the pause reasons a centre would have."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.agents.models import AgentProfile, AgentSkill, PauseReason
from app.extensions import db


@pytest.fixture
def pause_reasons(app) -> dict[str, PauseReason]:
    made = {code: PauseReason(code=code, name=name, limit_minutes=limit, counts_as_work=work)
            for code, name, limit, work in (("meal", "用餐", 30, False), ("training", "培训", None, True),
                                            ("ACW", "话后处理", 2, True))}
    db.session.add_all(made.values())
    db.session.commit()
    return made


@pytest.fixture
def make_agent(app, make_user) -> Callable[..., Any]:
    """``make_agent("8001", queues={"postline-11185": 0})`` → an agent user with the member
    interface ``PJSIP/8001`` in those queues (queue → penalty)."""

    def make(extension: str = "8001", queues: dict[str, int] | None = None, **user_fields: Any):
        user = make_user("agent", username=user_fields.get("username", f"agent{extension}"))
        db.session.add(AgentProfile(user_id=user.id, interface=f"PJSIP/{extension}", extension=extension))
        for queue, penalty in (queues if queues is not None else {"postline-11185": 0}).items():
            db.session.add(AgentSkill(user_id=user.id, queue=queue, penalty=penalty))
        db.session.commit()
        return user

    return make

