"""Demonstration customers at real postcodes (two of them VIP)."""
from __future__ import annotations

from sqlalchemy import select

from app.customers.models import Customer
from app.extensions import db

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
    """Adds the customers whose phone number is not there yet."""
    added = 0
    phones = set(db.session.scalars(select(Customer.phone)))
    for name, kind, phone, address, postcode, vip in CUSTOMERS:
        if phone not in phones:
            db.session.add(Customer(name=name, kind=kind, phone=phone, address=address,
                                    postcode=postcode, vip=vip))
            added += 1
    db.session.commit()
    return {"customers": added}
