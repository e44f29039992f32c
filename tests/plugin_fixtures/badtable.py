"""A plugin whose model's table is not prefixed with the plugin's name (``badtable_``):
it could collide with a core table or another plugin's, and its migrations would be
mixed up with the core's history."""
from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column

from app.api import Permission, db, hookimpl

TABLE = "plfixture_parcel"


class PlfixtureParcel(db.Model):
    __tablename__ = TABLE

    id: Mapped[int] = mapped_column(primary_key=True)


@hookimpl
def postline_permissions() -> list[Permission]:
    return [Permission("badtable.use", "Use badtable", roles=("agent",))]
