"""The registration form (a plugin type's own fields come from its ``form_class``), the
button form of the deadlines page, the upload of an attachment, the voice-message route of a
line, and the administrator's form for a new category."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.tickets.kinds import CHANNELS, PRIORITIES


class RegisterForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    category_id = SelectField(_l("Category"), choices=[], default="")
    channel = SelectField(_l("Channel"), choices=[SelectChoice(code, title) for code, title in CHANNELS.items()], default="phone")
    priority = SelectField(_l("Priority"), choices=[SelectChoice(code, title) for code, title in PRIORITIES.items()], default="normal")
    description = TextAreaField(_l("What the customer says"), validators=[Length(max=10000)])


class ActionForm(FlaskForm):
    """A button that only needs its CSRF token (delete a special day)."""


class AttachmentForm(FlaskForm):
    """The order page's upload: the file's kind and size are checked by ``attach``."""

    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file to attach."))])


class VoicemailRouteForm(FlaskForm):
    """What one line's voice messages become; the choices are filled in by the view."""

    type_code = SelectField(_l("Work order type"), choices=[])
    category_id = SelectField(_l("Category"), choices=[], default="")
    department_id = SelectField(_l("Department"), choices=[], default="",
                                description=_l("Empty: the order waits at the desk to be assigned."))
    priority = SelectField(_l("Priority"), choices=[SelectChoice(code, title) for code, title in PRIORITIES.items()],
                           default="normal")
    call_back = BooleanField(_l("Call the caller back instead"),
                             description=_l("A message with a number to ring becomes a callback task for the "
                                            "line's queue, not a work order; a withheld number still makes an order."))
class CategoryForm(FlaskForm):
    """A new category of one type: at the top, or under one of the type's top levels."""

    name = StringField(_l("Category name"), validators=[DataRequired(), Length(max=100)])
    parent_id = SelectField(_l("Parent category"), coerce=int, default=0)
    weight = IntegerField(_l("Order"), default=100, validators=[Optional(), NumberRange(0, 10000)],
                          description=_l("Smaller numbers come first on the registration form"))
