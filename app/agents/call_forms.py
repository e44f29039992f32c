"""The call page's form: the summary (what the call was about, resolved, notes) and the
transfer (to whom, how). Both live in one HTML form so that a transfer posts the notes typed
so far; the choices are filled in by the view (they depend on the site's types, categories,
agents and queues), and :mod:`app.agents.summary` / :mod:`app.agents.transfers` check them
with sentences the agent can act on."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from app.agents.summary import MAX_NOTES
from app.agents.transfers import BLIND, KINDS

YES, NO = "yes", "no"


class SummaryForm(FlaskForm):
    what = SelectField(_l("What the call was about"), choices=[], default="", validate_choice=False,
                       description=_l("Type to find the entry: kind of call › category."))
    resolved = RadioField(_l("Resolved on the phone"), default=YES,
                          choices=[SelectChoice(YES, _l("Yes")), SelectChoice(NO, _l("No"))])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=MAX_NOTES)])
    #: The desk call's ``row_version`` when the page was opened (:mod:`app.audit.editing`).
    row_version = HiddenField()


class TransferForm(FlaskForm):
    target = SelectField(_l("Transfer to"), choices=[], default="", validate_choice=False)
    kind = RadioField(_l("How"), default=BLIND, choices=[SelectChoice(code, title) for code, title in KINDS.items()])
