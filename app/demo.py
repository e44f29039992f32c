"""Demonstration data for a new install: one user per role, the departments a postal
centre routes work orders to, a few customers at real postcodes, and the 11185 and 12329
hotlines with their default IVR flows (:mod:`app.ivr.default_flows`)."""
from __future__ import annotations

from sqlalchemy import select

from app.auth.models import User
from app.auth.roles import ROLES
from app.customers.models import Customer
from app.extensions import db
from app.tickets.models import Department

DEMO_PASSWORD = "postline"

DEPARTMENTS = [
    ("service", "客户服务中心"),
    ("ems", "速递物流部"),
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

# name, kind, phone, address, postcode, vip
CUSTOMERS = [
    ("张伟", "person", "13800000001", "北京市东城区东四十条22号", "100010", False),
    ("王芳", "person", "13800000002", "上海市黄浦区南京东路100号", "200001", True),
    ("李娜", "person", "13800000003", "广东省广州市越秀区中山五路", "510030", False),
    ("刘洋", "person", "13800000004", "四川省成都市锦江区春熙路", "610021", False),
    ("陈静", "person", "13800000005", "湖北省武汉市江汉区解放大道", "430015", False),
    ("杨光", "person", "13800000006", "浙江省杭州市西湖区文三路", "310012", False),
    ("示例商贸有限公司", "company", "01065000000", "北京市西城区金融大街", "100032", True),
    ("赵磊", "person", "13800000008", "福建省漳州市华安县", "363800", False),
]


def load() -> dict[str, int]:
    """Adds what is missing; running it twice adds nothing the second time."""
    counts = {"departments": 0, "users": 0, "customers": 0}
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
    phones = set(db.session.scalars(select(Customer.phone)))
    for name, kind, phone, address, postcode, vip in CUSTOMERS:
        if phone not in phones:
            db.session.add(Customer(name=name, kind=kind, phone=phone, address=address,
                                    postcode=postcode, vip=vip))
            counts["customers"] += 1
    db.session.commit()
    from app.ivr import default_flows

    counts.update(default_flows.load())
    return counts
