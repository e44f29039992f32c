"""One log format for every role: time, level, role, logger, the call's id (from the
context the AGI server sets per call, "-" outside a call), message; set up once."""
from __future__ import annotations

import io
import logging
import re

import pytest

from app.logging_setup import configure_logging, current_uniqueid

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (?P<rest>.*)$")


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    agi_level = logging.getLogger("postline.agi").level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    logging.getLogger("postline.agi").setLevel(agi_level)


def lines(buffer: io.StringIO) -> list[str]:
    return [LINE.match(line)["rest"] for line in buffer.getvalue().splitlines()]


@pytest.mark.parametrize("role", ["web", "agi", "worker", "serve"])
def test_every_role_logs_in_one_format_with_the_call_id_inside_a_call(role, restore_logging):
    buffer = io.StringIO()
    configure_logging(role, stream=buffer)
    logging.getLogger("postline.test").info("outside a call")
    token = current_uniqueid.set("1700000000.42")
    try:
        logging.getLogger("postline.test").warning("inside a call")
    finally:
        current_uniqueid.reset(token)
    assert lines(buffer) == [f"INFO {role} postline.test [-] outside a call",
                             f"WARNING {role} postline.test [1700000000.42] inside a call"]


def test_set_up_once_and_agi_log_level_still_applies(restore_logging):
    from app.ivr.calllog import configure_logging as configure_agi

    buffer = io.StringIO()
    configure_logging("agi", stream=buffer)
    configure_agi("DEBUG")
    configure_agi("DEBUG")
    ours = [h for h in logging.getLogger().handlers if getattr(h, "postline", False)]
    assert len(ours) == 1
    logging.getLogger("postline.agi").debug("-> ANSWER")
    logging.getLogger("postline.ivr").debug("not shown: only the protocol is at DEBUG")
    assert lines(buffer) == ["DEBUG agi postline.agi [-] -> ANSWER"]
