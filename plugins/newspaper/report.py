"""Two Excel reports: orders by title, district and period, and cancellations with their
refunds, over a range of the centre's days (orders by the day they were taken,
cancellations by the day they were asked). Money is counted in fen and written in yuan
(fen / 100 with two decimals), the totals row sums the fen, so no float ever adds up."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select

from app import api

from .codes import PERIODS
from .models import NewspaperSubscription, NewspaperTitle

MONEY = "0.00"


#: The reports' form: the centre's last 30 days by default.
RangeForm = api.LastDaysForm


def _range(params: dict[str, Any]) -> tuple[datetime, datetime]:
    start, end = api.last_days(params)
    if isinstance(start, str):
        start = date.fromisoformat(start)
    if isinstance(end, str):
        end = date.fromisoformat(end)
    return api.utc_bounds(start, end)


def yuan(fen: int) -> float:
    return round(fen / 100, 2)


def order_rows(params: dict[str, Any]) -> list[tuple[str, str, str, str, int, int, int]]:
    """(code, title, district, period, orders, copies, amount in fen), sorted."""
    low, high = _range(params)
    stmt = (select(NewspaperTitle.code, NewspaperTitle.title, NewspaperSubscription.district,
                   NewspaperSubscription.months, NewspaperSubscription.copies, NewspaperSubscription.amount_fen)
            .join(NewspaperTitle, NewspaperTitle.id == NewspaperSubscription.title_id)
            .where(NewspaperSubscription.created_at >= low, NewspaperSubscription.created_at < high))
    groups: dict[tuple[str, str, str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for code, title, district, months, copies, amount in api.db.session.execute(stmt):
        group = groups[(code, title, district or "", months)]
        group[0] += 1
        group[1] += copies
        group[2] += amount
    return [(code, title, district, str(PERIODS.get(months, months)), n, copies, fen)
            for (code, title, district, months), (n, copies, fen) in sorted(groups.items(), key=_code_order)]


def _code_order(item: tuple[tuple[str, str, str, int], list[int]]) -> tuple[Any, ...]:
    code, _title, district, months = item[0]
    first, _, second = code.partition("-")
    return (int(first or 0), int(second or 0), district, months)


def build_orders(params: dict[str, Any]) -> Workbook:
    rows = order_rows(params)
    columns = [api.Column(_("Issuing code"), 10), api.Column(_("Newspaper or magazine"), 24), api.Column(_("District"), 14),
               api.Column(_("Subscription period"), 10), api.Column(_("Orders"), 8, "0"), api.Column(_("Copies"), 8, "0"),
               api.Column(_("Amount (yuan)"), 14, MONEY)]
    body: list[tuple[Any, ...]] = [(*row[:6], yuan(row[6])) for row in rows]
    body.append((_("Total"), "", "", "", sum(r[4] for r in rows), sum(r[5] for r in rows),
                 yuan(sum(r[6] for r in rows))))
    return api.table_workbook(_("Newspaper orders"), columns, body)


def cancellation_rows(params: dict[str, Any]) -> list[NewspaperSubscription]:
    low, high = _range(params)
    return list(api.db.session.scalars(
        select(NewspaperSubscription)
        .where(NewspaperSubscription.cancelled_at >= low, NewspaperSubscription.cancelled_at < high)
        .order_by(NewspaperSubscription.cancelled_at, NewspaperSubscription.id)))


def build_cancellations(params: dict[str, Any]) -> Workbook:
    rows = cancellation_rows(params)
    columns = [api.Column(_("Cancelled at"), 18, "yyyy-mm-dd hh:mm"), api.Column(_("Subscription"), 12, "0"),
               api.Column(_("Issuing code"), 10), api.Column(_("Newspaper or magazine"), 24), api.Column(_("Subscriber"), 14),
               api.Column(_("District"), 14), api.Column(_("Delivery stops from"), 14, "yyyy-mm-dd"),
               api.Column(_("Months refunded"), 10, "0"), api.Column(_("Refund (yuan)"), 14, MONEY),
               api.Column(_("Handled by"), 12)]
    body: list[tuple[Any, ...]] = [
        (api.local(row.cancelled_at).replace(tzinfo=None) if row.cancelled_at else None,  # type: ignore[union-attr]
         row.id, row.title.code, row.title.title, row.subscriber.name, row.district, row.stop_from,
         row.refund_months, yuan(row.refund_fen), row.cancelled_by) for row in rows]
    body.append((_("Total"), len(rows), "", "", "", "", None, sum(r.refund_months for r in rows),
                 yuan(sum(r.refund_fen for r in rows)), ""))
    return api.table_workbook(_("Newspaper cancellations"), columns, body)
