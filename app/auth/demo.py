"""Demonstration staff for a new install: the departments a postal centre routes work orders
to, and one user of every role (password :data:`DEMO_PASSWORD`)."""
from __future__ import annotations

from sqlalchemy import select

from app.auth.models import Department, User
from app.auth.roles import ROLES
from app.extensions import db

DEMO_PASSWORD = "postline"

DEPARTMENTS = [
    ("service", "客户服务中心"),
    ("ems", "速递物流部"),
    ("delivery", "投递部"),
    ("press", "报刊发行局"),
    ("philately", "集邮业务部"),
    ("finance", "邮政储蓄与汇兑部"),
    ("mailorder", "电子商务(邮购)部"),
    ("fund", "住房公积金管理中心"),
]

DISPLAY_NAMES = {
    "agent": "话务员 小王",
    "backoffice": "后台 李姐",
    "teamlead": "班长 陈明",
    "qa": "质检 周丽",
    "manager": "主任 赵刚",
    "admin": "系统管理员",
}

USER_DEPARTMENTS = {"agent": "service", "teamlead": "service", "qa": "service", "backoffice": "ems"}


def load() -> dict[str, int]:
    """Adds what is missing; running it twice adds nothing the second time."""
    counts = {"departments": 0, "users": 0}
    departments = {d.code: d for d in db.session.scalars(select(Department))}
    for code, name in DEPARTMENTS:
        if code not in departments:
            departments[code] = Department(code=code, name=name)
            db.session.add(departments[code])
            counts["departments"] += 1
    db.session.flush()
    existing = set(db.session.scalars(select(User.username)))
    for role in ROLES:
        if role in existing:
            continue
        user = User(username=role, display_name=DISPLAY_NAMES[role], locale="zh_CN")
        user.set_password(DEMO_PASSWORD)
        user.set_roles({role})
        if role in USER_DEPARTMENTS:
            user.department_id = departments[USER_DEPARTMENTS[role]].id
        db.session.add(user)
        counts["users"] += 1
    db.session.commit()
    return counts
