"""Work orders in every state, for the tests of the loop and its pages."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.auth.models import Department
from app.extensions import db
from app.tickets.register import register


@pytest.fixture
def departments(app) -> dict[str, Department]:
    made = {code: Department(code=code, name=name) for code, name in
            (("ems", "速递物流部"), ("mail", "邮务部"))}
    db.session.add_all(made.values())
    db.session.commit()
    return made


@pytest.fixture
def make_order(app, make_user, departments) -> Callable[..., Any]:
    """``make_order(state="processing", type_code="complaint")`` → a saved order there, with
    the department ``ems`` when its state has one."""
    registrar = make_user("agent", username="registrar")

    def make(state: str = "new", type_code: str = "query", **fields: Any):
        order = register(registrar, type_code=type_code, subject="包裹破损")
        if state not in ("new",):
            order.department_id = departments["ems"].id
        for key, value in fields.items():
            setattr(order, key, value)
        order.state = state
        db.session.commit()
        return order

    return make

