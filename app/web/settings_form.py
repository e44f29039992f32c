"""Builds a WTForms form from a plugin's declared settings (Indico's plugin settings page,
without making every plugin write its own form class)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from app.declarations import Setting

#: An ``int`` setting without bounds still fits the database's integer (and JSON readers).
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def _field(setting: Setting) -> Any:
    label, desc = str(setting.title), str(setting.description)
    if setting.kind == "bool":
        return BooleanField(label, description=desc)
    if setting.kind == "int":
        low = INT_MIN if setting.minimum is None else setting.minimum
        high = INT_MAX if setting.maximum is None else setting.maximum
        return IntegerField(label, description=desc, validators=[
            InputRequired(), NumberRange(low, high, message=_l("Give a whole number from %(min)s to %(max)s."))],
            render_kw={"min": low, "max": high})
    if setting.kind == "choice":
        return SelectField(label, description=desc, choices=[SelectChoice(str(v), str(label)) for v, label in setting.choices])
    return StringField(label, description=desc, validators=[Optional()])


def settings_form(settings: list[Setting], values: dict[str, Any]) -> FlaskForm:
    form_class = type("PluginSettingsForm", (FlaskForm,), {s.name: _field(s) for s in settings})
    return form_class(data=values)
