"""What the EMS tests share: items with their events, written straight into the tables
(as an import or the network would leave them), and the rows the line counted."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from plugins.ems.events import status_of
from plugins.ems.models import EmsEvent, EmsItem, EmsPickup, EmsQuery
from plugins.ems.numbers import parse

#: An EMS item from Beijing to Shanghai: (UTC time, place, event, office), oldest first.
ROUTE = (
    (datetime(2026, 11, 20, 1, 5), "北京市", "已收寄", "北京市东城区东四邮政支局"),
    (datetime(2026, 11, 20, 9, 30), "北京市", "离开【北京处理中心】，发往【上海处理中心】", "北京邮区中心局"),
    (datetime(2026, 11, 21, 2, 15), "上海市黄浦区", "正在派送", "上海市黄浦区南京东路营业部"),
)
S10_NUMBER = "EA123456785CN"
DOMESTIC_NUMBER = "1100123456789"


def add_item(number: str = S10_NUMBER, events=ROUTE, **fields) -> EmsItem:
    parsed = parse(number)
    item = EmsItem(number=parsed.text, kind=parsed.kind, serial=parsed.serial, **fields)
    db.session.add(item)
    db.session.flush()
    for at, place, text, office in events:
        db.session.add(EmsEvent(item_id=item.id, at=at, place=place, event=text, office=office,
                                status=status_of(text)))
    db.session.commit()
    return item


def queries() -> list[EmsQuery]:
    db.session.expire_all()
    return list(db.session.scalars(select(EmsQuery).order_by(EmsQuery.id)))


def pickups() -> list[EmsPickup]:
    db.session.expire_all()
    return list(db.session.scalars(select(EmsPickup).order_by(EmsPickup.id)))
