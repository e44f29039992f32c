"""Builds a WTForms form from a plugin's declared settings (Indico's plugin settings page,
without making every plugin write its own form class)."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from app.declarations import Setting


def _field(setting: Setting) -> Any:
    label, desc = str(setting.title), str(setting.description)
    if setting.kind == "bool":
        return BooleanField(label, description=desc)
    if setting.kind == "int":
        return IntegerField(label, description=desc, validators=[InputRequired()])
    if setting.kind == "choice":
        return SelectField(label, description=desc, choices=[SelectChoice(str(v), str(label)) for v, label in setting.choices])
    return StringField(label, description=desc, validators=[Optional()])


def settings_form(settings: list[Setting], values: dict[str, Any]) -> FlaskForm:
    form_class = type("PluginSettingsForm", (FlaskForm,), {s.name: _field(s) for s in settings})
    return form_class(data=values)
