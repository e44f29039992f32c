"""Customer profiles: the person or company on the line, with their phones, addresses and
notes in tables of their own (one customer has several of each).

``Customer.phone`` and ``Customer.address`` remain as the first phone and address, so code
written when a customer had one of each (plugins included) keeps working: setting
``phone`` sets the first phone, and ``Customer.phone == x`` compares with it in SQL."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.audit.editing import Edited
from app.audit.models import Audited
from app.customers.phones import national_digits
from app.extensions import db
from app.timeutil import utcnow

KINDS = ("person", "company")


class CustomerPhone(Audited, db.Model):
    """``digits`` is the national form of ``number`` (:func:`national_digits`), kept in step
    with it and indexed: the calling number's lookup is one equality on it."""

    __tablename__ = "customer_phone"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    number: Mapped[str] = mapped_column(String(32))
    digits: Mapped[str] = mapped_column(String(32), index=True)
    label: Mapped[str] = mapped_column(String(32), default="")
    position: Mapped[int] = mapped_column(default=0)

    @validates("number")
    def _keep_digits(self, _key: str, number: str) -> str:
        self.digits = national_digits(number)
        return number


class CustomerAddress(Audited, db.Model):
    __tablename__ = "customer_address"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    province: Mapped[str] = mapped_column(String(32), default="")
    city: Mapped[str] = mapped_column(String(32), default="")
    county: Mapped[str] = mapped_column(String(32), default="")
    detail: Mapped[str] = mapped_column(String(255), default="")
    postcode: Mapped[str] = mapped_column(String(6), default="")
    position: Mapped[int] = mapped_column(default=0)

    @property
    def text(self) -> str:
        return f"{self.province}{self.city}{self.county}{self.detail}"


class CustomerNote(Audited, db.Model):
    """Notes are only ever added: what an agent wrote stays, with who and when."""

    __tablename__ = "customer_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    author: Mapped[str] = mapped_column(String(100), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    text: Mapped[str] = mapped_column(Text, default="")


class Customer(Edited, Audited, db.Model):
    """``merged_into_id``: this record was merged into that one (its phones, addresses,
    notes and calls moved there); it stays, so links to it and the audit trail still work.
    ``tags`` are kept space-separated with a space at each end, so ``LIKE '% tag %'``
    finds one tag exactly."""

    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="person")  # person | company
    account: Mapped[str] = mapped_column(String(64), default="", index=True)
    #: Where an e-mail to the customer goes (a work order's result, for one); "" for none.
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    id_number: Mapped[str] = mapped_column(String(32), default="", index=True)
    vip: Mapped[bool] = mapped_column(default=False)
    blacklisted: Mapped[bool] = mapped_column(default=False)
    tags: Mapped[str] = mapped_column(String(255), default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    phones: Mapped[list[CustomerPhone]] = relationship(
        order_by=(CustomerPhone.position, CustomerPhone.id), cascade="all, delete-orphan")
    addresses: Mapped[list[CustomerAddress]] = relationship(
        order_by=(CustomerAddress.position, CustomerAddress.id), cascade="all, delete-orphan")
    notes: Mapped[list[CustomerNote]] = relationship(
        order_by=(CustomerNote.at.desc(), CustomerNote.id.desc()), cascade="all, delete-orphan")

    @hybrid_property
    def phone(self) -> str:
        """The first phone's number as written, "" for none."""
        return self.phones[0].number if self.phones else ""

    @phone.inplace.setter
    def _phone_setter(self, number: str) -> None:
        if self.phones:
            self.phones[0].number = number
        elif number:
            self.phones.append(CustomerPhone(number=number))

    @phone.inplace.expression
    @classmethod
    def _phone_expression(cls):  # type: ignore[no-untyped-def]
        return (select(CustomerPhone.number).where(CustomerPhone.customer_id == cls.id)
                .order_by(CustomerPhone.position, CustomerPhone.id).limit(1).scalar_subquery())

    @property
    def address(self) -> str:
        """The first address as one line, "" for none."""
        return self.addresses[0].text if self.addresses else ""

    @property
    def postcode(self) -> str:
        return self.addresses[0].postcode if self.addresses else ""

    @property
    def tag_list(self) -> list[str]:
        return self.tags.split()

    def set_tags(self, tags: list[str] | str) -> None:
        words = tags.replace("，", " ").replace(",", " ").split() if isinstance(tags, str) else tags
        unique = list(dict.fromkeys(w.strip() for w in words if w.strip()))
        self.tags = f" {' '.join(unique)} " if unique else ""
