"""``postline init``: the instance's ``config.py`` with a random secret key."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import click

from app import default_instance_path


@click.command("init")
@click.option("--instance", "instance_path", type=click.Path(file_okay=False), default=None,
              help="Instance folder (default: the one the app reads, see POSTLINE_INSTANCE_PATH).")
def init_command(instance_path: str | None) -> None:
    """Write instance/config.py with a random secret key, unless it exists."""
    # The folder create_app reads, not the current directory's: otherwise an installed
    # PostLine would write a key that it never reads.
    folder = Path(instance_path or default_instance_path())
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "config.py"
    content = ("# Written by `postline init`; see instance/config.example.py for every setting.\n"
               f"SECRET_KEY = {secrets.token_hex(32)!r}\n")
    try:
        # Created with mode 0600 from the start (never readable by others, not even for a
        # moment) and only if absent (O_EXCL), so an existing key is never replaced.
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        click.echo(f"{target} exists; left as it is")
        return
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
    os.chmod(target, 0o600)  # os.open's mode is filtered through the umask
    click.echo(f"wrote {target}")
