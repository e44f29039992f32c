"""``postline users create|list``: staff accounts from the command line."""
from __future__ import annotations

import re
import sys
from collections.abc import Sequence

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.audit.acting import as_cli_user
from app.auth.models import User
from app.auth.roles import ROLES
from app.extensions import db

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@click.group("users", cls=AppGroup)
def users_group() -> None:
    """Staff accounts."""


@users_group.command("create")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(list(ROLES)), help="Repeat for several roles.")
@click.option("--password-stdin", is_flag=True, required=True,
              help="Read the password from the first line of standard input.")
@click.option("--display-name", default="")
@as_cli_user
def users_create(name: str, roles: Sequence[str], password_stdin: bool, display_name: str) -> None:
    """Create user NAME with the given role(s)."""
    if not USERNAME.match(name):
        raise ValueError(f"invalid user name {name!r}: letters, digits, '.', '_' and '-' only")
    password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 8:
        raise ValueError("the password read from standard input must have at least 8 characters")
    if db.session.scalar(select(User).where(User.username == name)) is not None:
        raise ValueError(f"user {name!r} exists already")
    user = User(username=name, display_name=display_name)
    user.set_password(password)
    user.set_roles(set(roles))
    db.session.add(user)
    db.session.commit()
    click.echo(f"created user {name} ({', '.join(sorted(roles))})")


@users_group.command("list")
@as_cli_user
def users_list() -> None:
    """List staff accounts."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        state = "active" if user.active else "disabled"
        click.echo(f"{user.username}\t{','.join(sorted(user.roles))}\t{state}\t{user.display_name}")
