from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from app.auth.roles import ROLES

#: A mainland mobile number, separators and +86 allowed (the notify room checks it again
#: before sending; the auth room sits below it, so the pattern is repeated here).
MOBILE = r"^\s*(?:\+86|0086)?[\s-]*1[3-9]\d(?:[\s-]?\d){8}\s*$"
EMAIL = r"^\s*[^@\s]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\s*$"


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(max=64),
                    Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Letters, digits, '.', '_' and '-' only."))],
    )
    display_name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    password = PasswordField(_l("Password"), validators=[Optional(), Length(min=8, max=128)])
    roles = MultiCheckboxField(
        _l("Roles"), choices=[SelectChoice(k, v) for k, v in ROLES.items()],
        validators=[DataRequired(message=_l("Give the user at least one role."))],
    )
    department_id = SelectField(_l("Department"), coerce=int, choices=[])
    phone = StringField(
        _l("Mobile number"), validators=[Optional(), Regexp(MOBILE, message=_l(
            "A mobile number has 11 digits and starts with 1, e.g. 13800138000."))],
        description=_l("Optional: overdue work orders escalated to this user are sent here by SMS."))
    email = StringField(
        _l("E-mail address"), validators=[Optional(), Length(max=254), Regexp(EMAIL, message=_l(
            "Not an e-mail address (name@example.com)."))],
        description=_l("Optional: overdue work orders escalated to this user are sent here."))
    locale = SelectField(_l("Language"), choices=[SelectChoice("zh_CN", "中文"), SelectChoice("en", "English")])
    active = BooleanField(_l("Active"), default=True)
    #: The user's ``row_version`` when the form was opened (:mod:`app.audit.editing`).
    row_version = HiddenField()
