"""The editor's forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class ArticleForm(FlaskForm):
    category_id = SelectField(_l("Category"), coerce=int)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    keywords = StringField(_l("Keywords"), validators=[Length(max=500)],
                           description=_l("Words callers use for this, separated by spaces or commas"))
    answer = TextAreaField(_l("Answer for the caller"), validators=[Length(max=4000)],
                           description=_l("What the agent says and inserts into a work order; "
                                          "the body is used when this is empty"))
    body = TextAreaField(_l("Body"), validators=[DataRequired(), Length(max=50000)])
    note = StringField(_l("What changed"), validators=[Length(max=200)])


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    parent_id = SelectField(_l("Parent category"), coerce=int)
    weight = IntegerField(_l("Order"), default=100, validators=[Optional(), NumberRange(0, 10000)])
