"""What the plugin stores: one row per lookup, for the lookup-count report (how much the
postcode line is used, by whom, and how often it finds nothing)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app import api

KINDS = ("postcode", "region", "address")
QUERY_MAX = 200


class PostcodeLookup(api.db.Model):
    """``user_id`` is empty for lookups made without a staff member (the IVR node)
    or when the account was deleted; ``query_text`` is what was typed, shortened."""

    __tablename__ = "postcode_lookup"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=api.utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    query_text: Mapped[str] = mapped_column(String(QUERY_MAX), default="")
    result_count: Mapped[int] = mapped_column(default=0)


def record_lookup(kind: str, query: str, result_count: int, user_id: int | None = None) -> None:
    """One row for the lookup-count report, committed; ``user_id`` ``None`` for a caller
    in the IVR (no staff member looked it up)."""
    api.db.session.add(PostcodeLookup(user_id=user_id, kind=kind, query_text=query[:QUERY_MAX],
                                      result_count=result_count))
    api.db.session.commit()
