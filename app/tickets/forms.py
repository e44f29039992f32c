"""The registration form (a plugin type's own fields come from its ``form_class``) and the
administrator's form for a new category."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.tickets.kinds import CHANNELS, PRIORITIES


class RegisterForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    category_id = SelectField(_l("Category"), choices=[], default="")
    channel = SelectField(_l("Channel"), choices=[SelectChoice(code, title) for code, title in CHANNELS.items()], default="phone")
    priority = SelectField(_l("Priority"), choices=[SelectChoice(code, title) for code, title in PRIORITIES.items()], default="normal")
    description = TextAreaField(_l("What the customer says"), validators=[Length(max=10000)])


class CategoryForm(FlaskForm):
    """A new category of one type: at the top, or under one of the type's top levels."""

    name = StringField(_l("Category name"), validators=[DataRequired(), Length(max=100)])
    parent_id = SelectField(_l("Parent category"), coerce=int, default=0)
    weight = IntegerField(_l("Order"), default=100, validators=[Optional(), NumberRange(0, 10000)],
                          description=_l("Smaller numbers come first on the registration form"))
