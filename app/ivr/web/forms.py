"""The IVR pages' forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.ivr.flows import FLOW_NAME


class FlowForm(FlaskForm):
    name = StringField(_l("Flow name"), validators=[Optional(), Length(max=64),
                                                     Regexp(FLOW_NAME.pattern, message=_l(
                                                         "Lowercase letters, digits, '-' or '_'."))])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    definition = TextAreaField(_l("Definition (JSON)"), validators=[DataRequired()],
                               render_kw={"rows": 28, "spellcheck": "false", "class": "code"})
    note = StringField(_l("Note"), validators=[Optional(), Length(max=255)])
    activate = BooleanField(_l("New calls use this version"), default=True)
    #: The latest version number when the editor was opened (0: a new flow).
    based_on = HiddenField()


class SimulatorForm(FlaskForm):
    line = SelectField(_l("Line"), validators=[Optional()])
    definition = TextAreaField(_l("Flow definition to try (JSON; empty: the line's active flow)"),
                               validators=[Optional()], render_kw={"rows": 8, "spellcheck": "false",
                                                                   "class": "code"})
    inputs = StringField(_l("Caller input"), validators=[Optional(), Length(max=500)],
                         description=_l("Entries separated by spaces: digits, “_” for silence, "
                                        "“h” to hang up, “>2” for 2 pressed while the prompt plays. "
                                        "Example: 1 100010 0"))
    caller = StringField(_l("Caller number"), default="13800000001",
                         validators=[Optional(), Length(max=32)])
    when = StringField(_l("Date and time (local, empty: now)"), validators=[Optional()],
                       render_kw={"type": "datetime-local"})


class ActionForm(FlaskForm):
    """Just the CSRF token, for POST buttons."""


DAY_NAMES = {
    "mon": _l("Monday"), "tue": _l("Tuesday"), "wed": _l("Wednesday"), "thu": _l("Thursday"),
    "fri": _l("Friday"), "sat": _l("Saturday"), "sun": _l("Sunday"),
}

def _hours_field(day: str) -> StringField:
    return StringField(DAY_NAMES[day], validators=[Optional(), Length(max=100)],
                       render_kw={"placeholder": "08:00-12:00,13:30-17:30"})


class LineForm(FlaskForm):
    name = StringField(_l("Line name"), validators=[DataRequired(message=_l("Give the line a name.")),
                                               Length(max=100)])
    queue = StringField(_l("Agent queue"), validators=[Optional(), Length(max=64)],
                        description=_l("Where callers go with “0”, errors and transfers without a "
                                       "queue of their own; empty: the queue named after the line."))
    flow = SelectField(_l("Flow"), validators=[Optional()])
    always_open = BooleanField(_l("Open around the clock (the weekly hours below are ignored)"))
    #: The line's ``row_version`` when the form was opened (:mod:`app.audit.editing`).
    row_version = HiddenField()
    mon = _hours_field("mon")
    tue = _hours_field("tue")
    wed = _hours_field("wed")
    thu = _hours_field("thu")
    fri = _hours_field("fri")
    sat = _hours_field("sat")
    sun = _hours_field("sun")


class IncidentForm(FlaskForm):
    line = SelectField(_l("Line"), validators=[Optional()])
    title = StringField(_l("What happened"), validators=[DataRequired(), Length(max=100)],
                        description=_l("For the call records and work orders, e.g. 台风影响闽东投递"))
    text = TextAreaField(_l("What callers hear"), validators=[DataRequired(), Length(max=500)],
                         render_kw={"rows": 4},
                         description=_l("Spoken after the welcome, in Mandarin, until it is turned off."))
    ends_at = StringField(_l("Turn off by itself at (local, empty: only by hand)"), validators=[Optional()],
                          render_kw={"type": "datetime-local"})
