"""The forms behind the state buttons: the agent's own (the desk's state control) and the
team lead's per agent (force a pause, log off, listen in). The reason choices are filled
in by the view from the active pause reasons."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice

from app.agents.spy import BARGE, LISTEN, WHISPER

#: The desk's "Alt+R" button: ready when not ready, paused (with the chosen reason) when ready.
TOGGLE = "toggle"


class StateForm(FlaskForm):
    """The state control; ``state`` is the button pressed (ready, paused, logged_off, toggle)."""

    state = HiddenField()
    reason = SelectField(_l("Pause reason"), choices=[], default="", validate_choice=False)
    next = HiddenField()


class ForcePauseForm(FlaskForm):
    reason = SelectField(_l("Pause reason"), choices=[], default="", validate_choice=False)


class LogOffForm(FlaskForm):
    """Only its CSRF token."""


class SpyForm(FlaskForm):
    mode = SelectField(_l("Listen in"), default=LISTEN,
                       choices=[SelectChoice(LISTEN, _l("Listen only")), SelectChoice(WHISPER, _l("Whisper")),
                                SelectChoice(BARGE, _l("Barge"))])
