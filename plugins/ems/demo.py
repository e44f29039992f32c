"""Demonstration items for ``postline demo load``: an EMS item on its way from Beijing to
Shanghai for the demo customer 王芳 (13800000002), a delivered domestic parcel sent by
张伟 (13800000001), and an item the network has not reported yet. Times are relative to
the load, so the routes look current; a second load adds nothing."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app import api

from .events import status_of
from .models import EmsEvent, EmsItem
from .numbers import DOMESTIC, S10, check_digit


def _s10(prefix: str, serial: str, country: str = "CN") -> str:
    return f"{prefix}{serial}{check_digit(serial)}{country}"


#: number, kind, sender, sender phone, recipient, recipient phone, origin, destination,
#: events as (hours ago, place, event, office)
ITEMS = (
    (_s10("EA", "12345678"), S10, "北京示例商贸有限公司", "01065000000", "王芳", "13800000002", "北京市", "上海市", (
        (30, "北京市", "已收寄", "北京市东城区东四邮政支局"),
        (26, "北京市", "离开【北京处理中心】，发往【上海处理中心】", "北京邮区中心局"),
        (12, "上海市", "到达【上海处理中心】", "上海邮区中心局"),
        (3, "上海市黄浦区", "正在派送，投递员：李师傅", "上海市黄浦区南京东路营业部"),
    )),
    ("1100123456789", DOMESTIC, "张伟", "13800000001", "李娜", "13800000003", "北京市", "广州市", (
        (80, "北京市", "已收寄", "北京市东城区东四邮政支局"),
        (60, "北京市", "离开【北京处理中心】，发往【广州处理中心】", "北京邮区中心局"),
        (40, "广州市", "到达【广州处理中心】", "广州邮区中心局"),
        (30, "广州市越秀区", "已妥投，本人签收", "广州市越秀区中山五路营业部"),
    )),
    (_s10("EA", "87654321"), S10, "刘洋", "13800000004", "张伟", "13800000001", "成都市", "北京市", ()),
)


def load() -> dict[str, int]:
    now = api.utcnow()
    added_items = added_events = 0
    for number, kind, sender, sender_phone, recipient, recipient_phone, origin, destination, events in ITEMS:
        if api.db.session.scalar(select(EmsItem.id).where(EmsItem.number == number)) is not None:
            continue
        item = EmsItem(number=number, kind=kind, serial=number[2:11] if kind == S10 else number, service="EMS",
                       sender_name=sender, sender_phone=sender_phone, recipient_name=recipient,
                       recipient_phone=recipient_phone, origin=origin, destination=destination,
                       created_at=now - timedelta(hours=events[0][0] if events else 1))
        api.db.session.add(item)
        api.db.session.flush()
        added_items += 1
        for hours_ago, place, text, office in events:
            api.db.session.add(EmsEvent(item_id=item.id, at=now - timedelta(hours=hours_ago), place=place,
                                        event=text, office=office, status=status_of(text)))
            added_events += 1
    api.db.session.commit()
    return {"ems_items": added_items, "ems_events": added_events}
