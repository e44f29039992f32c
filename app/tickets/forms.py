"""The registration form; a plugin type's own fields come from its ``form_class``."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.tickets.kinds import CHANNELS, PRIORITIES


class RegisterForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    category_id = SelectField(_l("Category"), choices=[], default="")
    channel = SelectField(_l("Channel"), choices=[SelectChoice(code, title) for code, title in CHANNELS.items()], default="phone")
    priority = SelectField(_l("Priority"), choices=[SelectChoice(code, title) for code, title in PRIORITIES.items()], default="normal")
    description = TextAreaField(_l("What the customer says"), validators=[Length(max=10000)])
