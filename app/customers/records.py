"""What the customer pages do to records: find them, fill in an address's postcode, merge
two records of one person. Every change goes through the ORM, so the audit trail has it."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, false, or_, select, union_all
from sqlalchemy.orm import selectinload

from app.customers.models import Customer, CustomerAddress, CustomerNote, CustomerPhone
from app.customers.phones import national_digits
from app.declarations import PostcodeAnswer
from app.extensions import db
from app.pluginhost import first

#: What the search box can look in.
FIELDS = ("all", "phone", "name", "account", "address", "tag")
#: A query with this many digits is read as (part of) a phone number.
MIN_PHONE_DIGITS = 4
WHOLE_NUMBER = 11
POSTCODE = re.compile(r"^[0-9]{6}$")


def search(q: str, field: str = "all") -> Select:
    """Customers matching ``q`` in ``field``, newest first. A whole phone number (11 digits
    or more) is one equality on the indexed national digits; fewer digits (the tail an agent
    reads off a parcel, a landline without its area code) match anywhere in the number.

    The matches of each table (the customer's own columns, its phones, its addresses) are
    looked up on their own and joined as one list of ids, so each lookup can use its index
    (on PostgreSQL trigram indexes serve the "contains" matches) instead of every customer
    row being tested against every condition (bench/tickets.py: ~50k customers)."""
    query = select(Customer).order_by(Customer.id.desc())
    q = q.strip()
    if not q:
        return query
    lookups = _lookups(q, field)
    if not lookups:
        return query.where(false())
    ids = lookups[0] if len(lookups) == 1 else union_all(*lookups)
    return query.where(Customer.id.in_(ids)).options(selectinload(Customer.phones),
                                                      selectinload(Customer.addresses))


@dataclass
class SearchPage:
    items: list[Customer]
    page: int
    has_next: bool


def search_page(query: Select, page: int | None, per_page: int) -> SearchPage:
    """One page of a search, and whether another follows: one row more is read instead of
    counting every match, which on a broad search costs as much again as the page
    (bench/tickets.py)."""
    page = max(page or 1, 1)
    rows = db.session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page)).all()
    return SearchPage(list(rows[:per_page]), page, len(rows) > per_page)


def _lookups(q: str, field: str) -> list[Select]:
    """One id query per table that ``field`` looks in."""
    lookups: list[Select] = []
    digits = national_digits(q)
    if field in ("all", "phone") and len(re.sub(r"\D", "", q)) >= MIN_PHONE_DIGITS:
        matches = (CustomerPhone.digits == digits if len(digits) >= WHOLE_NUMBER
                   else CustomerPhone.digits.like(f"%{digits}%"))
        lookups.append(select(CustomerPhone.customer_id).where(matches))
    like = f"%{_escape(q)}%"
    own = []
    if field in ("all", "name"):
        own.append(Customer.name.like(like, escape="\\"))
    if field in ("all", "account"):
        own.append(or_(Customer.account == q, Customer.id_number == q.upper(), Customer.id_number == q))
    if field in ("all", "tag"):
        own.append(Customer.tags.like(f"% {_escape(q)} %", escape="\\"))
    if own:
        lookups.append(select(Customer.id).where(or_(*own)))
    if field in ("all", "address"):
        lookups.append(select(CustomerAddress.customer_id).where(
            or_(CustomerAddress.detail.like(like, escape="\\"), CustomerAddress.county.like(like, escape="\\"),
                CustomerAddress.city.like(like, escape="\\"), CustomerAddress.province.like(like, escape="\\"),
                CustomerAddress.postcode == q)))
    return lookups


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def postcode_for(province: str, city: str, county: str) -> PostcodeAnswer | None:
    """What the postcode plugins say about these names; ``None`` without names or answer."""
    if not (province or city or county):
        return None
    return first("postline_postcode_for_address", province=province, city=city, county=county)


def fill_postcode(address: CustomerAddress) -> None:
    """An address without a postcode gets the one its province/city/county lead to."""
    if not address.postcode:
        answer = postcode_for(address.province, address.city, address.county)
        if answer is not None:
            address.postcode = answer.postcode


def set_phones(customer: Customer, numbers: list[str]) -> None:
    """The customer's phones become ``numbers`` (in this order), keeping the rows of the
    numbers that stay, so their history in the audit trail goes on."""
    wanted: dict[str, str] = {}
    for number in numbers:
        digits = national_digits(number)
        if digits and digits not in wanted:
            wanted[digits] = number.strip()
    by_digits = {phone.digits: phone for phone in customer.phones}
    kept = []
    for position, (digits, number) in enumerate(wanted.items()):
        phone = by_digits.pop(digits, None) or CustomerPhone(number=number)
        phone.number, phone.position = number, position
        kept.append(phone)
    customer.phones = kept


def add_note(customer: Customer, author: str, text: str) -> CustomerNote:
    note = CustomerNote(author=author, text=text)
    customer.notes.append(note)
    return note


def merge(survivor: Customer, duplicate: Customer, who: str) -> None:
    """``duplicate`` (the same person entered twice) goes into ``survivor``: its phones,
    addresses and notes move over, its flags and tags are added; the record stays, marked
    merged into the survivor. A phone the survivor already has stays with the duplicate, so
    that number still finds it in the search."""
    if survivor.id == duplicate.id or duplicate.merged_into_id is not None or survivor.merged_into_id is not None:
        raise ValueError("cannot merge these records")
    with db.session.no_autoflush:  # a row between its two owners is no orphan to delete
        _move_over(survivor, duplicate)
    duplicate.merged_into_id = survivor.id
    add_note(survivor, who, _("Merged customer record #%(id)s (%(name)s) into this one.",
                              id=duplicate.id, name=duplicate.name))


def _move_over(survivor: Customer, duplicate: Customer) -> None:
    have = {phone.digits for phone in survivor.phones}
    position = len(survivor.phones)
    for phone in list(duplicate.phones):
        if phone.digits not in have:
            duplicate.phones.remove(phone)
            phone.position = position
            position += 1
            survivor.phones.append(phone)
    texts = {(a.text, a.postcode) for a in survivor.addresses}
    for address in list(duplicate.addresses):
        if (address.text, address.postcode) not in texts:
            duplicate.addresses.remove(address)
            address.position = len(survivor.addresses)
            survivor.addresses.append(address)
    for note in list(duplicate.notes):
        duplicate.notes.remove(note)
        survivor.notes.append(note)
    survivor.vip = survivor.vip or duplicate.vip
    survivor.blacklisted = survivor.blacklisted or duplicate.blacklisted
    survivor.set_tags(survivor.tag_list + duplicate.tag_list)
    survivor.account = survivor.account or duplicate.account
    survivor.id_number = survivor.id_number or duplicate.id_number
