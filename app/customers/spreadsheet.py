"""Customers to and from Excel. An import is all or nothing: every row is checked first, and
a file with one bad row imports none, the report naming each bad row and why — an agent
fixes the file and imports it again, without hunting for the half that got in.

Cells written are neutralised against formula injection (:mod:`app.cellsafety`)."""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from app.cellsafety import neutralise
from app.customers.models import Customer, CustomerAddress, CustomerPhone
from app.customers.phones import national_digits
from app.customers.records import fill_postcode, set_phones
from app.extensions import db

HEADERS = ("姓名", "类型", "电话", "账号", "证件号码", "省", "市", "区县", "详细地址", "邮编", "VIP", "黑名单", "标签")
KINDS = {"个人": "person", "单位": "company", "person": "person", "company": "company", "": "person"}
YES = {"是", "y", "yes", "1", "true", "√"}
NO = {"否", "n", "no", "0", "false", ""}
MAX_ROWS = 20000
POSTCODE = re.compile(r"^[0-9]{6}$")
LIMITS = {"姓名": 100, "账号": 64, "证件号码": 32, "省": 32, "市": 32, "区县": 32, "详细地址": 255, "标签": 250}


def export(customers: Iterable[Customer]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("客户")
    ws.append(HEADERS)
    for c in customers:
        a = c.addresses[0] if c.addresses else None
        ws.append([neutralise(v) for v in (
            c.name, "单位" if c.kind == "company" else "个人", "，".join(p.number for p in c.phones), c.account,
            c.id_number, a.province if a else "", a.city if a else "", a.county if a else "",
            a.detail if a else "", a.postcode if a else "", "是" if c.vip else "否",
            "是" if c.blacklisted else "否", " ".join(c.tag_list))])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@dataclass
class ImportResult:
    customers: list[Customer] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "第 3 行：……", in the reader's language


def read(data: bytes) -> ImportResult:
    """The customers of the file, or the errors of its rows (then no customer)."""
    result = ImportResult()
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError):
        result.errors.append(_("The file is not an Excel workbook (.xlsx)."))
        return result
    rows = sheet.iter_rows(values_only=True)
    header = [str(v or "").strip() for v in next(rows, ())]
    missing = [h for h in ("姓名", "电话") if h not in header]
    if missing:
        result.errors.append(_("Row 1: the columns %(columns)s are missing.", columns="、".join(missing)))
        return result
    problems: list[tuple[int, str]] = []
    first_row_of: dict[str, tuple[int, str]] = {}  # national digits → (first row, number as written)
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            result.errors.append(_("More than %(count)s rows; split the file.", count=MAX_ROWS))
            break
        values = {h: _text(v) for h, v in zip(header, row) if h}
        if not any(values.values()):
            continue
        customer, row_problems = _customer(values)
        problems += [(number, p) for p in row_problems]
        if customer is not None:
            result.customers.append(customer)
            for phone in customer.phones:
                if phone.digits in first_row_of:
                    problems.append((number, _("the phone %(number)s is also in row %(other)s",
                                               number=phone.number, other=first_row_of[phone.digits][0])))
                else:
                    first_row_of[phone.digits] = (number, phone.number)
    for digits, owner in _owners(first_row_of).items():
        row, written = first_row_of[digits]
        problems.append((row, _("the phone %(number)s is already customer %(name)s's (No. %(id)s): edit "
                                "that record rather than importing it again",
                                number=written, name=owner.name, id=owner.id)))
    result.errors += [_("Row %(row)s: %(problem)s", row=row, problem=p) for row, p in sorted(problems)]
    if result.errors:
        result.customers = []
    return result


def _owners(digits: Iterable[str]) -> dict[str, Customer]:
    """The customers already holding these phones (records merged away hold none)."""
    wanted = list(digits)
    owners: dict[str, Customer] = {}
    for start in range(0, len(wanted), 500):  # bounded IN lists
        rows = db.session.execute(
            select(CustomerPhone.digits, Customer).join(Customer, Customer.id == CustomerPhone.customer_id)
            .where(CustomerPhone.digits.in_(wanted[start:start + 500]), Customer.merged_into_id.is_(None)))
        for phone_digits, customer in rows:
            owners.setdefault(phone_digits, customer)
    return owners


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text[1:] if text.startswith("'") else text


def _customer(v: dict[str, str]) -> tuple[Customer | None, list[str]]:
    problems = []
    if not v.get("姓名"):
        problems.append(_("the name is empty"))
    for column, limit in LIMITS.items():
        if len(v.get(column, "")) > limit:
            problems.append(_("%(column)s is longer than %(limit)s characters", column=column, limit=limit))
    kind = KINDS.get(v.get("类型", "").lower())
    if kind is None:
        problems.append(_("the kind must be 个人 or 单位, not %(value)s", value=v["类型"]))
    phones = [p.strip() for p in re.split(r"[,，;；/\n]", v.get("电话", "")) if p.strip()]
    for phone in phones:
        if len(phone) > 32 or not 5 <= len(national_digits(phone)) <= 20:
            problems.append(_("not a phone number: %(number)s", number=phone))
    postcode = v.get("邮编", "")
    if postcode and not POSTCODE.match(postcode):
        problems.append(_("the postcode must be six digits, not %(value)s", value=postcode))
    flags = {}
    for column in ("VIP", "黑名单"):
        answer = v.get(column, "").lower()
        if answer not in YES | NO:
            problems.append(_("%(column)s must be 是 or 否, not %(value)s", column=column, value=v[column]))
        flags[column] = answer in YES
    if problems:
        return None, problems
    customer = Customer(name=v["姓名"], kind=kind, account=v.get("账号", ""),
                        id_number=v.get("证件号码", "").upper(), vip=flags["VIP"], blacklisted=flags["黑名单"])
    customer.set_tags(v.get("标签", ""))
    set_phones(customer, phones)
    place = {key: v.get(column, "") for key, column in (("province", "省"), ("city", "市"), ("county", "区县"),
                                                         ("detail", "详细地址"), ("postcode", "邮编"))}
    if any(place.values()):
        address = CustomerAddress(**place)
        fill_postcode(address)
        customer.addresses.append(address)
    return customer, []
