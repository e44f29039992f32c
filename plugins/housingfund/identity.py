"""Who the IVR identified on a call, kept between the steps of that call and nowhere the
agent could read a number or a password: the nodes pass the adapter's opaque ``ref`` along
on the call object (a weak map, gone with the call); the agent's screen pop gets only
"identified as …" with a masked name and account (``call.data``), and the plugin's
:class:`~.models.Identification` row lets the agent who takes the call look up that member
and nobody else."""
from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy import select

from app import api

from .models import Identification

#: ``call.data`` keys (what the agent sees).
IDENTIFIED = "housingfund.identified"
COMPANY_IDENTIFIED = "housingfund.company_identified"


@dataclass(frozen=True)
class Identity:
    ref: str
    method: str  # account | idcard | card | company


_members: WeakKeyDictionary[object, Identity] = WeakKeyDictionary()
_companies: WeakKeyDictionary[object, Identity] = WeakKeyDictionary()


def member_of(call: object) -> Identity | None:
    return _members.get(call)


def company_of(call: object) -> Identity | None:
    return _companies.get(call)


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳明华 → 欧**华: enough for the agent to greet, not to identify."""
    if len(name) <= 2:
        return name[:1] + "*" * (len(name) - 1)
    return name[0] + "*" * (len(name) - 2) + name[-1]


def remember(call: api.Call, identity: Identity, label: str) -> None:
    """Keep the identity for the call's next steps, show ``label`` to the agent and, for a
    real call, record it for the agent's lookup."""
    if identity.method == "company":
        _companies[call] = identity
        call.data[COMPANY_IDENTIFIED] = label
    else:
        _members[call] = identity
        call.data[IDENTIFIED] = label
    if call.dry_run or not call.call_id:
        return
    row = Identification(call_id=call.call_id, method=identity.method, ref=identity.ref,
                         subject="company" if identity.method == "company" else "member")
    api.db.session.add(row)
    api.db.session.commit()


def identified_on(call_id: int | None, subject: str = "member") -> Identification | None:
    """The latest identification of ``subject`` on the IVR call ``call_id``."""
    if not call_id:
        return None
    return api.db.session.scalar(select(Identification).where(
        Identification.call_id == call_id, Identification.subject == subject)
        .order_by(Identification.id.desc()).limit(1))
