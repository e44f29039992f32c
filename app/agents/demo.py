"""``postline demo load`` for the desk: the demo agent and team lead (:mod:`app.auth.demo`)
get phones ``PJSIP/8001`` and ``PJSIP/8002`` in the queues of
``dialplan/queues.conf.sample`` (no member name, as that file advises), and the centre gets its usual pause reasons, ACW (after-call
work, the dialplan's reason) among them. Running it twice adds nothing the second time."""
from __future__ import annotations

from sqlalchemy import select

from app.agents.models import ACW_REASON, AgentProfile, AgentSkill, PauseReason
from app.auth.models import User
from app.extensions import db

#: username → (extension, {queue: penalty}); the team lead takes overflow at a higher penalty.
AGENTS = {
    "agent": ("8001", {"postline-11185": 0, "postline-ems": 0, "postline-press": 1, "postline-complaint": 1}),
    "teamlead": ("8002", {"postline-11185": 5, "postline-complaint": 0, "postline-12329": 5}),
}

#: code, name, limit (minutes), counts as working time, order.
PAUSE_REASONS = [
    (ACW_REASON, "话后处理", 2, True, 10),
    ("meal", "用餐", 30, False, 20),
    ("break", "休息", 15, False, 30),
    ("training", "培训", None, True, 40),
    ("meeting", "会议", None, True, 50),
]


def load() -> dict[str, int]:
    counts = {"pause reasons": 0, "agents": 0}
    known = set(db.session.scalars(select(PauseReason.code)))
    for code, name, limit, work, weight in PAUSE_REASONS:
        if code not in known:
            db.session.add(PauseReason(code=code, name=name, limit_minutes=limit, counts_as_work=work, weight=weight))
            counts["pause reasons"] += 1
    for username, (extension, queues) in AGENTS.items():
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None or db.session.get(AgentProfile, user.id) is not None:
            continue
        db.session.add(AgentProfile(user_id=user.id, interface=f"PJSIP/{extension}", extension=extension))
        db.session.flush()
        db.session.add_all(AgentSkill(user_id=user.id, queue=queue, penalty=penalty) for queue, penalty in queues.items())
        counts["agents"] += 1
    db.session.commit()
    return counts
