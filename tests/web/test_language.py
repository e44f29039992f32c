"""Each app reads its own catalogs: the core's and those of the plugins it enables, even
when another app with other plugins translated first in the same process (the test suite,
or two ``create_app`` calls in one worker)."""
from __future__ import annotations

from flask_babel import gettext

from app import create_app
from app.testing.pytest_plugin import base_config

MSGID = "12329 callers"  # in the housingfund plugin's own catalog only


def _translate(app) -> str:
    with app.app_context():
        return gettext(MSGID)


def test_a_plugins_catalog_serves_the_apps_that_enable_it_and_no_other(postline_database):
    without = create_app(base_config(postline_database, ["postcode"]))
    with_fund = create_app(base_config(postline_database, ["postcode", "housingfund"]))
    assert _translate(without) == MSGID
    assert _translate(with_fund) == "12329 来电人"
    assert _translate(without) == MSGID
    with without.app_context():
        assert gettext("Log in") != "Log in"  # the core's catalog still serves both
