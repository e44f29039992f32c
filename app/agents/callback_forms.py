"""The forms of the call-back list and of click-to-call. The list shows one small outcome
form per task, written out in the template; these classes check what comes back (CSRF,
an outcome we know, a note of sensible length)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.tickets.callback_models import BUSY, LEFT_MESSAGE, NO_ANSWER, REACHED, WRONG_NUMBER

#: What the agent says of a try of a caller's task, in the order the form offers them.
DESK_OUTCOMES = {REACHED: _l("Reached"), NO_ANSWER: _l("No answer"), BUSY: _l("Busy"),
                 LEFT_MESSAGE: _l("Left a message"), WRONG_NUMBER: _l("Wrong number")}


class DeskOutcomeForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=[SelectChoice(code, title) for code, title in DESK_OUTCOMES.items()],
                          validators=[DataRequired(_l("Please say whether the customer was reached."))])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    attempts = HiddenField(validators=[Optional(), Regexp(r"^\d{1,6}$")])


class DialForm(FlaskForm):
    number = StringField(_l("Number"), validators=[DataRequired(_l("Please give the number to call.")),
                                                   Length(max=40)])
    task_id = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$")])


class TakeForm(FlaskForm):
    """Taking a pool task: nothing to fill in but the CSRF token."""
