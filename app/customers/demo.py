"""Demonstration customers at real places: several phones, addresses with their postcodes,
tags, two VIPs and a blacklisted caller."""
from __future__ import annotations

from sqlalchemy import select

from app.customers.models import Customer, CustomerAddress, CustomerNote, CustomerPhone
from app.customers.phones import national_digits
from app.extensions import db

# name, kind, phones, (province, city, county, detail, postcode), vip, blacklisted, tags, account
CUSTOMERS = [
    ("张伟", "person", ("13800000001", "010-64001234"), ("北京市", "北京市", "东城区", "东四十条22号", "100010"),
     False, False, "常客", ""),
    ("王芳", "person", ("13800000002",), ("上海市", "上海市", "黄浦区", "南京东路100号", "200001"),
     True, False, "VIP 投诉过", "6217000012345678"),
    ("李娜", "person", ("13800000003", "020-83001234"), ("广东省", "广州市", "越秀区", "中山五路1号", "510030"),
     False, False, "", ""),
    ("刘洋", "person", ("13800000004",), ("四川省", "成都市", "锦江区", "春熙路8号", "610021"),
     False, False, "集邮", ""),
    ("陈静", "person", ("13800000005",), ("湖北省", "武汉市", "江汉区", "解放大道690号", "430015"),
     False, False, "", ""),
    ("杨光", "person", ("13800000006", "13900000006"), ("浙江省", "杭州市", "西湖区", "文三路90号", "310012"),
     False, False, "电商卖家", "ZJ-2026-0006"),
    ("示例商贸有限公司", "company", ("01065000000", "01065000001", "13800000007"),
     ("北京市", "北京市", "西城区", "金融大街7号", "100032"), True, False, "大客户 协议客户", "KH-100032-01"),
    ("赵磊", "person", ("13800000008",), ("福建省", "漳州市", "华安县", "华丰镇", "363800"),
     False, False, "", ""),
    ("骚扰来电", "person", ("13100000000",), None, False, True, "", ""),
]


def load() -> dict[str, int]:
    """Adds the customers none of whose phone numbers is there yet."""
    added = 0
    known = set(db.session.scalars(select(CustomerPhone.digits)))
    for name, kind, phones, address, vip, blacklisted, tags, account in CUSTOMERS:
        if known.intersection(national_digits(number) for number in phones):
            continue
        customer = Customer(name=name, kind=kind, vip=vip, blacklisted=blacklisted, account=account)
        customer.set_tags(tags)
        customer.phones = [CustomerPhone(number=number, position=i) for i, number in enumerate(phones)]
        if address:
            province, city, county, detail, postcode = address
            customer.addresses = [CustomerAddress(province=province, city=city, county=county, detail=detail,
                                                  postcode=postcode)]
        customer.notes = [CustomerNote(author="demo", text="演示数据")]
        db.session.add(customer)
        added += 1
    db.session.commit()
    return {"customers": added}
