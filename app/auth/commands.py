"""``postline users create|list|set-password|set-roles|disable|enable``: staff accounts from
the command line, also the way back in when no administrator can log in. Each change is in
the audit trail as ``cli:<login>``; a new password or disabling ends the user's sessions."""
from __future__ import annotations

import re
import sys
from collections.abc import Sequence

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.audit.acting import as_cli_user
from app.auth.admins import would_leave_no_admin
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
    password = _checked(sys.stdin.readline().rstrip("\r\n"), "the password read from standard input")
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


@users_group.command("set-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input instead of a prompt.")
@as_cli_user
def users_set_password(name: str, password_stdin: bool) -> None:
    """Give user NAME a new password (asked twice); their sessions end."""
    user = _user(name)
    if password_stdin:
        password = _checked(sys.stdin.readline().rstrip("\r\n"), "the password read from standard input")
    else:
        password = _checked(click.prompt("New password", hide_input=True, confirmation_prompt=True),
                            "the password")
    user.set_password(password)
    db.session.commit()
    click.echo(f"password of {name} changed; their sessions have ended")


@users_group.command("set-roles")
@click.argument("name")
@click.argument("roles", nargs=-1, metavar="ROLE...", type=click.Choice(list(ROLES)))
@as_cli_user
def users_set_roles(name: str, roles: Sequence[str]) -> None:
    """Give user NAME exactly these ROLES (agent backoffice teamlead qa manager admin)."""
    if not roles:  # checked here, not by click: its message for this takes seven lines
        raise ValueError(f"give at least one role: {', '.join(ROLES)}")
    user = _user(name)
    if would_leave_no_admin(user, roles, user.active):
        raise ValueError(f"{name} is the last active administrator: make another user admin first")
    user.set_roles(set(roles))  # effective at the user's next request: roles are not in the session
    db.session.commit()
    click.echo(f"{name}: {', '.join(sorted(set(roles)))}")


@users_group.command("disable")
@click.argument("name")
@as_cli_user
def users_disable(name: str) -> None:
    """Disable user NAME: they cannot log in and their sessions end."""
    user = _user(name)
    if would_leave_no_admin(user, user.roles, False):
        raise ValueError(f"{name} is the last active administrator: make another user admin first")
    user.active = False
    db.session.commit()
    click.echo(f"{name} is disabled")


@users_group.command("enable")
@click.argument("name")
@as_cli_user
def users_enable(name: str) -> None:
    """Enable user NAME again."""
    user = _user(name)
    user.active = True
    db.session.commit()
    click.echo(f"{name} is enabled")


def _user(name: str) -> User:
    user = db.session.scalar(select(User).where(User.username == name))
    if user is None:
        raise LookupError(f"no user named {name}")
    return user


def _checked(password: str, what: str) -> str:
    if len(password) < 8:
        raise ValueError(f"{what} must have at least 8 characters")
    return password
